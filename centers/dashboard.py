"""The county dashboard's "村级党建" section: one GROUP BY query per figure family, never a loop over rows.

Each figure counts exactly the rows of the list it links to (the list gets `?region=<child id>`):
- villages short of reserve cadres → the reserve list's "不足3人" block (live count, as the list computes it);
- cadres behind on training hours this year → the "学时未达标" page for that region;
- secretaries' stars (each village's latest "两考一评") → the ratings list with `latest=true`;
- the party-member pipeline by stage → the pipeline list filtered by stage.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance import dashboard as d
from governance.models import Region, Resident

from . import selectors
from .models import RESERVE_MINIMUM, Attendance, Candidate, CommitteePost, PipelineStep, SecretaryRating, Stage

PIPELINE_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY)


def hours_this_year(year: int):
    """A cadre's training hours in `year`, as a correlated subquery on the resident (0 when none)."""
    total = (Attendance.objects.filter(resident=OuterRef("resident"), year=year).order_by()
             .values("resident").annotate(s=Sum("hours")).values("s"))
    return Coalesce(Subquery(total, output_field=DecimalField(max_digits=7, decimal_places=1)),
                    Value(Decimal("0")), output_field=DecimalField(max_digits=7, decimal_places=1))


def compute(c: d.Context) -> dict[str, dict]:
    villages = c.group(c.scoped(Region).filter(level=Region.Level.VILLAGE), "path")
    short = d.rows_by_child(
        selectors.villages_with_reserve_counts(villages).filter(reserve_count__lt=RESERVE_MINIMUM),
        villages_short=Count("id"))

    year = timezone.localdate().year
    required = selectors.required_hours(year)
    behind: dict[str, dict] = {}
    if required is not None:
        posts = (c.group(c.scoped(CommitteePost), "village__path")
                 .filter(resident__in=c.scoped(Resident).values("pk"))
                 .annotate(hours=hours_this_year(year)).filter(hours__lt=required))
        behind = d.rows_by_child(posts, training_behind=Count("resident", distinct=True))

    newest = SecretaryRating.objects.filter(village=OuterRef("village")).order_by("-year").values("year")[:1]
    ratings = c.group(c.scoped(SecretaryRating), "village__path").filter(year=Subquery(newest))
    stars = d.rows_by_child(ratings, rated=Count("id"), stars_avg=Avg("stars"),
                            low_stars=Count("id", filter=Q(stars__lte=2)))

    pipeline = d.rows_by_child(
        c.group(c.scoped(Candidate), "village__path"),
        **{f"stage_{s}": Count("id", filter=Q(stage=s)) for s in PIPELINE_STAGES})
    return d.merge(short, behind, stars, pipeline)


def trend(c: d.Context) -> dict:
    """Training hours attended and development steps filed with the county, by month of the page's range."""
    attendance = c.group(c.scoped(Attendance).filter(session__date__gte=c.since, session__date__lte=c.until),
                         "region__path")
    steps = c.group(c.dated(c.scoped(PipelineStep).filter(status=PipelineStep.Status.FILED), "filed_at"),
                    "candidate__village__path")
    return d.merge_trends(d.monthly(c, attendance, "session__date", hours=Sum("hours")),
                          d.monthly(c, steps, "filed_at", filed=Count("id")))


def register() -> None:
    from governance.scoping import MANAGERS

    stage_label = dict(Stage.choices)
    d.register(d.Section(
        key="centers-party", title=_("村级党建"), order=40, roles=MANAGERS, compute=compute, trend=trend,
        trend_series=(("hours", _("培训学时")), ("filed", _("发展党员备案步数"))),
        metrics=(
            d.Metric("villages_short", _("后备力量不足3人的村"), list_url="centers:reserve_list", chart=True),
            d.Metric("training_behind", _("学时未达标的村干部"), list_url="centers:training_behind", chart=True),
            d.Metric("rated", _("已评定书记"), list_url="centers:rating_list", list_params="latest=true"),
            d.Metric("stars_avg", _("书记平均星级"), fmt="stars", list_url="centers:rating_list",
                     list_params="latest=true"),
            d.Metric("low_stars", _("二星及以下书记"), list_url="centers:rating_list",
                     list_params="latest=true&stars_max=2"),
            *(d.Metric(f"stage_{s}", stage_label[s], list_url="centers:candidate_list", list_params=f"stage={s}",
                       chart=s == Stage.ACTIVIST)
              for s in PIPELINE_STAGES),
        ),
    ))
