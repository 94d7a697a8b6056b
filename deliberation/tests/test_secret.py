"""无记名投票: who took part is recorded, what each chose is not — not even for someone reading every table
and every system column; one villager is one place in the tally whichever channels they use at once."""
import threading
import uuid

import pytest
from django.db import connection

from deliberation import actions
from deliberation.models import BallotCount, Topic, Vote
from governance.models import AuditEntry

from .factories import make_topic, make_villager

BALLOT_TABLE = BallotCount._meta.db_table
VOTE_TABLE = Vote._meta.db_table


def _rows(sql, params=()):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


@pytest.mark.django_db(transaction=True)
def test_with_every_table_and_system_column_no_ballot_can_be_joined_to_its_voter(tree, personas):
    topic = make_topic(tree.A1g, secret=True)
    o = {x.meaning: x.pk for x in topic.options.all()}
    choices = ["for", "for", "against", "for", "abstain"]
    voters = [make_villager(tree.A1g, f"secret-{i}", away=(i == 2)) for i in range(len(choices))]
    for villager, meaning in zip(voters, choices):  # each vote its own committed transaction
        actions.vote_cast(actor=villager.user, topic_id=topic.pk, option_id=o[meaning])

    # The participation record: who, when, which channel — and no choice.
    votes = _rows(f"SELECT xmin::text, cmin::text, resident_id, option_id FROM {VOTE_TABLE} WHERE topic_id = %s",
                  [topic.pk])
    assert len(votes) == 5 and {v[3] for v in votes} == {None}
    # The control: each voter's row carries its own transaction, so a row per ballot inserted alongside would
    # carry the same one and join straight to it.
    assert len({v[0] for v in votes}) == 5

    # The ballot box: choice counts, a random key, nothing else — no voter, time, channel or sequence.
    columns = {c for (c,) in _rows("SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                                   [BALLOT_TABLE])}
    assert columns == {"id", "topic_id", "option_id", "count"}
    referenced = {t for (t,) in _rows(
        """SELECT ccu.table_name FROM information_schema.table_constraints tc
           JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
           WHERE tc.table_name = %s AND tc.constraint_type = 'FOREIGN KEY'""", [BALLOT_TABLE])}
    assert referenced == {Topic._meta.db_table, "deliberation_topicoption"}
    box = _rows(f"SELECT id, xmin::text, cmin::text, xmax::text, option_id, count FROM {BALLOT_TABLE} "
                f"WHERE topic_id = %s", [topic.pk])
    assert all(uuid.UUID(str(r[0])).version == 4 for r in box)
    assert sorted(r[5] for r in box) == [1, 1, 3]
    # Every count of the topic was rewritten by the last ballot's one UPDATE: the system columns are the same
    # on all of them, so they single out no option — and match at most the last voter, to all options alike.
    assert len({(r[1], r[2], r[3]) for r in box}) == 1
    for xmin, *_ in votes:
        matching = {r[4] for r in box if r[1] == xmin}
        assert matching in (set(), set(o.values()))
    # Nor does anything written beside the vote hold the choice.
    entries = AuditEntry.objects.filter(action="deliberation.vote", object_id=str(topic.pk))
    assert entries.count() == 5 and all(set(e.data) == {"channel"} for e in entries)
    assert not any(str(pk) in (e.reason or "") for e in entries for pk in o.values())

    # Closed: the result counts every ballot, per option, the remote and online ones together.
    closed = actions.topic_close(actor=personas.village_secretary_a1, topic_id=topic.pk)
    by_label = {r["meaning"]: r for r in closed.result["options"]}
    assert (by_label["for"]["sealed"], by_label["against"]["sealed"], by_label["abstain"]["sealed"]) == (3, 1, 1)
    assert by_label["for"]["remote"] is None and closed.result["total"] == 5 and closed.turnout == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("away", [False, True], ids=["online", "remote"])
def test_one_villager_through_three_channels_at_once_counts_once(tree, personas, web, api, away):
    """The villager's phone (网上村, or 外地村 when away), the same villager's API session and the recorder
    signing them in at the meeting (本地村), all at once, five rounds."""
    for round_ in range(5):
        topic = make_topic(tree.A1g, secret=True, title=f"无记名{round_}")
        villager = make_villager(tree.A1g, f"triple-{away}-{round_}", away=away)
        yes = topic.options.get(meaning="for").pk
        page, phone = web(villager.user), api(villager.user)
        office = api(personas.village_secretary_a1)
        barrier = threading.Barrier(3)
        codes = {}

        def run(name, call):
            try:
                barrier.wait()
                codes[name] = call().status_code
            finally:
                connection.close()

        calls = {
            "page": lambda: page.post(f"/deliberation/topics/{topic.pk}/vote/", {"option": yes, "confirmed": "1"}),
            "api": lambda: phone.post(f"/api/v1/deliberation/topics/{topic.pk}/vote/", {"option": yes}, format="json"),
            "meeting": lambda: office.post(f"/api/v1/deliberation/topics/{topic.pk}/sign-in/",
                                           {"residents": [villager.pk]}, format="json"),
        }
        threads = [threading.Thread(target=run, args=(n, c)) for n, c in calls.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert set(codes) == set(calls) and all(c < 500 for c in codes.values()), codes
        assert Vote.objects.filter(topic=topic, resident=villager).count() == 1
        sealed = sum(BallotCount.objects.filter(topic=topic).values_list("count", flat=True))
        in_person = Vote.objects.filter(topic=topic, channel="in_person").count()
        assert sealed + in_person == 1
        assert sealed == Vote.objects.filter(topic=topic).exclude(channel="in_person").count()


def test_the_tally_stays_hidden_from_everyone_until_the_secret_vote_closes(tree, personas, web, api):
    topic = make_topic(tree.A1g, secret=True)
    actions._open_ballot_box(topic)
    actions.vote_cast(actor=personas.resident_a1, topic_id=topic.pk, option_id=topic.options.get(meaning="for").pk)
    secretary = web(personas.village_secretary_a1)
    page = secretary.get(topic.get_absolute_url()).content.decode()
    assert 'id="tally"' not in page and 'id="participation"' in page and "已参与 1 人" in page
    assert api(personas.village_secretary_a1).get(f"/api/v1/deliberation/topics/{topic.pk}/tally/").status_code == 403
    assert api(personas.county_admin).get(f"/api/v1/deliberation/topics/{topic.pk}/tally/").status_code == 403
    # The villager's own page says they took part, not what they chose.
    mine = web(personas.resident_a1).get(topic.get_absolute_url()).content.decode()
    assert "无记名，选票不与您关联" in mine and 'id="change-vote"' not in mine
    secretary.post(f"/deliberation/topics/{topic.pk}/close/")
    page = web(personas.resident_a1).get(topic.get_absolute_url()).content.decode()
    assert 'id="tally-sealed">1<' in page and 'id="tally-total">1<' in page
    body = api(personas.resident_a1).get(f"/api/v1/deliberation/topics/{topic.pk}/tally/").json()
    assert body["secret"] and body["sealed"] == 1 and body["channels"]["online"]["votes"] is None


def test_the_secretary_declares_a_topic_secret_and_its_box_opens_with_it(tree, personas, web):
    c = web(personas.village_secretary_a1)
    resp = c.post("/deliberation/topics/add/", {
        "region": tree.A1.pk, "title": "村委会换届选举方式", "background": "采用无记名投票。", "kind": "proposal",
        "opens_at": "2026-01-01T08:00", "closes_at": "2099-01-01T08:00", "quorum_percent": 50,
        "majority_percent": 50, "secret": "on"})
    assert resp.status_code == 302
    topic = Topic.objects.get(title="村委会换届选举方式")
    assert topic.secret and BallotCount.objects.filter(topic=topic).count() == 3
    c.post(f"/deliberation/topics/{topic.pk}/open/")
    assert "无记名投票" in c.get(topic.get_absolute_url()).content.decode()


def test_a_ballot_is_cast_only_after_the_villager_confirms_it(tree, personas, web):
    topic = make_topic(tree.A1g, secret=True)
    no = topic.options.get(meaning="against")
    c = web(personas.resident_a1)
    page = c.post(f"/deliberation/topics/{topic.pk}/vote/", {"option": no.pk}).content.decode()
    assert 'id="vote-confirm"' in page and 'id="vote-choice">反对<' in page and "您自己也不能再更改" in page
    assert not Vote.objects.exists()
    resp = c.post(f"/deliberation/topics/{topic.pk}/vote/", {"option": no.pk, "confirmed": "1"}, follow=True)
    assert "您的无记名投票已放入票箱" in resp.content.decode()
    assert Vote.objects.get().option_id is None
    assert BallotCount.objects.get(topic=topic, option=no).count == 1


def test_a_public_vote_is_changed_before_closing_after_confirming(tree, personas, web, api):
    topic = make_topic(tree.A1g)
    yes, no = topic.options.get(meaning="for"), topic.options.get(meaning="against")
    c = web(personas.resident_a1)
    c.post(f"/deliberation/topics/{topic.pk}/vote/", {"option": yes.pk, "confirmed": "1"})
    page = c.get(topic.get_absolute_url()).content.decode()
    assert 'id="change-vote"' in page
    page = c.post(f"/deliberation/topics/{topic.pk}/vote/change/", {"option": no.pk}).content.decode()
    assert 'id="vote-confirm-public"' in page and Vote.objects.get().option_id == yes.pk
    resp = c.post(f"/deliberation/topics/{topic.pk}/vote/change/", {"option": no.pk, "confirmed": "1"}, follow=True)
    assert "您的表决已更改" in resp.content.decode()
    vote = Vote.objects.get()
    assert vote.option_id == no.pk and vote.changed_at is not None
    assert AuditEntry.objects.filter(action="deliberation.vote_change").count() == 1
    # The same choice again is no change; through the API as well.
    resp = api(personas.resident_a1).post(f"/api/v1/deliberation/topics/{topic.pk}/change-vote/",
                                          {"option": no.pk}, format="json")
    assert resp.status_code == 400 and "未作更改" in str(resp.json())
    actions.topic_close(actor=personas.village_secretary_a1, topic_id=topic.pk)
    resp = api(personas.resident_a1).post(f"/api/v1/deliberation/topics/{topic.pk}/change-vote/",
                                          {"option": yes.pk}, format="json")
    assert resp.status_code == 400 and "不在表决中" in str(resp.json())
    assert {r["meaning"]: r["total"] for r in Topic.objects.get().result["options"]}["against"] == 1


def test_a_secret_ballot_and_a_show_of_hands_are_not_changed_online(tree, personas, api):
    secret = make_topic(tree.A1g, secret=True)
    actions.vote_cast(actor=personas.resident_a1, topic_id=secret.pk, option_id=secret.options.first().pk)
    resp = api(personas.resident_a1).post(f"/api/v1/deliberation/topics/{secret.pk}/change-vote/",
                                          {"option": secret.options.last().pk}, format="json")
    assert resp.status_code == 400 and "无记名投票提交后不能更改" in str(resp.json())
    public = make_topic(tree.A1g, title="村规民约修订")
    actions.meeting_sign_in(actor=personas.village_secretary_a1, topic_id=public.pk,
                            resident_ids=[personas.resident_a1.resident.pk])
    resp = api(personas.resident_a1).post(f"/api/v1/deliberation/topics/{public.pk}/change-vote/",
                                          {"option": public.options.first().pk}, format="json")
    assert resp.status_code == 400 and "以现场举手为准" in str(resp.json())
    # Another village's villager does not find the topic at all.
    assert api(personas.resident_b1).post(f"/api/v1/deliberation/topics/{public.pk}/change-vote/",
                                          {"option": public.options.first().pk}, format="json").status_code == 404
