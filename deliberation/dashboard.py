"""三村议事 on the county dashboard: topics held and turnout per channel, township by township.

Three GROUP BY queries for the table (topics, the votes of closed topics, resolutions) and two for
the monthly trend, whatever the number of topics or votes. The table shows the standing figures
(every topic held so far), so that each figure's link opens a list holding exactly the rows counted;
the page's date range drives the monthly trend.
"""
from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from governance import dashboard as d
from governance.scoping import MANAGERS

from .models import Channel, Resolution, Topic, Vote

CLOSED = Topic.Status.CLOSED


def compute(c: d.Context) -> dict[str, dict]:
    topics = d.rows_by_child(
        c.group(c.scoped(Topic), "region__path"),
        held=Count("id", filter=Q(status=CLOSED)),
        open=Count("id", filter=Q(status=Topic.Status.OPEN)),
        passed=Count("id", filter=Q(status=CLOSED, passed=True)),
        turnout=Sum("turnout", filter=Q(status=CLOSED)),
        eligible=Sum("eligible_count", filter=Q(status=CLOSED)),
    )
    votes = d.rows_by_child(
        c.group(c.scoped(Vote).filter(topic__status=CLOSED), "topic__region__path"),
        in_person=Count("id", filter=Q(channel=Channel.IN_PERSON)),
        remote=Count("id", filter=Q(channel=Channel.REMOTE)),
        online=Count("id", filter=Q(channel=Channel.ONLINE)),
    )
    resolutions = d.rows_by_child(
        c.group(c.scoped(Resolution), "topic__region__path"),
        in_progress=Count("id", filter=Q(status=Resolution.Status.IN_PROGRESS)),
    )
    out = d.merge(topics, votes, resolutions)
    for v in out.values():
        eligible, turnout = v.get("eligible") or 0, v.get("turnout") or 0
        v["turnout_rate"] = turnout / eligible if eligible else 0
        took_part = sum(v.get(k) or 0 for k in ("in_person", "remote", "online"))
        v["far_share"] = ((v.get("remote") or 0) + (v.get("online") or 0)) / took_part if took_part else 0
    return out


def trend(c: d.Context) -> dict:
    """Per month of closing: topics held, and the villagers who took part through each channel."""
    topics = c.group(c.dated(c.scoped(Topic).filter(status=CLOSED), "closed_at"), "region__path")
    votes = c.group(c.dated(c.scoped(Vote).filter(topic__status=CLOSED), "topic__closed_at"), "topic__region__path")
    return d.merge_trends(
        d.monthly(c, topics, "closed_at", held=Count("id")),
        d.monthly(c, votes, "topic__closed_at",
                  **{f"ch_{ch.value}": Count("id", filter=Q(channel=ch)) for ch in Channel}),
    )


SECTION = d.Section(
    key="deliberation", title=_("三村议事"), order=60, roles=MANAGERS, compute=compute, trend=trend,
    trend_series=(("held", _("已结束议题")), *((f"ch_{ch.value}", ch.label) for ch in Channel)),
    metrics=(
        d.Metric("held", _("已结束议题"), list_url="deliberation:topic_list", list_params="status=closed", chart=True),
        d.Metric("passed", _("表决通过"), list_url="deliberation:topic_list", list_params="status=closed&passed=true"),
        d.Metric("open", _("议事中"), list_url="deliberation:topic_list", list_params="status=open"),
        d.Metric("in_person", _("本地村（现场）参与人次")),
        d.Metric("remote", _("外地村（远程）参与人次")),
        d.Metric("online", _("网上村（线上）参与人次")),
        d.Metric("turnout_rate", _("参与率"), fmt="pct"),
        d.Metric("far_share", _("远程与线上占比"), fmt="pct"),
        d.Metric("in_progress", _("决议落实中"), list_url="deliberation:resolution_list", list_params="status=in_progress"),
    ),
)


def register() -> None:
    d.register(SECTION)
