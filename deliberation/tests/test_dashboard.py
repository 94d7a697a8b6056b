"""三村议事 on the county dashboard: topics held and turnout per channel, township by township."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation import actions
from deliberation.dashboard import SECTION
from deliberation.models import Channel, Resolution, Topic, Vote
from governance import dashboard
from governance.tests.fixtures import make_resident

from .factories import make_resolution, make_topic, make_villager


def held_topic(region, secretary, closer, *, online=0, remote=0, in_person=0, title="修建村道路灯"):
    """A topic voted on through the three channels and closed, all through the app's actions."""
    topic = make_topic(region, title=title)
    yes = topic.options.get(meaning="for")
    for i in range(online):
        actions.vote_cast(actor=make_villager(region, f"{title}-online-{i}").user, topic_id=topic.pk, option_id=yes.pk)
    for i in range(remote):
        actions.vote_cast(actor=make_villager(region, f"{title}-remote-{i}", away=True).user, topic_id=topic.pk,
                          option_id=yes.pk)
    if in_person:
        people = [make_villager(region) for _ in range(in_person)]
        actions.meeting_sign_in(actor=secretary, topic_id=topic.pk, resident_ids=[p.pk for p in people])
        actions.hand_tally_record(actor=secretary, topic_id=topic.pk, counts={yes.pk: in_person})
    return actions.topic_close(actor=closer, topic_id=topic.pk)


def section_of(response):
    """{region name: {metric key: (raw value, link)}} of the 三村议事 table as the page shows it."""
    section = next(s for s in response.context["sections"] if s["section"].key == "deliberation")
    keys = [m.key for m in section["section"].metrics]
    return {row["region"].name: {k: (c["raw"], c["url"]) for k, c in zip(keys, row["cells"])} for row in section["rows"]}


@pytest.fixture
def held(tree, personas):
    a = held_topic(tree.A1g, personas.village_secretary_a1, personas.county_admin, online=2, remote=1, in_person=3)
    b = held_topic(tree.B1b, personas.village_secretary_b1, personas.county_admin, online=1, title="小区加装电梯")
    make_topic(tree.A1g, title="议事中的议题")
    make_resolution(make_topic(tree.A1g, title="已有决议的议题"))
    return a, b


def test_it_shows_the_county_each_townships_topics_held_and_turnout_per_channel(held, tree, personas, web):
    resp = web(personas.county_admin).get("/dashboard/")
    page = resp.content.decode()
    assert "三村议事" in page and "本地村（现场）参与人次" in page
    figures = section_of(resp)
    a, b = figures["甲镇"], figures["乙街道"]
    # 甲镇: the locked topic plus the one closed with its resolution; one still open.
    assert a["held"][0] == 2 and a["open"][0] == 1 and a["passed"][0] == 1 and a["in_progress"][0] == 1
    assert (a["in_person"][0], a["remote"][0], a["online"][0]) == (3, 1, 2)
    assert a["far_share"][0] == pytest.approx(3 / 6)
    assert (b["held"][0], b["online"][0], b["in_person"][0]) == (1, 1, 0)
    topic = held[0]
    assert a["turnout_rate"][0] == pytest.approx(topic.turnout / topic.eligible_count)
    charts = {c["id"]: c for c in resp.context["charts"]}
    assert charts["chart-deliberation-held"]["values"] == [2.0, 1.0]
    trend = charts["trend-deliberation"]["series"]
    assert sum(trend["已结束议题"]) == 3 and sum(trend["本地村（现场）"]) == 3 and sum(trend["网上村（线上）"]) == 3


def test_it_shows_a_township_only_its_own_villages(held, tree, personas, web):
    resp = web(personas.township_staff_a).get("/dashboard/")
    figures = section_of(resp)
    assert set(figures) == {"甲一村", "甲二村"}
    assert figures["甲一村"]["held"][0] == 2 and figures["甲二村"]["held"][0] == 0
    trend = {c["id"]: c for c in resp.context["charts"]}["trend-deliberation"]["series"]
    assert sum(trend["已结束议题"]) == 2 and sum(trend["网上村（线上）"]) == 2  # 乙街道's online vote is not there


def test_it_is_not_shown_to_a_villager(held, personas, web):
    resp = web(personas.resident_a1).get("/dashboard/")
    assert resp.status_code == 404 or "三村议事" not in [s["section"].title for s in resp.context["sections"]]


def test_it_links_each_figure_to_a_list_showing_exactly_the_rows_counted(held, tree, personas, web):
    client = web(personas.county_admin)
    figures = section_of(client.get("/dashboard/"))
    checked = 0
    for region, values in figures.items():
        for key, (raw, url) in values.items():
            if url is None:
                continue
            listed = client.get(url)
            assert listed.status_code == 200, url
            assert len(listed.context["object_list"]) == raw, (region, key, url)
            checked += 1
    assert checked == 8  # four linked figures for each of the two townships
    # The drill-down into 甲镇 links its villages the same way.
    village = section_of(client.get("/dashboard/", {"region": tree.A.pk}))["甲一村"]
    passed = client.get(village["passed"][1]).context["object_list"]
    assert [t.title for t in passed] == ["修建村道路灯"]


def closed_topics(region, n, voters_each=3):
    """`n` closed topics of the village, each with votes through every channel (set up in bulk)."""
    people = [make_resident(region) for _ in range(voters_each * 3)]
    for i in range(n):
        topic = make_topic(region, title=f"议题{i}")
        option = topic.options.get(meaning="for")
        Vote.objects.bulk_create(
            [Vote(topic=topic, resident=p, channel=Channel.IN_PERSON) for p in people[:voters_each]]
            + [Vote(topic=topic, resident=p, channel=Channel.REMOTE, option=option)
               for p in people[voters_each:2 * voters_each]]
            + [Vote(topic=topic, resident=p, channel=Channel.ONLINE, option=option) for p in people[2 * voters_each:]])
        Topic.objects.filter(pk=topic.pk).update(status=Topic.Status.CLOSED, closed_at=topic.opens_at,
                                                  turnout=len(people), eligible_count=len(people) * 2)
        Resolution.objects.create(topic=topic, text="按决议办理")


@pytest.mark.parametrize("n", [2, 25])
def test_it_costs_six_queries_whatever_the_number_of_topics_and_votes(n, tree, personas, django_assert_max_num_queries):
    closed_topics(tree.A1g, n)
    closed_topics(tree.B1b, n)
    from django.utils import timezone

    today = timezone.localdate()
    c = dashboard.Context(user=personas.county_admin, root=tree.C, children=[tree.A, tree.B], child_len=len(tree.A.path),
                          since=today.replace(month=1, day=1), until=today)
    # The user's roles (read once per request), then one GROUP BY each: topics, votes, resolutions,
    # and the trend's topics and votes by month.
    with django_assert_max_num_queries(6):
        values = SECTION.compute(c)
        trend = SECTION.trend(c)
    assert values[tree.A.path]["held"] == n and values[tree.B.path]["remote"] == 3 * n
    assert sum(sum(v) for v in trend["series"]["held"].values()) == 2 * n


def test_it_keeps_the_county_page_query_count_the_same_at_two_sizes(tree, personas, web, django_assert_max_num_queries):
    client = web(personas.county_admin)
    closed_topics(tree.A1g, 2)
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/dashboard/").status_code == 200
    closed_topics(tree.A2g, 30)
    closed_topics(tree.B1b, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get("/dashboard/")
    assert section_of(page)["甲镇"]["held"][0] == 32
