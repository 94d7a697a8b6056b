"""credit/'s section of the county dashboard: the grade distribution of every region compared with
its siblings, the reviews waiting for a secretary, the open objections, and a monthly trend of the
grades that took effect. A handful of GROUP BY queries whatever the size of the county."""
from __future__ import annotations

from django.db.models import Count, Q
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy as _

from governance import dashboard as d
from governance.scoping import MANAGERS

from .models import Grade, Objection, ResidentCredit, Review

GRADES = list(Grade.values)  # AAA … C
GOOD = ("AAA", "AA", "A")  # 守信及以上


def compute(c: d.Context) -> dict[str, dict]:
    """Effective grades (the ones that count) per child region, plus the review and objection queues."""
    grades = d.rows_by_child(
        c.group(c.scoped(ResidentCredit), "resident__region__path"),
        graded=Count("id", filter=~Q(effective_grade="")),
        good=Count("id", filter=Q(effective_grade__in=GOOD)),
        **{f"g_{g}": Count("id", filter=Q(effective_grade=g)) for g in GRADES},
    )
    for v in grades.values():
        v["good_share"] = v["good"] / v["graded"] if v["graded"] else 0
    reviews = d.rows_by_child(
        c.group(c.scoped(Review), "resident__region__path"),
        pending_approval=Count("id", filter=Q(status=Review.Status.OPINION)),
    )
    objections = d.rows_by_child(
        c.group(c.scoped(Objection), "review__resident__region__path"),
        objections_open=Count("id", filter=Q(status=Objection.Status.OPEN)),
    )
    return d.merge(grades, reviews, objections)


def trend(c: d.Context) -> dict:
    """Reviews that took effect in the page's date range, per month and per grade (one GROUP BY)."""
    qs = c.group(c.scoped(Review).filter(status=Review.Status.EFFECTIVE, effective_on__gte=c.since,
                                         effective_on__lte=c.until), "resident__region__path")
    return d.monthly(c, qs, "effective_on", **{f"g_{g}": Count("id", filter=Q(proposed_grade=g)) for g in GRADES})


def _took_effect(grade: str) -> str:
    return gettext("%(g)s 级生效") % {"g": grade}


def register() -> None:
    grade_list = "credit:grade_list"
    d.register(d.Section(
        key="credit", title=_("村级信用（信用七条）"), order=60, roles=MANAGERS, compute=compute, trend=trend,
        trend_series=tuple((f"g_{g}", lazy(_took_effect, str)(g)) for g in GRADES),
        metrics=(
            d.Metric("graded", _("已评定人数"), list_url=grade_list, list_params="graded=true"),
            *(d.Metric(f"g_{g}", label, list_url=grade_list, list_params=f"effective_grade={g}", chart=g == "C")
              for g, label in Grade.choices),
            d.Metric("good_share", _("A 级及以上占比"), fmt="pct", chart=True),
            d.Metric("pending_approval", _("待书记审批评议"), list_url="credit:review_list", list_params="status=opinion"),
            d.Metric("objections_open", _("待答复异议"), list_url="credit:objection_list", list_params="status=open"),
        ),
    ))
