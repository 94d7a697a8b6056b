"""Writes of services/: keyword-only, validated, scoped, atomic, one history row per move, audited.

State moves check the current state in the same UPDATE (`filter(pk=…, status=old).update(…)`): when
two people press the same button at once, exactly one UPDATE matches a row; the other gets `Conflict`.
Money moves lock the fund (and allocation) rows with SELECT … FOR UPDATE inside one transaction,
re-read the balance under the lock, and only then write.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from centers.models import Unit, WorkCategory
from governance.attachments import attachment_add
from governance.audit import audit_record, notify
from governance.errors import Conflict
from governance.models import Region, Resident
from governance.offline import once_for_key, replayed
from governance.scoping import (
    COUNTY, MANAGERS, STAFF_ROLES, TOWNSHIP, VILLAGE_OFFICE, Role, load_for, region_allows, require_region,
)
from governance.selectors import office_users

from . import rules, selectors
from .rules import ERRAND_MOVES
from .models import (
    Allocation, Errand, ErrandEvent, Expenditure, Fund, HardshipGroup, HardshipRecord, JointActivity, MemberReport,
    MenuItem, MicroWish, MicroWork,
    MicroWorkEvent, Open311Key, Order, OrderEvent, ServiceCenterFacility, ServiceHour, UnitReport, Volunteer,
    VolunteerActivity, VolunteerHour, VolunteerTeam, yuan,
)

S = Order.Status


def _clean_text(value: str, field: str, label: str, max_length: int | None = None, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("请填写%(label)s。") % {"label": label}})
    if max_length and len(value) > max_length:
        raise ValidationError({field: _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": max_length}})
    return value


# --- 清单 ---------------------------------------------------------------------------------------

def menu_item_create(*, actor, township: Region, category: WorkCategory, code: str, title: str, description: str = "",
                     units: list[Unit], dispatch_hours: int = 24, accept_hours: int = 24, work_hours: int = 120) -> MenuItem:
    if township.level != Region.Level.TOWNSHIP:
        raise ValidationError({"township": _("服务清单由乡镇（街道）大工委发布。")})
    require_region(actor, township, COUNTY | TOWNSHIP)
    title = _clean_text(title, "title", _("服务名称"), 100)
    if not units:
        raise ValidationError({"units": _("请至少选择一个可承接单位。")})
    for name, value in (("dispatch_hours", dispatch_hours), ("accept_hours", accept_hours), ("work_hours", work_hours)):
        if not value or value <= 0 or value > 24 * 90:
            raise ValidationError({name: _("时限须在 1 至 2160 小时之间。")})
    if MenuItem.objects.filter(code=code).exists():
        raise ValidationError({"code": _("服务代码已被使用。")})
    with transaction.atomic():
        item = MenuItem.objects.create(township=township, category=category, code=code, title=title,
                                       description=description, dispatch_hours=dispatch_hours, accept_hours=accept_hours,
                                       work_hours=work_hours, created_by=actor)
        item.units.set(units)
        audit_record(actor=actor, action="menu_item.create", obj=item, to_state=item.status, region=township)
    return item


def menu_item_withdraw(*, actor, item_id: int) -> MenuItem:
    rule = rules.MENU_ITEM["withdraw"]
    with transaction.atomic():
        item = load_for(MenuItem, actor, item_id, rule.scope, lock=True, related=("township",))
        rule.check(actor, item)  # its own township's staff or the county; an active item
        item.status, item.withdrawn_at = MenuItem.Status.WITHDRAWN, timezone.now()
        item.save(update_fields=["status", "withdrawn_at"])
        audit_record(actor=actor, action="menu_item.withdraw", obj=item, from_state="active", to_state=item.status,
                     region=item.township)
    return item


# --- Orders --------------------------------------------------------------------------------------

def _deadline(hours: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)


def _move(order: Order, step: str, *, actor, to: str, note: str = "", unit=None, **fields) -> Order:
    """The one state move of `step` (its rule in services/rules.py): a conditional UPDATE from the rule's
    states — two presses at once, one wins and the other gets the rule's refusal —, then one history row and
    one audit entry."""
    rule = rules.ORDER[step]
    now = timezone.now()
    where = {"pk": order.pk, "status__in": list(rule.states)}
    if order.unit_id:  # re-dispatched elsewhere meanwhile: this unit's press no longer applies
        where["unit_id"] = order.unit_id
    updated = Order.objects.filter(**where).update(status=to, updated_at=now, **fields)
    if updated != 1:
        current = Order.objects.filter(pk=order.pk).values_list("status", flat=True).first()
        raise Conflict(rule.refusal % {"status": S(current).label if current else "—"})
    old = order.status
    OrderEvent.objects.create(order=order, from_status=old, to_status=to, actor=actor if getattr(actor, "pk", None) else None,
                              unit=unit, note=note, at=now)
    # The row now holds exactly what the UPDATE wrote: set it here rather than read it back (a query per move).
    order.status, order.updated_at = to, now
    for name, value in fields.items():
        setattr(order, name, value)
    audit_record(actor=actor, action=f"order.{to}", obj=order, from_state=old, to_state=to, reason=note[:200])
    return order


def _next_number() -> str:
    return timezone.localtime().strftime("%Y%m%d") + get_random_string(6, "0123456789")


def order_place(*, actor, item_id: int, note: str, resident: Resident | None = None, region: Region | None = None,
                attachment=None, channel: str = Order.Channel.PORTAL, contact_name: str = "",
                lat: Decimal | None = None, long: Decimal | None = None, idempotency_key=None) -> Order:
    """A resident orders for themselves; a grid member (or village office) orders on a resident's behalf;
    an Open311 client orders into its key's region (actor None, region given). `idempotency_key` (made on
    the phone when the order waited in its queue): a resend returns the order the first send placed."""
    replayed_order = replayed(Order, idempotency_key, actor, "placed_by_id")
    if replayed_order is not None:
        return replayed_order
    note = _clean_text(note, "note", _("需求说明"), 2000)
    if channel != Order.Channel.OPEN311:
        own = getattr(actor, "resident", None) if getattr(actor, "pk", None) else None
        if resident is None:
            if own is None:
                raise ValidationError({"resident": _("请选择为哪位群众下单。")})
            resident = own
        if resident != own and not region_allows(actor, resident.region, STAFF_ROLES):
            raise Http404  # a resident the actor cannot see
        region = resident.region
        if resident != own:
            channel = Order.Channel.GRID
    if region is None:
        raise ValidationError({"region": _("请指定所在村（社区）。")})
    with once_for_key(Order, idempotency_key, actor, "placed_by_id") as once:
        # Lock the item: a withdrawal committed a moment ago is seen, and none can slip in meanwhile.
        item = MenuItem.objects.select_for_update().select_related("category", "township").filter(pk=item_id).first()
        if item is None:
            raise ValidationError({"item": _("服务事项不存在。")})
        if item.status != MenuItem.Status.ACTIVE:
            raise ValidationError({"item": _("“%(t)s”已撤回，不能再下单。") % {"t": item.title}})
        if not region.path.startswith(item.township.path):
            raise ValidationError({"item": _("该服务事项不属于您所在乡镇（街道）的服务清单。")})
        order = Order.objects.create(
            number=_next_number(), item=item, item_title=item.title, item_description=item.description,
            category_name=item.category.name, work_hours=item.work_hours, accept_hours=item.accept_hours,
            dispatch_hours=item.dispatch_hours, region=region, resident=resident,
            placed_by=actor if getattr(actor, "pk", None) else None, channel=channel, contact_name=contact_name[:50],
            note=note, lat=lat, long=long, stage_deadline=_deadline(item.dispatch_hours),
            idempotency_key=idempotency_key,
        )
        OrderEvent.objects.create(order=order, to_status=S.PLACED, actor=order.placed_by, note=note[:500], at=order.created_at)
        if attachment is not None:
            attachment_add(actor=actor, target=order, upload=attachment)
        audit_record(actor=actor, action="order.placed", obj=order, to_state=S.PLACED)
    return once.existing if once.existing is not None else order


def order_dispatch(*, actor, order_id: int, unit: Unit, note: str = "") -> Order:
    """大党委派订单: the village/community office sends a placed order to a unit that provides the item."""
    with transaction.atomic():
        order = _order_for("dispatch", actor, order_id)
        if not order.item.units.filter(pk=unit.pk, active=True).exists():
            raise ValidationError({"unit": _("“%(u)s”不承接该服务事项。") % {"u": unit.name}})
        order.unit = None  # a placed order has no unit; do not add it to the WHERE
        order = _move(order, "dispatch", actor=actor, to=S.DISPATCHED, note=note, unit=unit, unit_id=unit.pk,
                      stage_deadline=_deadline(order.accept_hours))
        staff = list(unit.staff.values_list("pk", flat=True))
        transaction.on_commit(lambda: notify(staff, title=_("新订单待接单：%(t)s") % {"t": order.item_title},
                                             url=order.get_absolute_url()))
    return order


def _order_for(step: str, actor, order_id: int, *, check: bool = True) -> Order:
    """The order a step is about, with what its rule and answer need in the same query — its region (the
    audit entry), unit (the history row), resident (the API's answer) and whether the actor works for the
    unit — checked against the step's rule (governance.rules: 404 out of sight, 403 not allowed, 409 when
    its state moved on)."""
    rule = rules.ORDER[step]
    works_there = Exists(Unit.staff.through.objects.filter(unit_id=OuterRef("unit_id"), user_id=actor.pk))
    order = load_for(Order.objects.annotate(actor_works_there=works_there), actor, order_id, rule.scope or "view",
                     related=("region", "unit", "resident"))
    if check:
        rule.check(actor, order)
    return order


def order_accept(*, actor, order_id: int) -> Order:
    """部门单位接单. Twenty presses at once: one wins, nineteen get Conflict (HTTP 409)."""
    with transaction.atomic():
        order = _order_for("accept", actor, order_id)
        return _move(order, "accept", actor=actor, to=S.ACCEPTED, unit=order.unit, accepted_by_id=actor.pk,
                     stage_deadline=_deadline(order.work_hours))


def order_hand_back(*, actor, order_id: int, reason: str) -> Order:
    """The unit cannot do it: back to the dispatch queue, with the reason on the timeline."""
    reason = _clean_text(reason, "reason", _("退回原因"), 500)
    with transaction.atomic():
        order = _order_for("hand_back", actor, order_id)
        return _move(order, "hand_back", actor=actor, to=S.PLACED, note=reason, unit=order.unit, unit_id=None,
                     accepted_by_id=None, stage_deadline=_deadline(order.dispatch_hours))


def order_complete(*, actor, order_id: int, note: str) -> Order:
    note = _clean_text(note, "note", _("办结说明"), 2000)
    with transaction.atomic():
        order = _order_for("complete", actor, order_id, check=False)
        if order.status == S.DISPATCHED and rules.works_for_unit(actor, order):
            raise ValidationError({"note": _("本单位尚未接单，不能办结。请先接单。")})
        rules.ORDER["complete"].check(actor, order)
        order = _move(order, "complete", actor=actor, to=S.COMPLETED, note=note, unit=order.unit, completion_note=note,
                      stage_deadline=_deadline(24 * 7))
        if order.placed_by_id:
            transaction.on_commit(lambda: notify([order.placed_by_id], title=_("您的订单已办结，请确认评价"),
                                                 url=order.get_absolute_url()))
    return order


def order_confirm(*, actor, order_id: int, rating: int, comment: str = "") -> Order:
    """The resident confirms the work and rates it 1–5."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("评价须为 1 至 5 星。")})
    comment = _clean_text(comment, "comment", _("评价意见"), 500, required=False)
    with transaction.atomic():
        order = _order_for("confirm", actor, order_id)
        return _move(order, "confirm", actor=actor, to=S.CONFIRMED, note=comment, unit=order.unit, rating=rating,
                     rating_comment=comment, closed_at=timezone.now(), stage_deadline=None)


