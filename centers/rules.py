"""Who may take which step of centers/' workflows, declared once (governance.rules): the actions check these
rules on the row they lock, the pages offer exactly the steps they allow.

- a center work item: 我来承办 (平时按分工 / 紧时有统筹), 指派 (the head), 办结 (the assignee or the head);
- a candidate and their pipeline steps: 村培 (the village secretary proposes), 镇管 (the township approves or
  returns), 县备案 (the county files);
- a township's operating mode (the head or the county) and a party organisation's committee (its managers);
- the county's rule tables (the county organisation department).
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from governance.models import Region
from governance.rules import Rule, Rules
from governance.scoping import COUNTY, MANAGERS, TOWNSHIP, Role, is_unrestricted, region_allows, user_roles

from .models import STAGE_ORDER, Candidate, OperatingMode, PartyOrganization, PipelineStep, Stage, WorkItem
from .selectors import current_assignment, township_mode

HEADS = COUNTY | {Role.TOWNSHIP_HEAD}


# --- Predicates: what scope alone cannot say ----------------------------------------------------------

def heads(user, township: Region) -> bool:
    """The township's head (or the county above it)."""
    return region_allows(user, township, HEADS)


def may_take(user, item: WorkItem, mode: str | None = None) -> bool:
    """平时按分工: only the owning center's staff; 紧时有统筹: any staff assigned in the township. The mode comes
    from `mode`, else what the loader put on the item (`item.mode`), else one query."""
    assignment = current_assignment(user)
    if assignment is None or assignment.township_id != item.township_id:
        return False
    mode = mode or getattr(item, "mode", None) or township_mode(item.township)
    return mode == OperatingMode.COORDINATED or assignment.center_id == item.center_id


def take_denial(item: WorkItem) -> str:
    """Why a take is refused, in the township's current mode (the rule's denial, made precise)."""
    mode = getattr(item, "mode", None) or township_mode(item.township)
    if mode == OperatingMode.NORMAL:
        return _("平时按分工：只有%(c)s的派驻干部可以承办此事项。") % {"c": item.center.get_kind_display()}
    return _("只有派驻本乡镇（街道）中心的干部可以承办此事项。")


def holds_or_heads(user, item: WorkItem) -> bool:
    return item.assignee_id == user.pk or heads(user, item.township)


def village_secretary(user, candidate: Candidate) -> bool:
    return region_allows(user, candidate.village, {Role.VILLAGE_SECRETARY})


def township_of_step(user, step: PipelineStep) -> bool:
    return region_allows(user, step.candidate.village, TOWNSHIP)


def below_rule(step: PipelineStep) -> bool:
    """A gate's last reading of the applicant did not meet its rule (centers/gates.py)."""
    latest = {}
    for gate, passed in step.gate_checks.order_by("checked_at", "id").values_list("gate", "passed"):
        latest[gate] = passed
    return not all(latest.values())


def township_overrides(user, step: PipelineStep) -> bool:
    return township_of_step(user, step) and below_rule(step)


def county_of_step(user, step: PipelineStep) -> bool:
    return region_allows(user, step.candidate.village, COUNTY)


def manages(user, organization: PartyOrganization) -> bool:
    return region_allows(user, organization.region, MANAGERS)


def sets_county_rules(user) -> bool:
    """The county's rule tables (stage intervals, stars, training hours, 头雁 measures) are the county's."""
    return is_unrestricted(user) or bool(user_roles(user) & COUNTY)


# --- The workflows ----------------------------------------------------------------------------------------

W = WorkItem.Status

WORK_ITEM = Rules(WorkItem, [
    Rule("take", _("我来承办"), states=frozenset({W.OPEN}), scope=None, who=may_take,
         url_name="centers:work_item_take", denial=_("只有派驻本乡镇（街道）中心的干部可以承办此事项。"),
         refusal=_("该事项已有人承办。")),
    Rule("assign", _("指派"), states=frozenset({W.OPEN, W.IN_PROGRESS}), scope=None,
         who=lambda user, item: heads(user, item.township), url_name="centers:work_item_assign", asks=True,
         style="outline-primary", denial=_("只有乡镇（街道）主要负责人可以指派事项。"), refusal=_("该事项已办结。")),
    Rule("complete", _("办结"), states=frozenset({W.IN_PROGRESS}), scope=None, who=holds_or_heads,
         url_name="centers:work_item_complete", style="success",
         denial=_("只有承办人或乡镇（街道）主要负责人可以办结此事项。"), refusal=_("只有办理中的事项可以办结。")),
])

CANDIDATE = Rules(Candidate, [
    Rule("propose", _("提出下一步（村培）"), states=frozenset(s for s in STAGE_ORDER if s != Stage.FULL), scope=None,
         who=village_secretary, state_field="stage", url_name="centers:step_propose", asks=True,
         denial=_("发展步骤由本村（社区）党组织书记提出（村培），乡镇审批，县级备案。"),
         refusal=_("当前阶段为“%(status)s”，已没有下一个发展步骤。")),
])

P = PipelineStep.Status
_township = dict(scope=None, who=township_of_step, denial=_("发展步骤由乡镇（街道）审批（镇管）。"))

PIPELINE_STEP = Rules(PipelineStep, [
    Rule("approve", _("审批（镇管）"), states=frozenset({P.PROPOSED}), url_name="centers:step_approve",
         style="success", refusal=_("该步骤已被处理。"), **_township),
    Rule("approve_override", _("说明理由后审批"), states=frozenset({P.PROPOSED}), scope=None, who=township_overrides,
         url_name="centers:step_approve_override", asks=True, style="outline-warning", refusal=_("该步骤已被处理。"),
         denial=_("只有乡镇（街道）可以在申请人信用等级不符合规定时说明理由后审批。")),
    Rule("reject", _("退回"), states=frozenset({P.PROPOSED}), url_name="centers:step_reject", asks=True,
         style="outline-danger", refusal=_("该步骤已被处理。"), **_township),
    Rule("file", _("备案（县备案）"), states=frozenset({P.APPROVED}), scope=None, who=county_of_step,
         url_name="centers:step_file", style="info", denial=_("备案由县委组织部办理（县备案）。"),
         refusal=_("只有乡镇已审批的步骤可以备案。")),
])

TOWNSHIP_MODE = Rules(Region, [
    Rule("switch", _("切换模式"), scope=None, who=heads, url_name="centers:mode_switch", asks=True,
         style="outline-primary", denial=_("只有乡镇（街道）主要负责人或县委组织部可以切换运行模式。")),
])

ORGANIZATION = Rules(PartyOrganization, [
    Rule("seat_add", _("添加委员"), scope=None, who=manages, url_name="centers:seat_add", asks=True,
         denial=_("只有村（社区）党组织书记、乡镇（街道）干部或县委组织部可以调整委员。")),
])
