"""Who may take which step of village credit, declared once (governance.rules): the actions check these
rules on the rows they lock, the record, review and objection pages offer exactly the steps they allow."""
from __future__ import annotations

import dataclasses

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.rules import Rule, Rules

from . import forms
from .models import CreditRecord, DomesticWorker, Objection, Review

R = CreditRecord.Status
S = Review.Status


def not_the_author(user, record) -> bool:
    """Four eyes: whoever entered a record does not verify or reject it."""
    return record.entered_by_id != user.pk


def own_review(user, review) -> bool:
    """An objection is the resident's own (the account the resident is registered with)."""
    return review.resident.user_id is not None and review.resident.user_id == user.pk


@dataclasses.dataclass(frozen=True)
class NoticeRule(Rule):
    """A step open only while the public notice runs: in notice, and its last day not yet passed."""

    def state_ok(self, obj) -> bool:
        return super().state_ok(obj) and (obj.notice_until is None or obj.notice_until >= timezone.localdate())


def without_scope(rule: Rule) -> Rule:
    """The rule for a row the action already loaded restricted for `rule.scope` (load_for answered 404/403):
    its state and `who` are checked without asking the scope a second time."""
    return dataclasses.replace(rule, scope=None)


_decided = _("该记录已被核实或驳回，不能重复处理。")

RECORD = Rules(CreditRecord, [
    Rule("verify", _("核实无误"), states=frozenset({R.PENDING}), scope="verify", who=not_the_author,
         url_name="credit:record_verify", style="success", refusal=_decided,
         denial=_("录入人不能核实自己录入的记录，请由村（社区）其他工作人员核实。")),
    Rule("reject", _("驳回"), states=frozenset({R.PENDING}), scope="verify", who=not_the_author,
         url_name="credit:record_reject", asks=True, form=forms.RejectForm, style="outline-danger", refusal=_decided,
         denial=_("录入人不能驳回自己录入的记录，请由村（社区）其他工作人员处理。")),
])

REVIEW = Rules(Review, [
    Rule("opinion", _("填写评议意见"), states=frozenset({S.DRAFT}), scope="opinion", url_name="credit:review_opinion",
         asks=True, form=forms.OpinionForm, form_object_arg="review", refusal=_("该评议已不在“待评议”状态，不能再填写评议意见。")),
    Rule("approve", _("审批通过并公示"), states=frozenset({S.OPINION}), scope="approve",
         url_name="credit:review_approve", style="success",
         refusal=_("该评议当前为“%(status)s”，不在待书记审批状态，未做任何更改。")),
    Rule("send_back", _("退回重新评议"), states=frozenset({S.OPINION}), scope="approve",
         url_name="credit:review_send_back", asks=True, form=forms.SendBackForm, style="outline-danger",
         refusal=_("该评议已不处于“待书记审批”状态（当前状态：%(status)s），不能退回，本次未做任何更改。")),
    NoticeRule("object", _("提出异议"), states=frozenset({S.NOTICE}), scope=None, who=own_review,
               url_name="credit:objection_add", asks=True, form=forms.ObjectionForm, style="warning",
               refusal=_("只能在公示期内对公示中的等级提出异议。"), denial=_("只有本人可以对自己的评议等级提出异议。")),
])

OBJECTION = Rules(Objection, [
    Rule("answer", _("答复"), states=frozenset({Objection.Status.OPEN}), scope="answer",
         url_name="credit:objection_answer", asks=True, form=forms.AnswerForm, refusal=_("该异议已答复。")),
])

WORKER = Rules(DomesticWorker, [
    Rule("edit", _("修改"), scope="change", url_name="credit:worker_edit", asks=True, form=forms.WorkerEditForm,
         form_object_arg="worker", style="outline-primary"),
])
