"""credit/'s section of the county dashboard: the grade distribution of every region compared with
its siblings, the reviews waiting for a secretary, the open objections, and a monthly trend of the
grades that took effect. A handful of GROUP BY queries whatever the size of the county."""
from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
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
    if not (c.since and c.until):
        return {}
    labels = d.month_labels(c.since, c.until)
    qs = (c.scoped(Review).filter(status=Review.Status.EFFECTIVE, effective_on__gte=c.since,
                                  effective_on__lte=c.until,
                                  resident__region__path__startswith=c.root.path)
          .annotate(month=TruncMonth("effective_on")).values("month", "proposed_grade")
          .annotate(n=Count("id")).order_by())
    series = {g: [0] * len(labels) for g in GRADES}
    index = {label: i for i, label in enumerate(labels)}
    for row in qs:
        i = index.get(f"{row['month']:%Y-%m}")
        if i is not None and row["proposed_grade"] in series:
            series[row["proposed_grade"]][i] = row["n"]
    return {"labels": labels, "series": {gettext("%(g)s 级生效") % {"g": g}: values for g, values in series.items()}}


def register() -> None:
    grade_list = "credit:grade_list"
    d.register(d.Section(
        key="credit", title=_("村级信用（信用七条）"), order=60, roles=MANAGERS, compute=compute, trend=trend,
        metrics=(
            d.Metric("graded", _("已评定人数"), list_url=grade_list, list_params="graded=true"),
            *(d.Metric(f"g_{g}", label, list_url=grade_list, list_params=f"effective_grade={g}", chart=g == "C")
              for g, label in Grade.choices),
            d.Metric("good_share", _("A 级及以上占比"), fmt="pct", chart=True),
            d.Metric("pending_approval", _("待书记审批评议"), list_url="credit:review_list", list_params="status=opinion"),
            d.Metric("objections_open", _("待答复异议"), list_url="credit:objection_list", list_params="status=open"),
        ),
    ))
