from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from . import dashboard, selectors
from .filtersets import region_choices
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


EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
MAX_RANGE_DAYS = 10 * 366  # a month per label on the trend charts: 120 of them, not 120,000


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "governance/dashboard.html"

    def date_range(self, params) -> tuple[dt.date, dt.date]:
        """since/until from the query; a date that is not one (2026-02-30) or out of range falls back to the
        default with a message on the page, never a 500."""
        default_since, default_until = dashboard.default_range()
        dates = {}
        for name, default in (("since", default_since), ("until", default_until)):
            raw = (params.get(name) or "").strip()
            try:
                value = parse_date(raw) if raw else None
            except ValueError:  # well-formed but impossible
                value = None
            if raw and (value is None or not EARLIEST <= value <= LATEST):
                messages.warning(self.request, _("日期“%(v)s”无效（应为 2000 至 2099 年间的 年-月-日），已改用默认日期。")
                                 % {"v": raw[:20]})
                value = None
            dates[name] = value or default
        since, until = sorted([dates["since"], dates["until"]])
        if (until - since).days > MAX_RANGE_DAYS:
            messages.warning(self.request, _("时间范围最长 10 年，已改用默认时间范围。"))
            since, until = default_since, default_until
        return since, until

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, params = self.request.user, self.request.GET
        visible = selectors.region_list(user=user)
        roots = list(selectors.user_root_regions(user=user))
        if not roots:
            raise Http404
        root = roots[0]
        region_pk = params.get("region", "")
        if re.fullmatch(r"[0-9]{1,18}", region_pk):  # "²".isdigit() is True; an unknown region is the user's own
            root = visible.filter(pk=int(region_pk)).first() or root
        if root.level >= Region.Level.GROUP:
            children = [root]
            child_len = len(root.path)
        else:
            children = list(visible.filter(parent=root).order_by("path"))
            child_len = Region.PATH_LENGTH[root.level + 1]
        since, until = self.date_range(params)
        c = dashboard.Context(user=user, root=root, children=children, child_len=child_len, since=since, until=until)
        date_q = f"since={since}&until={until}"
        live = params.get("live") == "1"
        visible_sections = dashboard.sections_for(user_roles(user), user.is_superuser)
        stored = {} if live else dashboard.summaries_for(user, root, visible_sections, since, until)
        list_urls = {}
        for section in visible_sections:
            for m in section.metrics:
                if m.list_url and m.list_url not in list_urls:
                    try:
                        list_urls[m.list_url] = reverse(m.list_url)
                    except NoReverseMatch:
                        list_urls[m.list_url] = None
        sections, charts = [], []
        for section in visible_sections:
            summary = stored.get(section.key)
            values = summary.values if summary else section.compute(c)
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
                        url = f"{list_urls[m.list_url]}?region={child.pk}" if list_urls.get(m.list_url) else None
                        if url:
                            url += f"&{m.list_params}" if m.list_params else ""
                            url += f"&{date_q}" if m.dated else ""
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
                trend = dashboard.trend_for(section, summary.trend if summary else section.trend(c), root.path)
                if trend.get("labels"):
                    section_charts.append({"id": f"trend-{section.key}", "title": _("按月趋势"), "kind": "line",
                                   "labels": trend["labels"], "series": trend["series"]})
            charts += section_charts
            sections.append({"section": section, "rows": rows, "totals": totals, "charts": section_charts,
                             "refreshed_at": summary.refreshed_at if summary else None})
        summarized = [s["refreshed_at"] for s in sections if s["refreshed_at"]]
        base_q = f"region={root.pk}&{date_q}"
        ctx.update(
            title=f"{root.name}", root=root, ancestors=visible.filter(pk__in=root.ancestors().values("pk")),
            sections=sections, charts=charts, since=since, until=until,
            # the scope's top and the level below, plus the chosen region's line and children (a short list)
            roots=roots, region_options=region_choices(self.request.user, root, max_level=Region.Level.VILLAGE,
                                                         paths=[r.path for r in roots]),
            refreshed_at=min(summarized) if summarized else timezone.now(),
            summarized=bool(summarized), live=live, live_url=f"?{base_q}&live=1", stored_url=f"?{base_q}",
        )
        return ctx
