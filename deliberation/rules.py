"""Who may take which step of 三村议事, declared once (governance.rules): the actions check these rules on
the rows they lock, the topic, resolution and council pages offer exactly the steps they allow.

A villager's vote and speech depend on more than scope (eligibility, the window, a first vote already cast):
`vote_refusal` / `comment_refusal` say why not, in the words the action answers with; the rules' `who` is
"no refusal", computed once per topic and user (the page and the action ask the same question)."""
from __future__ import annotations

import dataclasses

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.models import Resident
from governance.rules import Rule, Rules
from governance.scoping import can

from . import forms
from .models import (Council, CouncilMember, LedgerMonth, LedgerQuestion, Procedure, ProcedureStage, Proposal,
                     ProposalSupport, Resolution, SelfBuildProject, Topic, Vote)
from .selectors import is_eligible, supervising_council, village_adults

T = Topic.Status


def resident_of(user) -> Resident | None:
    try:
        return user.resident
    except (Resident.DoesNotExist, AttributeError):
        return None


def _memo(obj, key: str, user, compute):
    """One answer per object, question and user (the page's `who` and the action's check are one query)."""
    cache = obj.__dict__.setdefault("_rule_memo", {})
    k = (key, getattr(user, "pk", None))
    if k not in cache:
        cache[k] = compute()
    return cache[k]


def runs_it(user, topic) -> bool:
    """The village office (and the township and county above it) runs the topic."""
    return _memo(topic, "change", user, lambda: can(user, topic, "change"))


def already_voted_message(vote: Vote) -> str:
    return gettext("您已通过%(channel)s参加本议题表决（%(at)s），每位村民只能表决一次，以第一次为准。") % {
        "channel": vote.get_channel_display(), "at": f"{timezone.localtime(vote.cast_at):%m-%d %H:%M}"}


def vote_refusal(user, topic) -> str | None:
    """Why `user` may not vote on `topic` now (None: they may): a villager of its area, 18 or older, inside
    the window, who has not taken part through another channel."""
    def compute():
        resident = resident_of(user)
        if resident is None:
            return gettext("您的账号未关联村民身份，不能投票。")
        if topic.status == T.DRAFT:
            return gettext("该议题尚未发布。")
        if topic.status == T.CLOSED:
            return gettext("该议题已结束表决，结果已锁定，不能再投票。")
        now = timezone.now()
        if now < topic.opens_at:
            return gettext("投票尚未开始（%(t)s 开始）。") % {"t": f"{timezone.localtime(topic.opens_at):%Y-%m-%d %H:%M}"}
        if now > topic.closes_at:
            return gettext("投票已于 %(t)s 截止。") % {"t": f"{timezone.localtime(topic.closes_at):%Y-%m-%d %H:%M}"}
        if not is_eligible(topic, resident):
            return gettext("您不在本议题的参与范围内（须为参与村民小组年满18周岁的村民）。")
        existing = Vote.objects.filter(topic=topic, resident=resident).first()
        if existing is not None:
            return already_voted_message(existing)
        return None
    return _memo(topic, "vote", user, compute)


def vote_change_refusal(user, topic) -> str | None:
    """Why `user` may not change their vote on `topic` now (None: they may): their own remote or online
    vote on an open public topic, inside the window. A secret ballot is in the box, unlinked to anyone."""
    def compute():
        resident = resident_of(user)
        if resident is None:
            return gettext("您的账号未关联村民身份，不能投票。")
        if topic.status != T.OPEN:
            return gettext("该议题不在表决中，不能更改表决。")
        if topic.secret:
            return gettext("无记名投票提交后不能更改：选票不与任何人关联，无法找回您的那一张。")
        if not topic.opens_at <= timezone.now() <= topic.closes_at:
            return gettext("不在表决时间内，不能更改表决。")
        vote = Vote.objects.filter(topic=topic, resident=resident).first()
        if vote is None:
            return gettext("您还没有参加本议题表决。")
        if vote.option_id is None:
            return gettext("您在现场会议签到，表决以现场举手为准，不能在线更改。")
        return None
    return _memo(topic, "change_vote", user, compute)