def order_reopen(*, actor, order_id: int, reason: str) -> Order:
    """Not satisfied: the order goes back to the unit, with a fresh working deadline."""
    reason = _clean_text(reason, "reason", _("重新办理的原因"), 500)
    with transaction.atomic():
        order = _order_for("reopen", actor, order_id)
        return _move(order, "reopen", actor=actor, to=S.ACCEPTED, note=reason, unit=order.unit,
                     stage_deadline=_deadline(order.work_hours))


def order_cancel(*, actor, order_id: int, reason: str = "") -> Order:
    with transaction.atomic():
        order = _order_for("cancel", actor, order_id)
        return _move(order, "cancel", actor=actor, to=S.CANCELLED, note=reason, unit=None, closed_at=timezone.now(),
                     stage_deadline=None)


# --- 双报到 -------------------------------------------------------------------------------------

def _community(region: Region) -> None:
    if region.level != Region.Level.VILLAGE:
        raise ValidationError({"community": _("请选择报到的村（社区）。")})


def unit_report_create(*, actor, unit: Unit, community: Region, commitments: str = "") -> UnitReport:
    _community(community)
    is_staff = unit.staff.filter(pk=actor.pk).exists()
    if not (is_staff or region_allows(actor, community, MANAGERS)):
        raise PermissionDenied(_("只有本单位工作人员或村（社区）书记可以登记单位报到。"))
    if UnitReport.objects.filter(unit=unit, community=community).exists():
        raise ValidationError({"community": _("“%(u)s”已向该村（社区）报到。") % {"u": unit.name}})
    with transaction.atomic():
        report = UnitReport.objects.create(unit=unit, community=community, commitments=commitments, reported_by=actor)
        audit_record(actor=actor, action="unit_report.create", obj=report, region=community)
    return report


