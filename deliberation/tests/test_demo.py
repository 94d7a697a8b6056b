import random

from governance.demo import DemoContext

from deliberation import demo
from deliberation.models import Channel, Council, Proposal, Resolution, Topic, Vote

from .factories import make_villager


def test_the_demo_gives_every_village_councils_and_topics_in_every_state_and_runs_twice(tree, personas):
    for region in (tree.A1g, tree.A2g, tree.B1g):
        for i in range(12):
            make_villager(region, away=i % 3 == 0)
    users = {"village_secretary": personas.village_secretary_a1, "village_assistant": personas.village_assistant_a1,
             "resident": personas.resident_a1, "township_staff": personas.township_staff_a}
    ctx = DemoContext(rng=random.Random(1), county=tree.C, users=users)
    demo.seed(ctx)
    villages = {tree.A1.pk, tree.A2.pk, tree.B1.pk}
    assert set(Council.objects.values_list("region_id", flat=True)) == villages
    for v in villages:
        assert set(Topic.objects.filter(region_id=v).values_list("status", flat=True)) == {"draft", "open", "closed"}
    assert set(Vote.objects.values_list("channel", flat=True)) == {c.value for c in Channel}
    assert Resolution.objects.filter(topic__region=tree.A1, status="done").exists()
    closed = Topic.objects.filter(status="closed")
    assert all(t.result["total"] == sum(ch["votes"] for ch in t.result["channels"].values()) for t in closed
               if not t.secret)
    # The demo village's secret ballots: no choice on any participation record, the box counts every one.
    secret = [t for t in closed if t.secret]
    assert secret and not Vote.objects.filter(topic__secret=True, option__isnull=False).exists()
    assert all(t.result["total"] == t.result["channels"]["in_person"]["votes"] + t.result["sealed"] for t in secret)
    assert Topic.objects.filter(secret=True, status=Topic.Status.OPEN).exists()
    # Villagers' proposals in the demo village, one in each state.
    assert set(Proposal.objects.filter(region=tree.A1).values_list("status", flat=True)) == \
        {"collecting", "qualified", "on_agenda"}
    counts = (Council.objects.count(), Topic.objects.count(), Vote.objects.count())
    demo.seed(ctx)
    assert (Council.objects.count(), Topic.objects.count(), Vote.objects.count()) == counts


def test_the_topic_page_speaks_english_on_request(tree, personas, web):
    from .factories import make_topic

    topic = make_topic(tree.A1g)
    c = web(personas.village_secretary_a1)
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = c.get(topic.get_absolute_url()).content.decode()
    assert "Live count (village officers only)" in page and "Close the vote" in page


def test_the_demo_shows_the_procedure_the_ledger_and_self_build_projects_in_use(tree, personas):
    from deliberation.models import LedgerLine, LedgerMonth, LedgerQuestion, Procedure, SelfBuildProject

    for region in (tree.A1g, tree.A2g):
        for i in range(12):
            make_villager(region)
    users = {"village_secretary": personas.village_secretary_a1, "resident": personas.resident_a1,
             "township_staff": personas.township_staff_a}
    demo.seed(DemoContext(rng=random.Random(2), county=tree.C, users=users))
    assert {"done", "publish", "resolve"} <= set(Procedure.objects.values_list("status", flat=True))
    done = Procedure.objects.filter(status="done").first()
    assert done.steps.count() == 6
    assert LedgerMonth.objects.filter(region=tree.A1, status="published").count() == 3
    assert LedgerMonth.objects.filter(region=tree.A1, status="open").count() == 1
    assert LedgerLine.objects.filter(category="operating_fund").exists()
    assert LedgerLine.objects.filter(corrects__isnull=False, amount__lt=0).exists()
    assert set(LedgerQuestion.objects.values_list("status", flat=True)) == {"asked", "answered"}
    assert set(SelfBuildProject.objects.filter(region=tree.A1).values_list("status", flat=True)) == {
        "building", "submitted", "accepted"}