def comment_refusal(user, topic) -> str | None:
    """Why `user` may not speak on `topic` now (None: they may). The office speaks while it is open; a
    villager of its area inside the window."""
    def compute():
        if topic.status != T.OPEN:
            return gettext("议事已结束，不能再发言。")
        if runs_it(user, topic):
            return None
        resident = resident_of(user)
        if resident is None or not is_eligible(topic, resident):
            return gettext("只有本议题范围内的村民可以发言。")
        if not topic.opens_at <= timezone.now() <= topic.closes_at:
            return gettext("不在议事时间内，不能发言。")
        return None
    return _memo(topic, "comment", user, compute)


def may_vote(user, topic) -> bool:
    return vote_refusal(user, topic) is None


def may_change_vote(user, topic) -> bool:
    return vote_change_refusal(user, topic) is None


def may_comment(user, topic) -> bool:
    return comment_refusal(user, topic) is None


def may_see_tally(user, topic) -> bool:
    """The count per option: everyone once the result is locked; while open, the village office follows a
    public topic's live count — a secret topic's no one (watching it move would show each ballot)."""
    return topic.status == T.CLOSED or (not topic.secret and runs_it(user, topic))


def has_no_procedure(user, topic) -> bool:
    return not Procedure.objects.filter(topic_id=topic.pk).exists()


def has_no_resolution(user, topic) -> bool:
    return not Resolution.objects.filter(topic_id=topic.pk).exists()


def supervises_it(user, resolution) -> bool:
    """The village office, or a current member of one of the village's councils."""
    return (_memo(resolution, "change", user, lambda: can(user, resolution, "change"))
            or _memo(resolution, "council", user, lambda: supervising_council(user, resolution)) is not None)


def council_of(user, resolution) -> Council | None:
    """The council in whose name `user` supervises `resolution` (None for the village office)."""
    return _memo(resolution, "council", user, lambda: supervising_council(user, resolution))


def without_scope(rule: Rule) -> Rule:
    """The rule for a row the action already loaded restricted for `rule.scope` (load_for answered 404/403):
    its state and `who` are checked without asking the scope a second time."""
    return dataclasses.replace(rule, scope=None)


@dataclasses.dataclass(frozen=True)
class CurrentTermRule(Rule):
    """A step on a council member whose term has not ended."""

    def state_ok(self, obj) -> bool:
        return obj.term_end is None or obj.term_end >= timezone.localdate()


