"""The pages as villagers and the village office use them."""
import pytest
from django.utils import timezone

from deliberation.models import HandTally, Topic, Vote

from .factories import make_council, make_member, make_resolution, make_topic, make_villager


def test_a_migrant_reads_comments_and_votes_remotely_on_the_topic_page(tree, personas, web):
    topic = make_topic(tree.A1g)
    migrant = make_villager(tree.A1g, "migrant", away=True)
    c = web(migrant.user)
    page = c.get(topic.get_absolute_url()).content.decode()
    assert topic.background in page and "外地村" in page
    c.post(f"/deliberation/topics/{topic.pk}/comment/", {"body": "我在外地，支持装路灯"})
    yes = topic.options.get(meaning="for")
    page = c.post(f"/deliberation/topics/{topic.pk}/vote/", {"option": yes.pk, "confirmed": "1"}, follow=True).content.decode()
    assert "您的表决已记录" in page and "我在外地，支持装路灯" in page
    assert Vote.objects.get(topic=topic).channel == "remote"
    page = c.post(f"/deliberation/topics/{topic.pk}/vote/", {"option": yes.pk, "confirmed": "1"}, follow=True).content.decode()
    assert "只能表决一次" in page
    # A villager does not see the live count before the topic closes.
    assert 'id="tally"' not in page


def test_a_villager_of_another_village_gets_404_on_the_topic_and_its_vote(tree, personas, web):
    topic = make_topic(tree.A1g)
    c = web(personas.resident_b1)
    assert c.get(topic.get_absolute_url()).status_code == 404
    assert c.post(f"/deliberation/topics/{topic.pk}/vote/", {"option": topic.options.first().pk}).status_code == 404
    assert topic.title not in c.get("/deliberation/").content.decode()
    assert not Vote.objects.exists()


def test_a_draft_is_seen_by_the_office_only(tree, personas, web):
    topic = make_topic(tree.A1g, status="draft", title="草拟中的议题")
    assert web(personas.resident_a1).get(topic.get_absolute_url()).status_code == 404
    assert "草拟中的议题" in web(personas.village_secretary_a1).get("/deliberation/").content.decode()


def test_the_secretary_convenes_a_topic_through_the_editor_and_bad_input_changes_nothing(tree, personas, web):
    c = web(personas.village_secretary_a1)
    data = {"region": tree.A1.pk, "title": "修订村规民约", "background": "第五条关于红白喜事", "kind": "proposal",
            "opens_at": "2026-12-01T08:00", "closes_at": "2026-12-10T20:00", "quorum_percent": 120,
            "majority_percent": 50}
    page = c.post("/deliberation/topics/add/", data).content.decode()
    assert "参与率要求须在1%到100%之间" in page and not Topic.objects.exists()
    resp = c.post("/deliberation/topics/add/", {**data, "quorum_percent": 50})
    topic = Topic.objects.get()
    assert resp.status_code == 302 and topic.status == "draft" and topic.options.count() == 3
    c.post(f"/deliberation/topics/{topic.pk}/open/")
    topic.refresh_from_db()
    assert topic.status == "open"


def test_the_sign_in_sheet_and_a_hand_tally_above_attendance(tree, personas, web):
    topic = make_topic(tree.A1g)
    people = [make_villager(tree.A1g) for _ in range(3)]
    c = web(personas.village_assistant_a1)
    sheet = c.get(f"/deliberation/topics/{topic.pk}/sign-in/").content.decode()
    assert all(p.name in sheet and p.id_masked in sheet for p in people)
    c.post(f"/deliberation/topics/{topic.pk}/sign-in/", {"residents": [p.pk for p in people[:2]]})
    assert Vote.objects.filter(topic=topic, channel="in_person").count() == 2
    yes = topic.options.get(meaning="for")
    page = c.post(f"/deliberation/topics/{topic.pk}/tally/", {f"option_{o.pk}": 2 if o == yes else 1
                                                               for o in topic.options.all()}).content.decode()
    assert "超过了现场签到" in page and not HandTally.objects.exists()
    resp = c.post(f"/deliberation/topics/{topic.pk}/tally/", {f"option_{o.pk}": 2 if o == yes else 0
                                                               for o in topic.options.all()} | {"minutes": "到会2人"})
    assert resp.status_code == 302
    topic.refresh_from_db()
    assert topic.minutes == "到会2人" and HandTally.objects.get(option=yes).count == 2


