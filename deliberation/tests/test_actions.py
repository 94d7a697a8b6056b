"""The workflow of one deliberation: invitation, three channels, one tally, close, resolution, follow-up."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from governance.errors import Conflict
from governance.models import Notification, Region

from deliberation import actions
from deliberation.models import Attendance, Channel, HandTally, Resolution, Topic, TopicEvent, Vote
from deliberation.selectors import compute_tally

from .factories import make_council, make_member, make_resolution, make_topic, make_villager


def option(topic, meaning="for"):
    return topic.options.get(meaning=meaning)


def test_it_records_an_online_vote_at_home_and_a_remote_vote_for_a_migrant(tree, personas):
    topic = make_topic(tree.A1g)
    migrant = make_villager(tree.A1g, "migrant", away=True)
    home = personas.resident_a1.resident
    v1 = actions.vote_cast(actor=migrant.user, topic_id=topic.pk, option_id=option(topic).pk)
    v2 = actions.vote_cast(actor=home.user, topic_id=topic.pk, option_id=option(topic, "against").pk)
    assert (v1.channel, v2.channel) == (Channel.REMOTE, Channel.ONLINE)
    assert Attendance.objects.filter(topic=topic, resident=migrant, channel=Channel.REMOTE).exists()


def test_a_villager_who_signed_in_at_the_meeting_cannot_vote_online(tree, personas):
    topic = make_topic(tree.A1g)
    villager = personas.resident_a1.resident
    actions.meeting_sign_in(actor=personas.village_secretary_a1, topic_id=topic.pk, resident_ids=[villager.pk])
    with pytest.raises(ValidationError, match="本地村（现场）"):
        actions.vote_cast(actor=personas.resident_a1, topic_id=topic.pk, option_id=option(topic).pk)
    assert list(Vote.objects.filter(topic=topic).values_list("channel", flat=True)) == [Channel.IN_PERSON]


def test_a_villager_who_voted_online_keeps_that_vote_when_signed_in_at_the_meeting(tree, personas):
    topic = make_topic(tree.A1g)
    villager = personas.resident_a1.resident
    other = make_villager(tree.A1g)
    actions.vote_cast(actor=personas.resident_a1, topic_id=topic.pk, option_id=option(topic).pk)
    result = actions.meeting_sign_in(actor=personas.village_assistant_a1, topic_id=topic.pk,
                                     resident_ids=[villager.pk, other.pk])
    assert result == {"signed_in": 1, "total_in_person": 1, "voted_elsewhere": [villager.name]}
    assert Vote.objects.get(topic=topic, resident=villager).channel == Channel.ONLINE
    # Present in the room all the same.
    assert Attendance.objects.filter(topic=topic, resident=villager, channel=Channel.IN_PERSON).exists()


def test_a_second_vote_is_refused_and_the_first_one_stands(tree, personas):
    topic = make_topic(tree.A1g)
    actions.vote_cast(actor=personas.resident_a1, topic_id=topic.pk, option_id=option(topic).pk)
    with pytest.raises(ValidationError, match="只能表决一次"):
        actions.vote_cast(actor=personas.resident_a1, topic_id=topic.pk, option_id=option(topic, "against").pk)
    assert Vote.objects.get(topic=topic).option.meaning == "for"


def test_a_villager_of_another_village_can_neither_see_nor_vote(tree, personas):
    topic = make_topic(tree.A1g)
    with pytest.raises(Http404):
        actions.vote_cast(actor=personas.resident_b1, topic_id=topic.pk, option_id=option(topic).pk)
    a2 = make_villager(tree.A2g, "villager_a2")
    with pytest.raises(Http404):
        actions.vote_cast(actor=a2.user, topic_id=topic.pk, option_id=option(topic).pk)
    assert not Vote.objects.exists()


def test_a_closed_topic_refuses_votes_and_its_result_is_locked(tree, personas):
    topic = make_topic(tree.A1g)
    actions.vote_cast(actor=personas.resident_a1, topic_id=topic.pk, option_id=option(topic).pk)
    closed = actions.topic_close(actor=personas.village_secretary_a1, topic_id=topic.pk)
    locked = closed.result
    assert Notification.objects.filter(user=personas.resident_a1, title__startswith="表决结果已公布").exists()
    migrant = make_villager(tree.A1g, "late", away=True)
    with pytest.raises(ValidationError, match="已结束表决"):
        actions.vote_cast(actor=migrant.user, topic_id=topic.pk, option_id=option(topic).pk)
    with pytest.raises(ValidationError):
        actions.meeting_sign_in(actor=personas.village_secretary_a1, topic_id=topic.pk, resident_ids=[migrant.pk])
    with pytest.raises(ValidationError):
        actions.hand_tally_record(actor=personas.village_secretary_a1, topic_id=topic.pk, counts={option(topic).pk: 0})
    with pytest.raises(Conflict):
        actions.topic_close(actor=personas.village_secretary_a1, topic_id=topic.pk)
    topic.refresh_from_db()
    assert topic.result == locked and topic.turnout == 1
    # The locked eligible count does not move when more villagers register later.
    assert compute_tally(topic)["eligible"] == locked["eligible"]


def test_a_vote_outside_the_window_gets_a_clear_message(tree, personas):
    now = timezone.now()
    early = make_topic(tree.A1g, opens_at=now + dt.timedelta(hours=2), closes_at=now + dt.timedelta(days=1))
    late = make_topic(tree.A1g, opens_at=now - dt.timedelta(days=2), closes_at=now - dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="尚未开始"):
        actions.vote_cast(actor=personas.resident_a1, topic_id=early.pk, option_id=option(early).pk)
    with pytest.raises(ValidationError, match="截止"):
        actions.vote_cast(actor=personas.resident_a1, topic_id=late.pk, option_id=option(late).pk)
    assert not Vote.objects.exists()


def test_a_hand_tally_above_the_signed_in_attendance_is_refused_and_changes_nothing(tree, personas):
    topic = make_topic(tree.A1g)
    people = [make_villager(tree.A1g) for _ in range(3)]
    secretary = personas.village_secretary_a1
    actions.meeting_sign_in(actor=secretary, topic_id=topic.pk, resident_ids=[p.pk for p in people])
    actions.hand_tally_record(actor=secretary, topic_id=topic.pk, counts={option(topic).pk: 2})
    with pytest.raises(ValidationError) as exc:
        actions.hand_tally_record(actor=secretary, topic_id=topic.pk,
                                  counts={option(topic).pk: 3, option(topic, "against").pk: 1})
    assert "超过了现场签到" in str(exc.value.message_dict["counts"])
    assert list(HandTally.objects.values_list("count", flat=True)) == [2]


def test_per_channel_counts_add_up_to_the_total_and_decide_the_result(tree, personas):
    topic = make_topic(tree.A1g, quorum=50, majority=50)
    home = [make_villager(tree.A1g, f"home{i}") for i in range(2)]
    away = [make_villager(tree.A1g, f"away{i}", away=True) for i in range(3)]
    room = [make_villager(tree.A1g) for _ in range(4)]
    secretary = personas.village_secretary_a1
    for v in home:
        actions.vote_cast(actor=v.user, topic_id=topic.pk, option_id=option(topic).pk)
    for v, meaning in zip(away, ["for", "against", "abstain"]):
        actions.vote_cast(actor=v.user, topic_id=topic.pk, option_id=option(topic, meaning).pk)
    actions.meeting_sign_in(actor=secretary, topic_id=topic.pk, resident_ids=[v.pk for v in room])
    actions.hand_tally_record(actor=secretary, topic_id=topic.pk,
                              counts={option(topic).pk: 3, option(topic, "against").pk: 1})
    topic = actions.topic_close(actor=secretary, topic_id=topic.pk)
    r = topic.result
    # 9 of 10 eligible adults (the persona villager + 9 here) took part.
    assert r["eligible"] == 10 and r["turnout"] == 9
    by_channel = {c: r["channels"][c]["votes"] for c in ("in_person", "remote", "online")}
    assert by_channel == {"in_person": 4, "remote": 3, "online": 2}
    assert sum(by_channel.values()) == r["total"] == sum(o["total"] for o in r["options"]) == 9
    assert {o["label"]: o["total"] for o in r["options"]} == {"同意": 6, "反对": 2, "弃权": 1}
    assert topic.passed and topic.quorum_met and topic.winning_option.label == "同意"


def test_a_topic_below_its_quorum_does_not_pass(tree, personas):
    topic = make_topic(tree.A1g, quorum=60)
    for i in range(3):
        make_villager(tree.A1g)
    actions.vote_cast(actor=personas.resident_a1, topic_id=topic.pk, option_id=option(topic).pk)
    topic = actions.topic_close(actor=personas.village_secretary_a1, topic_id=topic.pk)
    assert topic.result["options"][0]["total"] == 1 and not topic.quorum_met and not topic.passed
    assert topic.winning_option is None  # nothing was adopted


def test_a_quorum_above_100_percent_is_refused_and_nothing_is_created(tree, personas):
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        actions.topic_create(actor=personas.village_secretary_a1, region=tree.A1, title="议题", background="材料",
                             opens_at=now, closes_at=now + dt.timedelta(days=1), quorum_percent=120)
    assert "1%到100%" in str(exc.value.message_dict["quorum_percent"])
    assert not Topic.objects.exists()


def test_a_secretary_cannot_convene_a_topic_in_another_village(tree, personas):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        actions.topic_create(actor=personas.village_secretary_a1, region=tree.A2, title="议题", background="材料",
                             opens_at=now, closes_at=now + dt.timedelta(days=1))


def test_publishing_invites_migrants_to_join_remotely(tree, personas):
    now = timezone.now()
    migrant = make_villager(tree.A1g, "migrant", away=True)
    topic = actions.topic_create(actor=personas.village_secretary_a1, region=tree.A1, title="村规民约修订",
                                 background="修订第三条", opens_at=now, closes_at=now + dt.timedelta(days=2),
                                 kind=Topic.Kind.CHOICE, options=["方案一", "方案二"])
    actions.topic_open(actor=personas.village_secretary_a1, topic_id=topic.pk)
    assert Notification.objects.get(user=migrant.user).title.startswith("外地村远程议事邀请")
    assert Notification.objects.filter(user=personas.resident_a1).exists()
    assert not Notification.objects.filter(user=personas.resident_b1).exists()
    assert list(TopicEvent.objects.filter(topic=topic).values_list("action", flat=True)) == ["create", "open"]


def test_only_the_chosen_groups_take_part(tree, personas):
    group2 = Region.objects.create(parent=tree.A1, code="341122001001002", name="甲一村第2组", kind=Region.Kind.GROUP)
    topic = make_topic(tree.A1g, groups=[group2])
    with pytest.raises(ValidationError, match="参与范围"):
        actions.vote_cast(actor=personas.resident_a1, topic_id=topic.pk, option_id=option(topic).pk)


def test_a_resolution_is_published_and_linked_to_what_the_user_may_see(tree, personas):
    from centers.models import Center, WorkCategory, WorkItem

    topic = make_topic(tree.A1g)
    actions.topic_close(actor=personas.village_secretary_a1, topic_id=topic.pk)
    resolution = actions.resolution_record(actor=personas.village_secretary_a1, topic_id=topic.pk, text="同意安装")
    assert Notification.objects.filter(user=personas.resident_a1, title__startswith="决议公布").exists()
    with pytest.raises(Conflict):
        actions.resolution_record(actor=personas.village_secretary_a1, topic_id=topic.pk, text="again")
    center = Center.objects.filter(township=tree.A).first()
    item = WorkItem.objects.create(township=tree.A, center=center, category=WorkCategory.objects.first(),
                                   title="安装路灯20盏")
    theirs = WorkItem.objects.create(township=tree.B, center=Center.objects.filter(township=tree.B).first(),
                                     category=WorkCategory.objects.first(), title="乙街道事项")
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(WorkItem)
    link = actions.resolution_link(actor=personas.township_staff_a, resolution_id=resolution.pk,
                                   content_type_id=ct.pk, object_id=str(item.pk))
    assert link.target == item and link.label == "安装路灯20盏"
    with pytest.raises(ValidationError, match="不在您可查看的范围内"):
        actions.resolution_link(actor=personas.township_staff_a, resolution_id=resolution.pk,
                                content_type_id=ct.pk, object_id=str(theirs.pk))
    # A content type that is not a "carries it out" target is refused too.
    with pytest.raises(ValidationError):
        actions.resolution_link(actor=personas.township_staff_a, resolution_id=resolution.pk,
                                content_type_id=ContentType.objects.get_for_model(Region).pk, object_id=str(tree.A1.pk))


def test_council_members_supervise_until_the_resolution_is_done(tree, personas):
    topic = make_topic(tree.A1g)
    resolution = make_resolution(topic)
    council = make_council(tree.A1g, kind="supervision", name="村务监督委员会")
    member = make_villager(tree.A1g, "supervisor", away=True)
    make_member(council, member)
    note = actions.supervision_note_add(actor=member.user, resolution_id=resolution.pk, body="已采购路灯，待安装。")
    assert note.council == council
    with pytest.raises(PermissionDenied):
        actions.supervision_note_add(actor=personas.resident_a1, resolution_id=resolution.pk, body="我也说两句")
    actions.resolution_complete(actor=personas.village_secretary_a1, resolution_id=resolution.pk)
    with pytest.raises(ValidationError, match="已办结"):
        actions.supervision_note_add(actor=member.user, resolution_id=resolution.pk, body="再记一笔")
    with pytest.raises(Conflict):
        actions.resolution_complete(actor=personas.village_secretary_a1, resolution_id=resolution.pk)
    assert Resolution.objects.get().status == Resolution.Status.DONE


def test_a_council_member_must_be_a_villager_of_that_village(tree, personas):
    council = make_council(tree.A1g)
    outsider = make_villager(tree.A2g)
    with pytest.raises(ValidationError, match="本村村民"):
        actions.council_member_add(actor=personas.village_secretary_a1, council_id=council.pk,
                                   resident_id=outsider.pk, role="member", term_start=timezone.localdate())
    ours = make_villager(tree.A1g, away=True)
    m = actions.council_member_add(actor=personas.village_secretary_a1, council_id=council.pk, resident_id=ours.pk,
                                   role="chair", term_start=timezone.localdate())
    assert m.is_current
