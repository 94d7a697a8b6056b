from __future__ import annotations

import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from . import dashboard, selectors
from .models import Region
from .scoping import user_roles


def fmt(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "money":
        return f"{value / 100:,.2f}"
    if kind == "float":
        return f"{value:,.1f}"
    if kind == "stars":
        return f"★{value:.1f}"
    return f"{int(value):,}"


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "governance/dashboard.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, params = self.request.user, self.request.GET
        visible = selectors.region_list(user=user)
        roots = list(selectors.user_root_regions(user=user))
        if not roots:
            raise Http404
        root = roots[0]
        if params.get("region", "").isdigit():
            root = visible.filter(pk=params["region"]).first() or root
        if root.level >= Region.Level.GROUP:
            children = [root]
            child_len = len(root.path)
        else:
            children = list(visible.filter(parent=root).order_by("path"))
            child_len = Region.PATH_LENGTH[root.level + 1]
        today = timezone.localdate()
        since = parse_date(params.get("since") or "") or dt.date(today.year, 1, 1)
        until = parse_date(params.get("until") or "") or today
        if since > until:
            since, until = until, since
        c = dashboard.Context(user=user, root=root, children=children, child_len=child_len, since=since, until=until)
        date_q = f"since={since}&until={until}"
        sections, charts = [], []
        for section in dashboard.sections_for(user_roles(user), user.is_superuser):
            values = section.compute(c)
            rows = []
            for child in children:
                v = values.get(child.path, {})
                cells = []
                for m in section.metrics:
                    value = v.get(m.key)
                    if value is None and m.fmt in ("int", "money"):
                        value = 0  # a count with no rows is 0; a median or share with nothing to measure is "—"
                    raw = value or 0
                    url = None
                    if m.list_url:
                        try:
                            url = f"{reverse(m.list_url)}?region={child.pk}"
                            url += f"&{m.list_params}" if m.list_params else ""
                            url += f"&{date_q}" if m.dated else ""
                        except NoReverseMatch:
                            url = None
                    cells.append({"value": fmt(value, m.fmt), "raw": raw, "url": url})
                drill = f"?region={child.pk}&{date_q}" if child.level < Region.Level.GROUP and child != root else None
                rows.append({"region": child, "drill": drill, "cells": cells})
            totals = []
            for i, m in enumerate(section.metrics):
                if m.fmt in ("int", "money"):
                    totals.append(fmt(sum(r["cells"][i]["raw"] for r in rows), m.fmt))
                else:
                    totals.append("")
            section_charts = []
            for i, m in enumerate(section.metrics):
                if m.chart:
                    section_charts.append({"id": f"chart-{section.key}-{m.key}", "title": str(m.label),
                                   "kind": "bar", "labels": [r["region"].name for r in rows],
                                   "values": [float(r["cells"][i]["raw"]) / (100 if m.fmt == "money" else 1) *
                                              (100 if m.fmt == "pct" else 1) for r in rows]})
            if section.trend is not None:
                trend = section.trend(c)
                if trend and trend.get("labels"):
                    section_charts.append({"id": f"trend-{section.key}", "title": _("按月趋势"), "kind": "line",
                                   "labels": trend["labels"], "series": trend["series"]})
            charts += section_charts
            sections.append({"section": section, "rows": rows, "totals": totals, "charts": section_charts})
        ctx.update(
            title=f"{root.name}", root=root, ancestors=visible.filter(pk__in=root.ancestors().values("pk")),
            sections=sections, charts=charts, since=since, until=until,
            roots=roots, region_options=[
                (r.pk, "\u3000" * (r.level - roots[0].level) + r.name)
                for r in visible.filter(level__lte=Region.Level.VILLAGE, path__startswith=roots[0].path).order_by("path")
            ],
            refreshed_at=timezone.now(),
        )
        return ctx