def joint_activity_record(*, actor, report_id: int, heading: str, title: str, held_on: dt.date,
                          participants: int = 0, description: str = "") -> JointActivity:
    from .models import LinkageHeading

    report = load_for(selectors.unit_report_list(user=actor), actor, report_id)
    rules.UNIT_REPORT["record_activity"].check(actor, report)
    if heading not in LinkageHeading.values:
        raise ValidationError({"heading": _("请选择“六联动”类别。")})
    title = _clean_text(title, "title", _("活动名称"), 100)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("活动日期不能晚于今天。")})
    with transaction.atomic():
        act = JointActivity.objects.create(report=report, heading=heading, title=title, held_on=held_on,
                                           participants=max(0, int(participants or 0)), description=description,
                                           recorded_by=actor)
        audit_record(actor=actor, action="joint_activity.create", obj=act, region=report.community)
    return act


def member_report_create(*, actor, community: Region, name: str, workplace: str) -> MemberReport:
    """党员双报到: the in-service party member reports themselves to the community they live in."""
    _community(community)
    name = _clean_text(name, "name", _("姓名"), 50)
    workplace = _clean_text(workplace, "workplace", _("工作单位"), 100)
    if MemberReport.objects.filter(member=actor, community=community).exists():
        raise ValidationError({"community": _("您已向该村（社区）报到。")})
    with transaction.atomic():
        report = MemberReport.objects.create(member=actor, community=community, name=name, workplace=workplace)
        audit_record(actor=actor, action="member_report.create", obj=report, region=community)
    return report