TOPIC = Rules(Topic, [
    Rule("edit", _("修改"), states=frozenset({T.DRAFT}), url_name="deliberation:topic_edit", asks=True,
         style="outline-primary", refusal=_("议题已发布，不能再修改内容；如需更正，请在会议纪要中说明。")),
    Rule("open", _("发布并邀请村民"), states=frozenset({T.DRAFT}), url_name="deliberation:topic_open",
         confirm=_("发布后将通知本村村民（含外出村民），议题内容不能再修改。确定发布吗？"), refusal=_("该议题已发布。")),
    Rule("sign_in", _("现场签到"), states=frozenset({T.OPEN}), url_name="deliberation:topic_sign_in", asks=True,
         style="outline-primary", refusal=_("只有议事中的议题可以签到。")),
    Rule("tally", _("现场举手表决与纪要"), states=frozenset({T.OPEN}), url_name="deliberation:topic_tally", asks=True,
         style="outline-primary", refusal=_("该议题不在议事中，不能登记现场表决。")),
    Rule("close", _("结束表决"), states=frozenset({T.OPEN}), scope="close", url_name="deliberation:topic_close",
         style="danger", confirm=_("结束表决后结果将锁定，确定结束吗？"), refusal=_("该议题已结束表决，结果已锁定。")),
    Rule("resolution", _("记录决议"), states=frozenset({T.CLOSED}), who=has_no_resolution,
         url_name="deliberation:topic_resolution", asks=True, form=forms.ResolutionForm,
         refusal=_("表决结束后才能记录决议。"), denial=_("该议题的决议已经记录。")),
    Rule("procedure", _("按四议两公开办理"), who=has_no_procedure, url_name="deliberation:topic_procedure",
         style="outline-primary", denial=_("该议题已按四议两公开办理。"),
         confirm=_("该议题将按“四议两公开”办理：党支部提议、两委商议、党员大会审议、村民代表会议决议，决议公开、实施结果公开，逐步记录。确定吗？")),
    # On the page itself: the villager's ballot and the discussion box.
    Rule("vote", _("提交表决"), states=frozenset({T.OPEN}), scope="vote", who=may_vote,
         url_name="deliberation:topic_vote", asks=True, denial=_("您不能参加本议题表决。")),
    Rule("change_vote", _("更改表决"), states=frozenset({T.OPEN}), scope="vote", who=may_change_vote,
         url_name="deliberation:topic_vote_change", asks=True, style="outline-primary",
         denial=_("您不能更改本议题的表决。")),
    Rule("comment", _("发布发言"), states=frozenset({T.OPEN}), scope=None, who=may_comment,
         url_name="deliberation:topic_comment", asks=True, style="outline-primary",
         refusal=_("议事已结束，不能再发言。"), denial=_("只有本议题范围内的村民可以发言。")),
])

# The buttons of the topic's page (its ballot and discussion box are forms of their own).
TOPIC_BUTTONS = ("edit", "open", "sign_in", "tally", "close", "resolution", "procedure")

RESOLUTION = Rules(Resolution, [
    Rule("link", _("关联落实事项"), states=frozenset({Resolution.Status.IN_PROGRESS}),
         url_name="deliberation:resolution_link", asks=True, style="outline-primary", refusal=_("该决议已办结。")),
    Rule("complete", _("标记办结"), states=frozenset({Resolution.Status.IN_PROGRESS}),
         url_name="deliberation:resolution_complete", style="outline-success",
         confirm=_("确认该决议已落实办结？办结后监督记录结束。"), refusal=_("该决议已办结。")),
    Rule("note", _("添加监督记录"), states=frozenset({Resolution.Status.IN_PROGRESS}), scope=None, who=supervises_it,
         url_name="deliberation:resolution_note", asks=True, form=forms.SupervisionNoteForm, style="outline-primary",
         refusal=_("该决议已办结，监督已结束。"), denial=_("只有本村理事会成员和村干部可以记录监督情况。")),
])

COUNCIL = Rules(Council, [
    Rule("add_member", _("添加成员"), url_name="deliberation:council_member_add", asks=True, style="outline-primary"),
])

# A member's term is ended by whoever may change the council (the same scope, on the member's council).
MEMBER = Rules(CouncilMember, [
    CurrentTermRule("end", _("结束任期"), url_name="deliberation:council_member_end", style="link",
                    confirm=_("确认结束该成员的任期（今天）？"), refusal=_("该成员的任期已经结束。")),
])


def support_refusal(user, proposal) -> str | None:
    """Why `user` may not support `proposal` now (None: they may): an adult villager of its village, while
    it collects support and before its deadline, once."""
    def compute():
        resident = resident_of(user)
        if resident is None:
            return gettext("您的账号未关联村民身份，不能附议。")
        if proposal.status != Proposal.Status.COLLECTING:
            return gettext("该提议已达到附议人数，不再征集附议。")
        if proposal.lapsed:
            return gettext("该提议的附议征集已于 %(d)s 截止。") % {"d": f"{proposal.collects_until:%Y-%m-%d}"}
        if not village_adults(proposal.region).filter(pk=resident.pk).exists():
            return gettext("只有本村年满18周岁的村民可以附议。")
        if ProposalSupport.objects.filter(proposal=proposal, resident=resident).exists():
            return gettext("您已附议过该提议。")
        return None
    return _memo(proposal, "support", user, compute)


