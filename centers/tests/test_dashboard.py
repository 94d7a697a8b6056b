"""The county dashboard's 村级党建 section: scoped, constant in queries, every figure = the rows of its list."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from centers.models import (
    Attendance,
    CommitteePost,
    Course,
    SecretaryRating,
    Stage,
    TrainingLevel,
    TrainingRequirement,
    TrainingSession,
)
from governance.tests.fixtures import make_resident

from . import factories as f

YEAR = timezone.localdate().year


def cadre(village, hours, body=CommitteePost.Body.VILLAGERS, name=None):
    """A 两委 member of `village` with `hours` of training this year."""
    resident = make_resident(village, **({"name": name} if name else {}))
    CommitteePost.objects.create(village=village, resident=resident, body=body, post=CommitteePost.Post.MEMBER)
    if hours:
        course = Course.objects.create(title="乡村振兴专题", level=TrainingLevel.PARTY_SCHOOL, region=village)
        session = TrainingSession.objects.create(course=course, region=village, date=timezone.localdate(),
                                                 hours=Decimal(hours))
        Attendance.objects.create(session=session, resident=resident, region=village, hours=Decimal(hours), year=YEAR)
    return resident


def rating(village, year, stars):
    return SecretaryRating.objects.create(village=village, secretary=make_resident(village), year=year,
                                          exam_theory=80, exam_practice=80, evaluation=80, stars=stars)


def county_data(n: int = 1):
    """Figures in both townships: n candidates per stage per village, short reserves, cadres behind, ratings."""
    from governance.models import Region

    TrainingRequirement.objects.update_or_create(year=YEAR, defaults={"hours": Decimal("10")})
    villages = list(Region.objects.filter(level=Region.Level.VILLAGE).order_by("path"))
    for village in villages:
        for _ in range(n):
            f.candidate(village, Stage.APPLICANT)
            f.candidate(village, Stage.ACTIVIST)
            f.candidate(village, Stage.PROBATIONARY)
            cadre(village, "4")
        cadre(village, "12", body=CommitteePost.Body.PARTY)
        rating(village, YEAR - 2, 5)
        rating(village, YEAR - 1, 2)
    return villages


def section_rows(response):
    """{region name: {metric key: (raw value, list url)}} of the 村级党建 section."""
    block = next(s for s in response.context["sections"] if s["section"].key == "centers-party")
    keys = [m.key for m in block["section"].metrics]
    return {row["region"].name: {k: (c["raw"], c["url"]) for k, c in zip(keys, row["cells"])} for row in block["rows"]}


def test_it_shows_the_county_each_townships_party_building_figures(tree, personas, web):
    county_data()
    f.reserves(tree.A2, 3)
    rows = section_rows(web(personas.county_admin).get("/dashboard/"))
    assert set(rows) == {"甲镇", "乙街道"}
    a, b = rows["甲镇"], rows["乙街道"]
    assert a["villages_short"][0] == 1 and b["villages_short"][0] == 1  # 甲二村 has its three
    assert a["training_behind"][0] == 2 and b["training_behind"][0] == 1
    assert a["rated"][0] == 2 and a["stars_avg"][0] == 2 and a["low_stars"][0] == 2
    assert a["stage_applicant"][0] == 2 and a["stage_activist"][0] == 2 and a["stage_target"][0] == 0
    page = web(personas.county_admin).get("/dashboard/").content.decode()
    assert "村级党建" in page and "后备力量不足3人的村" in page and "书记平均星级" in page


def test_it_shows_a_township_only_its_own_villages(tree, personas, web):
    county_data()
    response = web(personas.township_staff_a).get("/dashboard/")
    rows = section_rows(response)
    assert set(rows) == {"甲一村", "甲二村"}
    assert rows["甲一村"]["stage_applicant"][0] == 1 and rows["甲一村"]["training_behind"][0] == 1
    sneaky = section_rows(web(personas.township_staff_a).get("/dashboard/", {"region": tree.B.pk}))
    assert "乙一社区" not in sneaky


def test_it_lets_every_figure_open_a_list_with_the_same_rows(tree, personas, web):
    county_data()
    client = web(personas.county_admin)
    rows = section_rows(client.get("/dashboard/"))
    checked = 0
    for township, figures in rows.items():
        for key, (raw, url) in figures.items():
            assert url, key
            page = client.get(url)
            assert page.status_code == 200, url
            ctx = page.context
            if key == "villages_short":
                shown = len(ctx["short"])
            elif key == "training_behind":
                shown = sum(len(b["behind"]) for b in ctx["blocks"])
            elif key == "stars_avg":
                stars = [r.stars for r in ctx["object_list"]]
                shown = sum(stars) / len(stars)
            else:
                shown = ctx["paginator"].count if ctx.get("paginator") else len(ctx["object_list"])
            assert shown == raw, (township, key, url)
            checked += 1
    assert checked == 2 * 9


def test_it_draws_bars_by_township_and_a_monthly_trend_of_training_hours(tree, personas, web):
    county_data()
    charts = {c["id"]: c for c in web(personas.county_admin).get("/dashboard/").context["charts"]}
    bars = charts["chart-centers-party-villages_short"]
    assert bars["labels"] == ["甲镇", "乙街道"] and bars["values"] == [2.0, 1.0]
    trend = charts["trend-centers-party"]
    month = timezone.localdate().strftime("%Y-%m")
    assert trend["labels"][-1] == month
    assert trend["series"]["培训学时"][-1] == 3 * 12 + 3 * 4


def section_context(user):
    """The dashboard's own context for the user's top region (as governance.dashboard_views builds it)."""
    from governance import dashboard, selectors
    from governance.models import Region

    root = selectors.user_root_regions(user=user)[0]
    children = list(selectors.region_list(user=user).filter(parent=root).order_by("path"))
    today = timezone.localdate()
    return dashboard.Context(user=user, root=root, children=children, child_len=Region.PATH_LENGTH[root.level + 1],
                             since=dt.date(today.year, 1, 1), until=today)


@pytest.mark.parametrize("n", [1, 6])
def test_it_costs_the_same_queries_whatever_the_size_of_the_county(n, tree, personas, web, monkeypatch,
                                                                   django_assert_max_num_queries):
    from centers.dashboard import compute, trend
    from governance import dashboard

    # The page as the core and this app draw it (other apps' sections pin their own costs).
    monkeypatch.setattr(dashboard, "_sections", [s for s in dashboard._sections if s.key in ("people", "centers-party")])

    county_data(n)
    c = section_context(personas.county_admin)
    compute(c)
    with django_assert_max_num_queries(SECTION_QUERIES):
        values = compute(c)
        trend(c)
    assert values[tree.A.path]["stage_applicant"] == 2 * n
    client = web(personas.county_admin)
    client.get("/dashboard/")
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get("/dashboard/").status_code == 200


SECTION_QUERIES = 7  # the section's own figures and trend: one GROUP BY per family, the year's requirement
PAGE_QUERIES = 17  # the whole page with the core's section and ours (and the look for stored summaries)
