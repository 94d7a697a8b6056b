"""Excel export of the topic list with each topic's locked tally (no villager's name, ID or phone)."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance import exports
from governance.exports import Column, Export

from .filtersets import TopicFilterSet
from .models import ORGANISERS, Resolution, Topic


def topic_export(*, user) -> QuerySet[Topic]:
    """What the topic list shows the user (drafts only to those who may edit them), without its counts."""
    editable = Topic.objects.restrict(user, "change").values("pk")
    return Topic.objects.restrict(user, "view").filter(~Q(status=Topic.Status.DRAFT) | Q(pk__in=editable))


def options_text(options) -> str:
    """The locked per-option tally: '同意 12（现场 8，远程 2，线上 2）；反对 3（…）'."""
    if not options:
        return ""
    return "；".join(
        gettext("%(label)s %(total)s（现场 %(in_person)s，远程和线上无记名 %(sealed)s）") % {
            "label": o.get("label", ""), "total": o.get("total", 0), "in_person": o.get("in_person", 0),
            "sealed": o["sealed"]}
        if o.get("sealed") is not None else
        gettext("%(label)s %(total)s（现场 %(in_person)s，远程 %(remote)s，线上 %(online)s）") % {
            "label": o.get("label", ""), "total": o.get("total", 0), "in_person": o.get("in_person", 0),
            "remote": o.get("remote", 0), "online": o.get("online", 0)}
        for o in options
    )


def register() -> None:
    yes_no = {True: _("是"), False: _("否")}
    exports.register(Export(
        key="deliberation-topics", title=_("议题与表决结果"), selector=topic_export, filterset_class=TopicFilterSet,
        roles=ORGANISERS,
        columns=(
            Column(_("议题"), "title", width=30),
            Column(_("村/社区"), "region__name", width=14),
            Column(_("统计代码"), "region__code", width=16),
            Column(_("状态"), "status", dict(Topic.Status.choices), width=8),
            Column(_("表决方式"), "kind", dict(Topic.Kind.choices), width=16),
            Column(_("无记名投票"), "secret", yes_no, width=8),
            Column(_("议事开始"), "opens_at", width=17),
            Column(_("议事截止"), "closes_at", width=17),
            Column(_("现场会议时间"), "meeting_at", width=17),
            Column(_("有表决权人数"), "eligible_count", width=10),
            Column(_("参与表决人数"), "turnout", width=10),
            Column(_("本地村（现场）"), "result__channels__in_person__participants", width=10),
            Column(_("外地村（远程）"), "result__channels__remote__participants", width=10),
            Column(_("网上村（线上）"), "result__channels__online__participants", width=10),
            Column(_("各选项得票"), "result__options", options_text, width=48),
            Column(_("达到参与率"), "quorum_met", yes_no, width=8),
            Column(_("通过"), "passed", yes_no, width=6),
            Column(_("通过的选项"), "winning_option__label", width=12),
            Column(_("决议状态"), "resolution__status", dict(Resolution.Status.choices), width=8),
            Column(_("结束时间"), "closed_at", width=17),
        ),
    ))