def service_hour_log(*, actor, report_id: int, served_on: dt.date, hours, activity: str) -> ServiceHour:
    report = load_for(MemberReport, actor, report_id, related=("community",))
    rules.MEMBER_REPORT["log_hours"].check(actor, report)
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    except Exception:
        raise ValidationError({"hours": _("请填写服务时长。")})
    if not Decimal("0") < hours <= Decimal("24"):
        raise ValidationError({"hours": _("单次服务时长须在 0.1 至 24 小时之间。")})
    if served_on > timezone.localdate():
        raise ValidationError({"served_on": _("服务日期不能晚于今天。")})
    activity = _clean_text(activity, "activity", _("服务内容"), 200)
    with transaction.atomic():
        row = ServiceHour.objects.create(report=report, served_on=served_on, hours=hours, activity=activity)
        audit_record(actor=actor, action="service_hour.log", obj=row, region=report.community, data={"hours": str(hours)})
    return row


# --- Micro-works ---------------------------------------------------------------------------------

MW = MicroWork.Status


def _work_for(step: str, actor, work_id: int) -> MicroWork:
    """The micro-work a step is about, checked against the step's rule (services/rules.py: 404 out of sight,
    403 not allowed, 409 when its state moved on)."""
    rule = rules.MICRO_WORK[step]
    work = load_for(MicroWork, actor, work_id, rule.scope or "view", related=("region",))
    rule.check(actor, work)
    return work


def _work_move(work: MicroWork, step: str, *, actor, to: str, note: str = "", **fields) -> MicroWork:
    """The one state move of a micro-work: a conditional UPDATE from the step's rule's states (two presses
    at once: one wins, the other gets the rule's refusal), one history row, one audit entry."""
    rule = rules.MICRO_WORK[step]
    updated = MicroWork.objects.filter(pk=work.pk, status__in=list(rule.states)).update(status=to, **fields)
    if updated != 1:
        current = MicroWork.objects.filter(pk=work.pk).values_list("status", flat=True).first()
        raise Conflict(rule.refusal % {"status": MW(current).label if current else "—"})
    old = work.status
    MicroWorkEvent.objects.create(work=work, from_status=old, to_status=to, actor=actor, note=note)
    work.status = to  # the row holds what the UPDATE wrote: set it rather than read it back
    for name, value in fields.items():
        setattr(work, name, value)
    audit_record(actor=actor, action=f"micro_work.{to}", obj=work, from_state=old, to_state=to, reason=note[:200])
    return work


def micro_work_propose(*, actor, region: Region, title: str, budget_fen: int, description: str = "",
                       category: WorkCategory | None = None, kind: str = MicroWork.Kind.MICRO_WORK,
                       facility: ServiceCenterFacility | None = None) -> MicroWork:
    if region.level != Region.Level.VILLAGE:
        raise ValidationError({"region": _("微实事由村（社区）申报。")})
    require_region(actor, region, MANAGERS | {Role.VILLAGE_ASSISTANT})
    title = _clean_text(title, "title", _("名称"), 120)
    if not isinstance(budget_fen, int) or budget_fen <= 0:
        raise ValidationError({"budget_fen": _("预算须大于零。")})
    if kind == MicroWork.Kind.CENTER_PROJECT and (facility is None or facility.village_id != region.pk):
        raise ValidationError({"facility": _("党群服务中心建设项目须指定本村（社区）的党群服务中心。")})
    with transaction.atomic():
        work = MicroWork.objects.create(region=region, kind=kind, facility=facility if kind == MicroWork.Kind.CENTER_PROJECT else None,
                                        category=category, title=title, description=description, budget_fen=budget_fen,
                                        proposed_by=actor)
        MicroWorkEvent.objects.create(work=work, to_status=MW.PROPOSED, actor=actor)
        audit_record(actor=actor, action="micro_work.proposed", obj=work, to_state=MW.PROPOSED)
    return work