def test_the_secretary_closes_and_everyone_sees_the_three_channel_result(tree, personas, web):
    topic = make_topic(tree.A1g)
    yes = topic.options.get(meaning="for")
    migrant = make_villager(tree.A1g, "migrant", away=True)
    web(migrant.user).post(f"/deliberation/topics/{topic.pk}/vote/", {"option": yes.pk, "confirmed": "1"})
    web(personas.resident_a1).post(f"/deliberation/topics/{topic.pk}/vote/", {"option": yes.pk, "confirmed": "1"})
    c = web(personas.village_secretary_a1)
    c.post(f"/deliberation/topics/{topic.pk}/close/")
    page = web(personas.resident_a1).get(topic.get_absolute_url()).content.decode()
    assert "表决结果（已锁定）" in page and 'id="tally-remote">1<' in page and 'id="tally-online">1<' in page
    assert 'id="tally-total">2<' in page
    # Then the resolution, published to the village.
    c.post(f"/deliberation/topics/{topic.pk}/resolution/", {"text": "安装太阳能路灯20盏"})
    assert "安装太阳能路灯20盏" in web(personas.resident_a1).get("/deliberation/resolutions/").content.decode()


def test_a_council_member_records_supervision_on_the_council_and_topic_pages(tree, personas, web):
    topic = make_topic(tree.A1g)
    resolution = make_resolution(topic)
    council = make_council(tree.A1g)
    member = make_villager(tree.A1g, "council_member", away=True)
    make_member(council, member)
    c = web(member.user)
    c.post(f"/deliberation/resolutions/{resolution.pk}/note/", {"body": "施工队已进场"})
    assert "施工队已进场" in c.get(council.get_absolute_url()).content.decode()
    assert "施工队已进场" in c.get(topic.get_absolute_url()).content.decode()
    # A villager who is not on a council cannot.
    assert web(personas.resident_a1).post(f"/deliberation/resolutions/{resolution.pk}/note/",
                                          {"body": "x"}).status_code == 403


@pytest.mark.parametrize("url", ["/deliberation/", "/deliberation/resolutions/", "/deliberation/councils/"])
def test_lists_cost_the_same_queries_at_10_and_100_rows(url, tree, personas, web, django_assert_max_num_queries):
    c = web(personas.village_secretary_a1)

    def grow(n):
        for i in range(n):
            topic = make_topic(tree.A1g, title=f"议题{i}")
            make_resolution(topic)
            make_council(tree.A1g, name=f"理事会{timezone.now().timestamp()}{i}")

    grow(10)
    with django_assert_max_num_queries(14) as small:
        assert c.get(url).status_code == 200
    grow(90)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert c.get(url).status_code == 200


def test_the_topic_page_costs_the_same_queries_with_many_comments(tree, personas, web, django_assert_max_num_queries):
    from deliberation import actions

    topic = make_topic(tree.A1g)
    c = web(personas.village_secretary_a1)
    for i in range(5):
        actions.comment_add(actor=personas.village_secretary_a1, topic_id=topic.pk, body=f"发言{i}")
    with django_assert_max_num_queries(40) as few:
        c.get(topic.get_absolute_url())
    for i in range(50):
        actions.comment_add(actor=personas.village_secretary_a1, topic_id=topic.pk, body=f"更多发言{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get(topic.get_absolute_url())


def test_the_village_and_resident_pages_show_deliberation(tree, personas, web):
    from deliberation import actions

    topic = make_topic(tree.A1g, title="村口修桥")
    council = make_council(tree.A1g, name="乡贤理事会")
    villager = personas.resident_a1.resident
    make_member(council, villager)
    actions.vote_cast(actor=personas.resident_a1, topic_id=topic.pk, option_id=topic.options.first().pk)
    c = web(personas.village_secretary_a1)
    region_page = c.get(f"/regions/{tree.A1.pk}/").content.decode()
    assert "村口修桥" in region_page and "乡贤理事会" in region_page
    resident_page = c.get(f"/residents/{villager.pk}/").content.decode()
    assert "村口修桥" in resident_page and "网上村（线上）" in resident_page and "乡贤理事会" in resident_page
    # Another village's office sees none of it.
    assert "村口修桥" not in web(personas.village_secretary_b1).get("/deliberation/").content.decode()