def may_support(user, proposal) -> bool:
    return support_refusal(user, proposal) is None


P = Proposal.Status

PROPOSAL = Rules(Proposal, [
    Rule("support", _("我要附议"), states=frozenset({P.COLLECTING}), scope="support", who=may_support,
         url_name="deliberation:proposal_support", confirm=_("附议后不能撤回。确定附议该提议吗？"),
         refusal=_("该提议已达到附议人数，不再征集附议。"), denial=_("您不能附议该提议。")),
    Rule("schedule", _("列入议程"), states=frozenset({P.QUALIFIED}), url_name="deliberation:proposal_schedule",
         asks=True, refusal=_("只有达到附议人数的提议需要列入议程（当前状态：%(status)s）。")),
])


# 四议两公开: each step is recorded once, only when the procedure waits for it (its status is the next step).
PROCEDURE = Rules(Procedure, [
    Rule(stage.value, stage.label, states=frozenset({stage.value}), url_name=f"deliberation:procedure_{stage.value}",
         asks=True, refusal=_("四议两公开须按顺序逐步进行，当前进度：%(status)s。"))
    for stage in ProcedureStage
])

LEDGER_MONTH = Rules(LedgerMonth, [
    Rule("add_line", _("录入收支"), states=frozenset({LedgerMonth.Status.OPEN}),
         url_name="deliberation:ledger_line_add", asks=True, style="outline-primary",
         refusal=_("该月财务已公开，不能再录入或修改；如需更正，请在未公开的月份录入更正记录并引用原记录。")),
    Rule("publish", _("公开本月财务"), states=frozenset({LedgerMonth.Status.OPEN}),
         url_name="deliberation:ledger_month_publish",
         confirm=_("公开后本月收支明细将冻结，不能再修改，村民可以查看和提问。确定公开吗？"),
         refusal=_("该月财务已公开。")),
])


def may_ask(user, line) -> bool:
    """A villager of the line's village asks about a published line (the office answers, it does not ask)."""
    return line.month.status == LedgerMonth.Status.PUBLISHED and resident_of(user) is not None


LEDGER_QUESTION = Rules(LedgerQuestion, [
    Rule("answer", _("答复"), states=frozenset({LedgerQuestion.Status.ASKED}),
         url_name="deliberation:ledger_question_answer", asks=True, form=forms.LedgerAnswerForm, refusal=_("该问题已答复。")),
])

SB = SelfBuildProject.Status

SELF_BUILD = Rules(SelfBuildProject, [
    Rule("work", _("记录施工"), states=frozenset({SB.BUILDING, SB.RETURNED}), url_name="deliberation:self_build_work",
         asks=True, style="outline-primary", refusal=_("项目已申请验收或已验收，不能再记录施工（当前状态：%(status)s）。")),
    Rule("submit", _("申请验收"), states=frozenset({SB.BUILDING, SB.RETURNED}), url_name="deliberation:self_build_submit",
         confirm=_("确认施工已完成，提请乡镇验收？"), refusal=_("当前状态为“%(status)s”，不能申请验收。")),
    Rule("accept", _("验收合格"), states=frozenset({SB.SUBMITTED}), scope="accept",
         url_name="deliberation:self_build_accept", asks=True, style="success", form=forms.AcceptForm,
         refusal=_("只有待验收的项目可以验收（当前状态：%(status)s）。"), denial=_("由乡镇验收自建自管项目。")),
    Rule("return", _("退回整改"), states=frozenset({SB.SUBMITTED}), scope="accept",
         url_name="deliberation:self_build_return", asks=True, style="outline-danger", form=forms.ReturnForm,
         refusal=_("只有待验收的项目可以退回（当前状态：%(status)s）。"), denial=_("由乡镇验收自建自管项目。")),
])