def micro_work_decide(*, actor, work_id: int, approve: bool, note: str = "") -> MicroWork:
    with transaction.atomic():
        work = _work_for("decide", actor, work_id)
        if not approve:
            note = _clean_text(note, "note", _("不予通过的理由"), 300)
        return _work_move(work, "decide", actor=actor, to=MW.APPROVED if approve else MW.REJECTED, note=note,
                          decided_at=timezone.now(), decision_note=note)


def micro_work_start(*, actor, work_id: int) -> MicroWork:
    with transaction.atomic():
        work = _work_for("start", actor, work_id)
        if not work.allocations.exists():
            raise ValidationError(_("尚未安排资金，不能开工。"))
        return _work_move(work, "start", actor=actor, to=MW.IN_PROGRESS)


def micro_work_accept(*, actor, work_id: int, note: str, photos: list) -> MicroWork:
    """验收: with at least one photo; an accepted work is shown publicly."""
    note = _clean_text(note, "note", _("验收意见"), 2000)
    if not photos:
        raise ValidationError({"photos": _("验收须上传至少一张现场照片。")})
    with transaction.atomic():
        work = _work_for("accept", actor, work_id)
        work = _work_move(work, "accept", actor=actor, to=MW.ACCEPTED, note=note, accepted_at=timezone.now(),
                          acceptance_note=note, is_public=True)
        for photo in photos:
            attachment_add(actor=actor, target=work, upload=photo)
    return work


# --- Funds ---------------------------------------------------------------------------------------

def allocation_create(*, actor, fund_id: int, work_id: int, amount_fen: int) -> Allocation:
    """Set money aside from a fund for an approved work: never more than the fund has left."""
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValidationError({"amount_fen": _("安排金额须大于零。")})
    with transaction.atomic():
        # Locks the fund row until commit: 404 out of sight, 403 for a role that may not allocate it.
        fund = load_for(Fund, actor, fund_id, "allocate", lock=True, related=("region",),
                        message=_("您的角色无权安排该项资金。"))
        work = load_for(MicroWork, actor, work_id, lock=True, related=("region",), field="work",
                        message=_("微实事不存在或不在您的管辖范围内。"))
        if not work.region.path.startswith(fund.region.path):
            raise ValidationError({"work": _("该微实事不在这项资金的使用范围内。")})
        rule = rules.MICRO_WORK["allocate"]
        if not rule.state_ok(work):  # the work is a reference here: a 400 on its field
            raise ValidationError({"work": rule.refusal})
        left = fund.amount_fen - fund.allocated_fen
        if amount_fen > left:
            raise ValidationError({"amount_fen": _("超出资金余额：“%(f)s”可安排余额为 %(left)s 元，本次 %(want)s 元。")
                                   % {"f": fund.name, "left": yuan(left), "want": yuan(amount_fen)}})
        already = work.allocations.aggregate(s=Sum("amount_fen"))["s"] or 0
        if already + amount_fen > work.budget_fen:
            raise ValidationError({"amount_fen": _("超出该微实事预算：预算 %(b)s 元，已安排 %(a)s 元。")
                                   % {"b": yuan(work.budget_fen), "a": yuan(already)}})
        allocation = Allocation.objects.create(fund=fund, work=work, amount_fen=amount_fen, approved_by=actor)
        Fund.objects.filter(pk=fund.pk).update(allocated_fen=F("allocated_fen") + amount_fen)
        audit_record(actor=actor, action="allocation.create", obj=allocation, region=work.region,
                     data={"fund": fund.pk, "amount_fen": amount_fen})
    return allocation


def expenditure_record(*, actor, allocation_id: int, amount_fen: int, payee: str, purpose: str, receipt_number: str,
                       spent_on: dt.date | None = None, receipt=None) -> Expenditure:
    """Pay out of an allocation, with a receipt. Locks allocation then fund; re-checks both balances."""
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValidationError({"amount_fen": _("支出金额须大于零。")})
    payee = _clean_text(payee, "payee", _("收款方"), 100)
    purpose = _clean_text(purpose, "purpose", _("用途"), 200)
    receipt_number = _clean_text(receipt_number, "receipt_number", _("票据号"), 40)
    spent_on = spent_on or timezone.localdate()
    if spent_on > timezone.localdate():
        raise ValidationError({"spent_on": _("支出日期不能晚于今天。")})
    with transaction.atomic():
        allocation = load_for(Allocation, actor, allocation_id, "spend", lock=True, related=("work__region",),
                              message=_("您的角色无权登记该项支出。"))
        fund = Fund.objects.select_for_update().get(pk=allocation.fund_id)
        rule = rules.ALLOCATION["spend"]
        if not rule.who(actor, allocation):  # the allocation is the reference the request names: 400 on it
            raise ValidationError({"allocation": rule.denial})
        left = allocation.amount_fen - allocation.spent_fen
        if amount_fen > left:
            raise ValidationError({"amount_fen": _("超出余额：该项安排剩余 %(left)s 元，本次支出 %(want)s 元。")
                                   % {"left": yuan(left), "want": yuan(amount_fen)}})
        if amount_fen > fund.allocated_fen - fund.spent_fen:  # cannot happen if allocations hold; checked anyway
            raise ValidationError({"amount_fen": _("超出资金余额。")})
        exp = Expenditure.objects.create(allocation=allocation, amount_fen=amount_fen, payee=payee, purpose=purpose,
                                         receipt_number=receipt_number, spent_on=spent_on, recorded_by=actor)
        Allocation.objects.filter(pk=allocation.pk).update(spent_fen=F("spent_fen") + amount_fen)
        Fund.objects.filter(pk=fund.pk).update(spent_fen=F("spent_fen") + amount_fen)
        if receipt is not None:
            attachment_add(actor=actor, target=exp, upload=receipt)
        audit_record(actor=actor, action="expenditure.create", obj=exp, region=allocation.work.region,
                     data={"allocation": allocation.pk, "fund": fund.pk, "amount_fen": amount_fen})
    return exp


# --- Micro-wishes --------------------------------------------------------------------------------

def micro_wish_post(*, actor, resident: Resident, title: str) -> MicroWish:
    require_region(actor, resident.region, MANAGERS | {Role.VILLAGE_ASSISTANT})
    title = _clean_text(title, "title", _("心愿"), 120)
    with transaction.atomic():  # in the resident's own grid: their grid leader sees it too
        groups = set(HardshipRecord.objects.filter(resident=resident, ended_at__isnull=True)
                     .values_list("group", flat=True))
        group = next((g for g in HardshipGroup.values if g in groups), "")  # the register's first group, in order
        wish = MicroWish.objects.create(region=resident.region, resident=resident, title=title, posted_by=actor,
                                        group=group)
        audit_record(actor=actor, action="micro_wish.posted", obj=wish, to_state=wish.status)
    return wish


# --- 困难群体 -------------------------------------------------------------------------------------

def _review_date(since: dt.date, review_due: dt.date | None) -> dt.date:
    """The next review: as given, or a year after the date it was established (29 Feb → 28 Feb)."""
    if review_due is None:
        try:
            review_due = since.replace(year=since.year + 1)
        except ValueError:
            review_due = since.replace(year=since.year + 1, day=28)
    if review_due < since:
        raise ValidationError({"review_due": _("复核日期不能早于认定日期。")})
    return review_due


def hardship_register(*, actor, resident: Resident, group: str, since: dt.date, review_due: dt.date | None = None,
                      note: str = "") -> HardshipRecord:
    """登记: the village office or township records a resident in a 困难群体 (once per group at a time)."""
    if group not in HardshipGroup.values:
        raise ValidationError({"group": _("请选择类别。")})
    if since > timezone.localdate():
        raise ValidationError({"since": _("认定日期不能晚于今天。")})
    note = _clean_text(note, "note", _("情况说明"), 300, required=False)
    due = _review_date(since, review_due)
    with transaction.atomic():
        resident = load_for(Resident, actor, resident.pk, "view", lock=True, related=("region",))
        require_region(actor, resident.region, HardshipRecord.scope_spec.roles_for("change"))
        if HardshipRecord.objects.filter(resident=resident, group=group, ended_at__isnull=True).exists():
            raise Conflict(_("该居民已在“%(g)s”名册中。") % {"g": HardshipGroup(group).label})
        record = HardshipRecord.objects.create(resident=resident, group=group, since=since, review_due=due, note=note,
                                               recorded_by=actor)
        audit_record(actor=actor, action="hardship.register", obj=record, region=resident.region,
                     data={"group": group})
    return record


def hardship_review(*, actor, record_id: int, review_due: dt.date, note: str = "") -> HardshipRecord:
    """复核: still in the group; the next review date moves on (and the note may be brought up to date)."""
    today = timezone.localdate()
    if review_due is None or review_due <= today:
        raise ValidationError({"review_due": _("下次复核日期应在今天之后。")})
    note = _clean_text(note, "note", _("情况说明"), 300, required=False)
    with transaction.atomic():
        record = load_for(HardshipRecord, actor, record_id, "change", lock=True, related=("resident__region",))
        if record.ended_at:
            raise Conflict(_("该登记已退出，不能复核。"))
        record.review_due, record.reviewed_at = review_due, timezone.now()
        if note:
            record.note = note
        record.save(update_fields=["review_due", "reviewed_at", "note"])
        audit_record(actor=actor, action="hardship.review", obj=record, region=record.resident.region)
    return record


def hardship_end(*, actor, record_id: int, reason: str) -> HardshipRecord:
    """退出: no longer in the group (脱贫, 外出返乡 …); the record stays with who ended it and why."""
    reason = _clean_text(reason, "reason", _("退出原因"), 200)
    with transaction.atomic():
        record = load_for(HardshipRecord, actor, record_id, "change", lock=True, related=("resident__region",))
        now = timezone.now()
        if not HardshipRecord.objects.filter(pk=record.pk, ended_at__isnull=True).update(ended_at=now,
                                                                                        end_reason=reason):
            raise Conflict(_("该登记已退出。"))
        audit_record(actor=actor, action="hardship.end", obj=record, region=record.resident.region, reason=reason)
        record.ended_at, record.end_reason = now, reason
    return record


def _wish_for(step: str, actor, wish_id: int) -> MicroWish:
    """The wish a step is about, checked against the step's rule (services/rules.py)."""
    rule = rules.MICRO_WISH[step]
    wish = load_for(MicroWish, actor, wish_id, rule.scope or "view", related=("region",))
    rule.check(actor, wish)
    return wish


def _wish_move(wish, step: str, *, actor, to, **fields):
    """A conditional UPDATE from the step's rule's states: of two claims at once, one wins."""
    rule = rules.MICRO_WISH[step]
    if MicroWish.objects.filter(pk=wish.pk, status__in=list(rule.states)).update(status=to, **fields) != 1:
        raise Conflict(rule.refusal)
    old = wish.status
    wish.status = to
    for name, value in fields.items():
        setattr(wish, name, value)
    audit_record(actor=actor, action=f"micro_wish.{to}", obj=wish, from_state=old, to_state=to)
    return wish


def micro_wish_claim(*, actor, wish_id: int, unit: Unit | None = None) -> MicroWish:
    with transaction.atomic():
        wish = _wish_for("claim", actor, wish_id)
        if unit is not None and not unit.staff.filter(pk=actor.pk).exists():
            raise PermissionDenied(_("只能以本人所在单位的名义认领。"))
        return _wish_move(wish, "claim", actor=actor, to=MicroWish.Status.CLAIMED, claimed_by_id=actor.pk,
                          claimed_unit=unit)


def micro_wish_fulfil(*, actor, wish_id: int, note: str) -> MicroWish:
    note = _clean_text(note, "note", _("兑现情况"), 300)
    with transaction.atomic():
        wish = _wish_for("fulfil", actor, wish_id)
        return _wish_move(wish, "fulfil", actor=actor, to=MicroWish.Status.FULFILLED, fulfilled_note=note)


def micro_wish_confirm(*, actor, wish_id: int) -> MicroWish:
    with transaction.atomic():
        wish = _wish_for("confirm", actor, wish_id)
        return _wish_move(wish, "confirm", actor=actor, to=MicroWish.Status.CONFIRMED)


# --- 全程代办 -----------------------------------------------------------------------------------

E = Errand.Status


def errand_create(*, actor, resident: Resident, kind: str, title: str, detail: str = "") -> Errand:
    require_region(actor, resident.region, VILLAGE_OFFICE | MANAGERS)
    if kind not in Errand.Kind.values:
        raise ValidationError({"kind": _("请选择事项类型。")})
    title = _clean_text(title, "title", _("代办事项"), 120)
    with transaction.atomic():
        errand = Errand.objects.create(resident=resident, region=resident.region, kind=kind, title=title, detail=detail,
                                       assistant=actor)
        ErrandEvent.objects.create(errand=errand, to_status=E.RECEIVED, actor=actor)
        audit_record(actor=actor, action="errand.received", obj=errand, to_state=E.RECEIVED)
    return errand


def errand_advance(*, actor, errand_id: int, to_status: str, note: str = "") -> Errand:
    with transaction.atomic():
        rule = rules.ERRAND["advance"]
        errand = load_for(Errand, actor, errand_id, rule.scope, related=("resident", "region"))
        if to_status not in ERRAND_MOVES.get(errand.status, set()):
            raise ValidationError({"to_status": _("代办事项当前为“%(s)s”，不能改为“%(t)s”。")
                                   % {"s": errand.get_status_display(), "t": E(to_status).label if to_status in E.values else to_status}})
        rule.check(actor, errand)
        if to_status in (E.DONE, E.RETURNED):
            note = _clean_text(note, "note", _("办理结果"), 300)
        fields = {"result": note, "done_at": timezone.now()} if to_status in (E.DONE, E.RETURNED) else {}
        if Errand.objects.filter(pk=errand.pk, status=errand.status).update(status=to_status, **fields) != 1:
            raise Conflict()
        old = errand.status
        ErrandEvent.objects.create(errand=errand, from_status=old, to_status=to_status, actor=actor, note=note)
        errand.status = to_status  # the row holds what the UPDATE wrote: no read back
        for name, value in fields.items():
            setattr(errand, name, value)
        audit_record(actor=actor, action=f"errand.{to_status}", obj=errand, from_state=old, to_state=to_status)
        if errand.resident.user_id:
            uid = errand.resident.user_id
            transaction.on_commit(lambda: notify([uid], title=_("代办进度：%(t)s %(s)s") % {
                "t": errand.title, "s": errand.get_status_display()}, url=errand.get_absolute_url()))
    return errand


# --- Volunteers ----------------------------------------------------------------------------------

def volunteer_team_create(*, actor, region: Region, name: str, leader_name: str = "",
                          members: list[str] | None = None) -> VolunteerTeam:
    require_region(actor, region, MANAGERS | {Role.VILLAGE_ASSISTANT})
    name = _clean_text(name, "name", _("队名"), 100)
    names = sorted({m.strip() for m in (members or []) if m.strip()})
    with transaction.atomic():
        team = VolunteerTeam.objects.create(region=region, name=name, leader_name=leader_name)
        Volunteer.objects.bulk_create([Volunteer(team=team, name=n) for n in names])
        audit_record(actor=actor, action="volunteer_team.create", obj=team)
    return team


def volunteer_activity_record(*, actor, team_id: int, title: str, held_on: dt.date, hours: dict[int, Decimal],
                              place: str = "") -> VolunteerActivity:
    """One activity with each participating member's hours (set-based insert)."""
    title = _clean_text(title, "title", _("活动名称"), 120)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("活动日期不能晚于今天。")})
    with transaction.atomic():
        rule = rules.VOLUNTEER_TEAM["record_activity"]
        team = load_for(VolunteerTeam, actor, team_id, rule.scope, related=("region",))
        rule.check(actor, team)
        members = set(team.members.filter(pk__in=list(hours)).values_list("pk", flat=True))
        if not hours or members != set(hours):
            raise ValidationError({"hours": _("请为本队队员登记服务时长。")})
        for h in hours.values():
            if not Decimal("0") < Decimal(str(h)) <= Decimal("24"):
                raise ValidationError({"hours": _("单次服务时长须在 0.1 至 24 小时之间。")})
        act = VolunteerActivity.objects.create(team=team, title=title, held_on=held_on, place=place)
        VolunteerHour.objects.bulk_create([VolunteerHour(activity=act, volunteer_id=v, hours=Decimal(str(h)))
                                           for v, h in hours.items()])
        audit_record(actor=actor, action="volunteer_activity.create", obj=act, region=team.region)
    # What the answer shows, known here: no read back.
    act.total_hours = sum((Decimal(str(h)) for h in hours.values()), Decimal("0"))
    act.participant_count = len(hours)
    return act


# --- Reminders -----------------------------------------------------------------------------------

def orders_remind_overdue(*, now=None, batch: int = 500) -> int:
    """Remind whoever holds each overdue order — the unit's staff, the village office for dispatch, the
    placer for confirming — once per stage deadline. Idempotent: an order is marked with the deadline it was
    reminded for. Per batch: the orders (locked, skipping rows another run holds), the village offices
    (one office_users() call), one notification INSERT per order, one UPDATE."""
    from django.db.models import F, Q

    now = now or timezone.now()
    due = (Order.objects.filter(status__in=Order.OPEN, stage_deadline__lt=now)
           .filter(Q(reminded_deadline__isnull=True) | ~Q(reminded_deadline=F("stage_deadline"))))
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(due.select_for_update(skip_locked=True, of=("self",)).select_related("region")
                        .prefetch_related("unit__staff").order_by("pk")[:batch])
            if not rows:
                return sent
            at_unit, to_confirm = {S.DISPATCHED, S.ACCEPTED}, {S.COMPLETED}
            to_dispatch = [o for o in rows if not (o.status in at_unit and o.unit_id) and o.status not in to_confirm]
            village_ids = dict(Region.objects.filter(path__in={o.region.village_path for o in to_dispatch})
                               .values_list("path", "pk"))
            offices = office_users(village_ids.values(), VILLAGE_OFFICE)
            for order in rows:
                if order.status in at_unit and order.unit_id:
                    users = [u.pk for u in order.unit.staff.all()]
                elif order.status in to_confirm:
                    users = [order.placed_by_id] if order.placed_by_id else []
                else:
                    users = offices.get(village_ids.get(order.region.village_path), [])
                notify(users, title=_("订单已超时：%(n)s %(t)s") % {"n": order.number, "t": order.item_title},
                       url=order.get_absolute_url())
                sent += len(users)
            Order.objects.filter(pk__in=[o.pk for o in rows]).update(reminded_deadline=F("stage_deadline"))


# --- Open311 -------------------------------------------------------------------------------------

def open311_key_check(raw: str | None) -> Open311Key:
    key = Open311Key.objects.select_related("region").filter(key_hash=Open311Key.hash(raw or ""), active=True).first()
    if not raw or key is None:
        raise PermissionDenied(_("api_key 无效或已停用。"))
    return key
