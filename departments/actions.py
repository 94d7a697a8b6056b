"""Writes of departments/: keyword-only, validated, scoped inside the transaction, one history row per move.

The sweep's hooks (grids.hooks) are set-based: `route_county_arrivals` puts a batch of issues that reached
the county into their departments' inboxes with a handful of statements whatever the batch size (none when
no category of the batch has a county department in the catalogue), and `sweep_departments` escalates every
overdue 督办 and marks every whistle call past its deadline in one statement, exactly once (the state
moves in the same UPDATE that selects the row: a second run finds nothing).
"""
from __future__ import annotations

import datetime as dt
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.models import Unit, WorkCategory
from governance import audit_chain
from governance.audit import audit_record, audit_record_many, notify
from governance.errors import Conflict
from governance.models import Region
from governance.scoping import COUNTY, TOWNSHIP, Role, load_for, region_allows, user_roles
from governance.selectors import office_users
from grids.models import ACTIVE_STATUSES, EscalationLevel, Issue, IssueEvent, IssueStatus

from . import rules
from .models import (
    ASSIGNMENT_OPEN,
    AssignmentEvent,
    AssignmentState,
    CatalogueCategory,
    Department,
    DepartmentAssignment,
    DepartmentStaff,
    HandlingLevel,
    MatterCatalogueItem,
    StationedCadre,
    StationedVisit,
    Supervision,
    UnitSupervisor,
    Whistle,
    WhistleCall,
)

S = AssignmentState
DEFAULT_SLA_DAYS = 10  # a matter routed by hand that has no catalogue entry


def _staff_of(department_ids) -> list[int]:
    """Active staff of the departments (one query): whom to tell."""
    return sorted(set(DepartmentStaff.objects.filter(department_id__in=list(department_ids),
                                                     user__is_active=True).values_list("user_id", flat=True)))


def _county_office() -> list[int]:
    county = Region.objects.filter(level=Region.Level.COUNTY).order_by("path").values_list("pk", flat=True).first()
    return sorted(set().union(*office_users([county], COUNTY).values())) if county else []


def _tell(users, title, url) -> None:
    if users:
        transaction.on_commit(partial(notify, users, title=title, url=url))


def _event(assignment, *, actor, kind, from_state="", to_state="", note="") -> None:
    AssignmentEvent.objects.create(assignment=assignment, kind=kind, actor=actor, from_state=from_state,
                                   to_state=to_state, note=note)
    audit_record(actor=actor, action=f"department_assignment.{kind}", obj=assignment, from_state=from_state,
                 to_state=to_state, reason=note, region_id=assignment.issue.region_id,
                 data={"department": assignment.department_id})


def _move(assignment, *, actor, rule, kind, note="", **changes) -> DepartmentAssignment:
    """The state moves from the rule's states in one conditional UPDATE (a lost race is a Conflict)."""
    rule.check(actor, assignment)
    before = assignment.state
    if not DepartmentAssignment.objects.filter(pk=assignment.pk, state__in=rule.states).update(**changes):
        raise Conflict()
    for field, value in changes.items():
        setattr(assignment, field, value)
    _event(assignment, actor=actor, kind=kind, from_state=before, to_state=changes.get("state", before), note=note)
    return assignment


def _assignment_for(actor, assignment_id, action="view") -> DepartmentAssignment:
    from .selectors import assignment_list

    return load_for(assignment_list(user=actor), actor, assignment_id, action, lock=True)


def _issue_step(issue_id: int, *, actor, kind: str, note: str, **changes) -> None:
    """The issue's own record follows the department's work (its page and the reporter see it): one
    conditional UPDATE of the open issue and one history row. The issue's handlers at the county are the
    county office (grids' rules); the department works through its assignment instead."""
    if changes:
        Issue.objects.filter(pk=issue_id, status__in=ACTIVE_STATUSES).update(
            version=F("version") + 1, updated_at=timezone.now(), **changes)
    IssueEvent.objects.create(issue_id=issue_id, kind=kind, actor=actor, note=note,
                              to_status=changes.get("status", ""))


# --- Departments and their staff ----------------------------------------------------------------------

def department_create(*, actor, code: str, name: str, duties: str = "", phone: str = "") -> Department:
    if not rules.is_county(actor):
        raise PermissionDenied(_("县直部门由县委组织部配置。"))
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("请填写部门名称。")
    if not (code or "").strip():
        errors["code"] = _("请填写部门代码。")
    if Department.objects.filter(name=(name or "").strip()).exists():
        errors["name"] = _("已有同名部门。")
    if Department.objects.filter(code=(code or "").strip()).exists():
        errors["code"] = _("该代码已被使用。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        department = Department.objects.create(code=code.strip(), name=name.strip(), duties=(duties or "").strip(),
                                               phone=(phone or "").strip())
        audit_record(actor=actor, action="department.create", obj=department)
    return department


def department_staff_add(*, actor, department_id: int, user) -> DepartmentStaff:
    """Link a holder of the role 县直部门工作人员 to the department (they then see its matters only)."""
    if not rules.is_county(actor):
        raise PermissionDenied(_("部门工作人员由县委组织部配置。"))
    with transaction.atomic():
        department = load_for(Department, actor, department_id, "change", lock=True)
        from governance.models import RoleAssignment

        if not RoleAssignment.objects.filter(user=user, role=Role.DEPARTMENT_STAFF, active=True).exists():
            raise ValidationError({"user": _("该用户没有“县直部门工作人员”角色，请先在角色管理中分配。")})
        link, created = DepartmentStaff.objects.get_or_create(department=department, user=user)
        if not created:
            raise ValidationError({"user": _("该用户已是本部门工作人员。")})
        audit_record(actor=actor, action="department.staff_add", obj=department, data={"user": user.pk})
    return link


def unit_supervisor_set(*, actor, unit: Unit, department: Department) -> UnitSupervisor:
    """压实主管部门责任: the county names the department that supervises a co-building unit."""
    if not rules.is_county(actor):
        raise PermissionDenied(_("单位主管部门由县委组织部确定。"))
    with transaction.atomic():
        before = UnitSupervisor.objects.select_for_update().filter(unit=unit).values_list("department_id", flat=True).first()
        link, _created = UnitSupervisor.objects.update_or_create(unit=unit, defaults={"department": department})
        audit_record(actor=actor, action="unit.supervisor_set", obj=unit, from_state=str(before or ""),
                     to_state=str(department.pk))
    return link


# --- 事项清单 ---------------------------------------------------------------------------------------

def _catalogue_errors(*, name, level, department, sla_days, plain_description, categories, exclude=None) -> dict:
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("请填写事项名称。")
    elif MatterCatalogueItem.objects.filter(name=name.strip()).exclude(pk=exclude).exists():
        errors["name"] = _("清单中已有同名事项。")
    if level not in HandlingLevel.values:
        errors["level"] = _("请选择办理层级。")
    if level == HandlingLevel.COUNTY and department is None:
        errors["department"] = _("县级部门必办的事项须指定主管部门。")
    if not isinstance(sla_days, int) or not 1 <= sla_days <= 365:
        errors["sla_days"] = _("办理时限须在1到365天之间。")
    if not (plain_description or "").strip():
        errors["plain_description"] = _("请用村民能看懂的话写明这件事找谁、多久办好。")
    taken = CatalogueCategory.objects.filter(category__in=list(categories or ())).exclude(item_id=exclude)
    if taken.exists():
        names = "、".join(taken.values_list("category__name", flat=True))
        errors["categories"] = _("这些类别已在清单的其他事项中：%(names)s") % {"names": names}
    return errors


def catalogue_item_create(*, actor, name: str, level: str, plain_description: str, sla_days: int = 10,
                          department: Department | None = None, categories=()) -> MatterCatalogueItem:
    if not rules.is_county(actor):
        raise PermissionDenied(_("事项清单由县里统一维护。"))
    errors = _catalogue_errors(name=name, level=level, department=department, sla_days=sla_days,
                               plain_description=plain_description, categories=categories)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = MatterCatalogueItem.objects.create(name=name.strip(), level=level, department=department,
                                                  sla_days=sla_days, plain_description=plain_description.strip())
        CatalogueCategory.objects.bulk_create([CatalogueCategory(item=item, category=c) for c in categories])
        audit_record(actor=actor, action="catalogue.create", obj=item, data={"categories": [c.pk for c in categories]})
    return item


def catalogue_item_edit(*, actor, item_id: int, name: str, level: str, plain_description: str, sla_days: int = 10,
                        department: Department | None = None, categories=()) -> MatterCatalogueItem:
    if not rules.is_county(actor):
        raise PermissionDenied(_("事项清单由县里统一维护。"))
    with transaction.atomic():
        item = load_for(MatterCatalogueItem, actor, item_id, "change", lock=True)
        errors = _catalogue_errors(name=name, level=level, department=department, sla_days=sla_days,
                                   plain_description=plain_description, categories=categories, exclude=item.pk)
        if errors:
            raise ValidationError(errors)
        MatterCatalogueItem.objects.filter(pk=item.pk).update(
            name=name.strip(), level=level, department=department, sla_days=sla_days,
            plain_description=plain_description.strip())
        item.category_links.all().delete()
        CatalogueCategory.objects.bulk_create([CatalogueCategory(item=item, category=c) for c in categories])
        audit_record(actor=actor, action="catalogue.edit", obj=item, data={"categories": [c.pk for c in categories]})
        item.refresh_from_db()
    return item


# --- Routing: an issue at the county goes to its competent department ----------------------------------

def route_county_arrivals(*, rows, actor, at) -> int:
    """grids.hooks.county_arrivals: each issue whose category the catalogue gives a county department is put
    into that department's inbox as 主办, due after the matter's SLA days; one history row and one audit
    row each, its staff told once. Set-based: one lookup, then (only if anything routes) one INSERT of the
    assignments, one of their history, one of their audit, one staff lookup. The rest stay with the org
    department, which routes them by hand."""
    categories = {r.category_id for r in rows}
    routes = {cat: (item, dept, days) for cat, item, dept, days in CatalogueCategory.objects.filter(
        category_id__in=categories, item__active=True, item__level=HandlingLevel.COUNTY, item__department__active=True,
    ).values_list("category_id", "item_id", "item__department_id", "item__sla_days")}
    if not routes:
        return 0
    routed = [r for r in rows if r.category_id in routes]
    assignments = DepartmentAssignment.objects.bulk_create([
        DepartmentAssignment(issue_id=r.id, department_id=routes[r.category_id][1], catalogue_item_id=routes[r.category_id][0],
                             deadline=at + dt.timedelta(days=routes[r.category_id][2]), created_at=at)
        for r in routed])
    note = _("按事项清单交办主管部门")
    AssignmentEvent.objects.bulk_create([AssignmentEvent(assignment=a, kind="routed", actor=actor, at=at,
                                                         to_state=S.PENDING, note=note) for a in assignments])
    region_of = {r.id: r.region_id for r in routed}
    audit_record_many(actor=actor, action="department_assignment.routed", objects=assignments, at=at, to_state=S.PENDING,
                      region_of=lambda a: region_of[a.issue_id], repr_of=lambda a: f"#{a.issue_id} → {a.department_id}",
                      data=lambda a: {"department": a.department_id})
    _tell(_staff_of({a.department_id for a in assignments}), _("有事件交办到本部门，请及时签收。"),
          reverse("departments:assignment_list") + "?state=pending")
    return len(assignments)


def _new_lead(issue, department, *, actor, note, at=None) -> DepartmentAssignment:
    at = at or timezone.now()
    item = MatterCatalogueItem.objects.filter(category_links__category_id=issue.category_id, active=True).first()
    days = item.sla_days if item else DEFAULT_SLA_DAYS
    try:
        with transaction.atomic():
            new = DepartmentAssignment.objects.create(issue=issue, department=department, catalogue_item=item,
                                                      deadline=at + dt.timedelta(days=days), created_at=at)
    except IntegrityError:
        raise Conflict(_("该事件已有承办中的主办部门，或该部门已在承办。")) from None
    new.issue = issue
    _event(new, actor=actor, kind="routed", to_state=S.PENDING, note=note)
    _tell(_staff_of([department.pk]), _("有事件交办到本部门，请及时签收：%(t)s") % {"t": issue.title}, new.get_absolute_url())
    return new


def issue_route(*, actor, issue_id: int, department: Department, note: str = "") -> DepartmentAssignment:
    """The org department routes an issue at the county that has no department yet (no catalogue entry)."""
    if not rules.is_county(actor):
        raise PermissionDenied(_("交办由县委组织部负责。"))
    with transaction.atomic():
        from grids.selectors import issue_list

        issue = load_for(issue_list(user=actor), actor, issue_id, "change", lock=True, related=("township",))
        if issue.level != EscalationLevel.COUNTY or issue.status not in ACTIVE_STATUSES:
            raise ValidationError({"department": _("只有在县级办理中的事件可以交办部门。")})
        if DepartmentAssignment.objects.filter(issue=issue, role="lead", state__in=ASSIGNMENT_OPEN).exists():
            raise Conflict(_("该事件已有承办中的主办部门，如需调整请改派。"))
        return _new_lead(issue, department, actor=actor, note=(note or "").strip() or _("县委组织部交办"))


def assignment_accept(*, actor, assignment_id: int) -> DepartmentAssignment:
    with transaction.atomic():
        a = _assignment_for(actor, assignment_id)
        now = timezone.now()
        _move(a, actor=actor, rule=rules.ASSIGNMENT["accept"], kind="accepted", state=S.ACCEPTED, accepted_at=now)
        if a.role == DepartmentAssignment.Role.LEAD:
            _issue_step(a.issue_id, actor=actor, kind=IssueEvent.Kind.ACCEPTED, status=IssueStatus.IN_PROGRESS,
                        note=_("%(d)s签收办理") % {"d": a.department.name})
    return a


def assignment_hand_back(*, actor, assignment_id: int, reason: str) -> DepartmentAssignment:
    """Not this department's matter: back to the org department with the reason (it reassigns)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("退回须说明理由。")})
    with transaction.atomic():
        a = _assignment_for(actor, assignment_id)
        now = timezone.now()
        _move(a, actor=actor, rule=rules.ASSIGNMENT["hand_back"], kind="handed_back", note=reason.strip(),
              state=S.HANDED_BACK, reason=reason.strip(), closed_at=now, handed_back_at=now)
        if a.role == DepartmentAssignment.Role.LEAD:
            # its co-handlers' parts go with it: the next lead asks again
            for assist in DepartmentAssignment.objects.select_for_update().filter(lead=a, state__in=ASSIGNMENT_OPEN):
                DepartmentAssignment.objects.filter(pk=assist.pk).update(state=S.REASSIGNED, closed_at=now,
                                                                         reason=_("主办部门已退回"))
                assist.issue = a.issue
                _event(assist, actor=actor, kind="closed_with_lead", from_state=assist.state, to_state=S.REASSIGNED)
            _tell(_county_office(), _("%(d)s退回事件，请改派：%(t)s") % {"d": a.department.name, "t": a.issue.title},
                  a.get_absolute_url())
        else:
            _tell(_staff_of([a.lead.department_id]), _("%(d)s退回协办：%(t)s") % {"d": a.department.name, "t": a.issue.title},
                  a.lead.get_absolute_url())
    return a


def assignment_request_assist(*, actor, assignment_id: int, department: Department, part: str) -> DepartmentAssignment:
    """主办 asks another department to co-handle (协办) a named part; returns the new 协办 assignment."""
    if not (part or "").strip():
        raise ValidationError({"part": _("请写明请协办部门承担的工作。")})
    with transaction.atomic():
        lead = _assignment_for(actor, assignment_id)
        rules.ASSIGNMENT["assist"].check(actor, lead)
        if department.pk == lead.department_id:
            raise ValidationError({"department": _("不能请本部门协办。")})
        try:
            with transaction.atomic():
                assist = DepartmentAssignment.objects.create(
                    issue=lead.issue, department=department, role=DepartmentAssignment.Role.ASSIST, lead=lead,
                    catalogue_item=lead.catalogue_item, part=part.strip(), deadline=lead.deadline)
        except IntegrityError:
            raise ValidationError({"department": _("该部门已在承办此事件。")}) from None
        assist.issue = lead.issue
        _event(assist, actor=actor, kind="assist_asked", to_state=S.PENDING, note=part.strip())
        AssignmentEvent.objects.create(assignment=lead, kind="assist_asked", actor=actor,
                                       note=_("商请%(d)s协办：%(p)s") % {"d": department.name, "p": part.strip()})
        _tell(_staff_of([department.pk]), _("%(d)s商请本部门协办：%(t)s") % {"d": lead.department.name, "t": lead.issue.title},
              assist.get_absolute_url())
    return assist


def assignment_report(*, actor, assignment_id: int, result: str) -> DepartmentAssignment:
    """办结报告: a 协办 reports its part to the 主办; the 主办 (every part reported) reports to the township."""
    if not (result or "").strip():
        raise ValidationError({"result": _("请填写办理结果。")})
    with transaction.atomic():
        a = _assignment_for(actor, assignment_id)
        if a.role == DepartmentAssignment.Role.LEAD:
            waiting = list(DepartmentAssignment.objects.filter(lead=a, state__in=[S.PENDING, S.ACCEPTED])
                           .values_list("department__name", flat=True))
            if waiting:
                raise ValidationError({"result": _("协办部门尚未报告各自承担的工作：%(d)s") % {"d": "、".join(waiting)}})
        _move(a, actor=actor, rule=rules.ASSIGNMENT["report"], kind="reported", note=result.strip(), state=S.REPORTED,
              result=result.strip(), reported_at=timezone.now())
        if a.role == DepartmentAssignment.Role.LEAD:
            township = office_users([a.issue.township_id], TOWNSHIP)
            _tell(sorted(set().union(*township.values())) if township else [],
                  _("%(d)s报告办结，请确认：%(t)s") % {"d": a.department.name, "t": a.issue.title}, a.get_absolute_url())
        else:
            _tell(_staff_of([a.lead.department_id]), _("%(d)s已完成协办工作：%(t)s") % {"d": a.department.name, "t": a.issue.title},
                  a.lead.get_absolute_url())
    return a


def assignment_confirm(*, actor, assignment_id: int) -> DepartmentAssignment:
    """The township confirms the department's completion: the assignment (and its parts) close and the issue
    is resolved, waiting for the reporter's own confirmation as any resolution does."""
    with transaction.atomic():
        a = _assignment_for(actor, assignment_id)
        now = timezone.now()
        _move(a, actor=actor, rule=rules.ASSIGNMENT["confirm"], kind="confirmed", state=S.CONFIRMED,
              confirmed_at=now, closed_at=now)
        DepartmentAssignment.objects.filter(lead=a, state=S.REPORTED).update(state=S.CONFIRMED, confirmed_at=now, closed_at=now)
        _issue_step(a.issue_id, actor=actor, kind=IssueEvent.Kind.RESOLVED, status=IssueStatus.RESOLVED, resolved_at=now,
                    note=_("%(d)s办结，乡镇（街道）确认：%(r)s") % {"d": a.department.name, "r": a.result})
        _tell([a.issue.reporter_id], _("您上报的事件已办结，请确认：%(t)s") % {"t": a.issue.title},
              reverse("grids:issue_detail", args=[a.issue_id]))
        _tell(_staff_of([a.department_id]), _("乡镇（街道）已确认办结：%(t)s") % {"t": a.issue.title}, a.get_absolute_url())
    return a


def assignment_return_report(*, actor, assignment_id: int, reason: str) -> DepartmentAssignment:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("退回重办须说明理由。")})
    with transaction.atomic():
        a = _assignment_for(actor, assignment_id)
        _move(a, actor=actor, rule=rules.ASSIGNMENT["return_report"], kind="report_returned", note=reason.strip(),
              state=S.ACCEPTED, reported_at=None)
        _tell(_staff_of([a.department_id]), _("乡镇（街道）不认可办结，请重办：%(t)s") % {"t": a.issue.title},
              a.get_absolute_url())
    return a


def assignment_reassign(*, actor, assignment_id: int, department: Department, reason: str) -> DepartmentAssignment:
    """The org department moves a matter to another department; returns the new 主办 assignment."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("改派须说明理由。")})
    with transaction.atomic():
        a = _assignment_for(actor, assignment_id, "change")
        rules.ASSIGNMENT["reassign"].check(actor, a)
        if a.role != DepartmentAssignment.Role.LEAD:
            raise ValidationError({"department": _("协办由主办部门商请，改派只针对主办部门。")})
        if department.pk == a.department_id and a.state != S.HANDED_BACK:
            raise ValidationError({"department": _("请选择另一个部门。")})
        if a.state != S.HANDED_BACK:
            now = timezone.now()
            _move(a, actor=actor, rule=rules.ASSIGNMENT["reassign"], kind="reassigned", note=reason.strip(),
                  state=S.REASSIGNED, reason=reason.strip(), closed_at=now)
            DepartmentAssignment.objects.filter(lead=a, state__in=ASSIGNMENT_OPEN).update(
                state=S.REASSIGNED, closed_at=now, reason=_("主办部门已改派"))
            _tell(_staff_of([a.department_id]), _("事件已改派其他部门：%(t)s") % {"t": a.issue.title}, a.get_absolute_url())
        else:
            DepartmentAssignment.objects.filter(pk=a.pk, state=S.HANDED_BACK).update(state=S.REASSIGNED)
            _event(a, actor=actor, kind="reassigned", from_state=S.HANDED_BACK, to_state=S.REASSIGNED, note=reason.strip())
        return _new_lead(a.issue, department, actor=actor, note=reason.strip())


# --- 督办 ------------------------------------------------------------------------------------------

def supervision_open(*, actor, issue: Issue, requirement: str, deadline: dt.datetime) -> Supervision:
    """The org department (or the county leadership) puts any open matter under supervision."""
    if not rules.is_county(actor):
        raise PermissionDenied(_("督办由县委组织部或县领导发起。"))
    errors = {}
    if not (requirement or "").strip():
        errors["requirement"] = _("请填写督办要求。")
    if deadline is None or deadline <= timezone.now():
        errors["deadline"] = _("督办时限须晚于现在。")
    if issue.status not in ACTIVE_STATUSES:
        errors["issue"] = _("该事件已办结或已结束，不需督办。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                sup = Supervision.objects.create(issue=issue, requirement=requirement.strip(), deadline=deadline,
                                                 created_by=actor)
        except IntegrityError:
            raise ValidationError({"issue": _("该事件已在督办中。")}) from None
        IssueEvent.objects.create(issue=issue, kind=IssueEvent.Kind.COMMENTED, actor=actor,
                                  note=_("列入督办，时限%(d)s：%(r)s") % {"d": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
                                                                      "r": requirement.strip()})
        audit_record(actor=actor, action="supervision.open", obj=sup, region_id=issue.region_id,
                     to_state=Supervision.State.OPEN)
        handlers = DepartmentAssignment.objects.filter(issue=issue, state__in=ASSIGNMENT_OPEN).values_list("department_id", flat=True)
        township = office_users([issue.township_id], TOWNSHIP)
        users = set(_staff_of(handlers)) | (set().union(*township.values()) if township else set())
        _tell(sorted(users), _("事件列入督办，请在时限内办结：%(t)s") % {"t": issue.title}, sup.get_absolute_url())
    return sup


def supervision_close(*, actor, supervision_id: int, note: str) -> Supervision:
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写销号说明。")})
    from .selectors import supervision_list

    with transaction.atomic():
        sup = load_for(supervision_list(user=actor), actor, supervision_id, "change", lock=True)
        rule = rules.SUPERVISION["close"]
        rule.check(actor, sup)
        before = sup.state
        now = timezone.now()
        if not Supervision.objects.filter(pk=sup.pk, state__in=rule.states).update(
                state=Supervision.State.CLOSED, closed_at=now, closing_note=note.strip()):
            raise Conflict()
        sup.state, sup.closed_at, sup.closing_note = Supervision.State.CLOSED, now, note.strip()
        IssueEvent.objects.create(issue_id=sup.issue_id, kind=IssueEvent.Kind.COMMENTED, actor=actor,
                                  note=_("督办销号：%(n)s") % {"n": note.strip()})
        audit_record(actor=actor, action="supervision.close", obj=sup, region_id=sup.issue.region_id,
                     from_state=before, to_state=sup.state, reason=note.strip())
    return sup


# --- 吹哨报到 --------------------------------------------------------------------------------------

def whistle_blow(*, actor, issue: Issue, departments, request: str, ack_hours: int = 24,
                 meet_at: dt.datetime | None = None, place: str = "") -> Whistle:
    """A township blows the whistle on a matter of its own: each named department must report by the deadline."""
    errors = {}
    departments = list(departments or ())
    if not departments:
        errors["departments"] = _("请至少点名一个部门。")
    if not (request or "").strip():
        errors["request"] = _("请写明吹哨事由和需要部门做什么。")
    if not isinstance(ack_hours, int) or not 1 <= ack_hours <= 168:
        errors["ack_hours"] = _("报到时限须在1到168小时之间。")
    if issue.status not in ACTIVE_STATUSES:
        errors["issue"] = _("该事件已办结或已结束。")
    if meet_at is not None and meet_at <= timezone.now():
        errors["meet_at"] = _("会商时间须晚于现在。")
    if errors:
        raise ValidationError(errors)
    township = Region.objects.get(pk=issue.township_id)
    if not region_allows(actor, township, TOWNSHIP):
        raise PermissionDenied(_("由事件所在的乡镇（街道）吹哨。"))
    with transaction.atomic():
        now = timezone.now()
        whistle = Whistle.objects.create(issue=issue, township=township, request=request.strip(), meet_at=meet_at,
                                         place=(place or "").strip(), ack_deadline=now + dt.timedelta(hours=ack_hours),
                                         blown_by=actor, blown_at=now)
        WhistleCall.objects.bulk_create([WhistleCall(whistle=whistle, department=d) for d in departments])
        IssueEvent.objects.create(issue=issue, kind=IssueEvent.Kind.COMMENTED, actor=actor,
                                  note=_("乡镇吹哨，点名部门报到：%(d)s") % {"d": "、".join(d.name for d in departments)})
        audit_record(actor=actor, action="whistle.blow", obj=whistle, region=township,
                     data={"departments": [d.pk for d in departments]})
        _tell(_staff_of([d.pk for d in departments]),
              _("乡镇吹哨，请在%(h)d小时内报到：%(t)s") % {"h": ack_hours, "t": issue.title}, whistle.get_absolute_url())
    return whistle


def _load_call(actor, call_id, action="view") -> WhistleCall:
    from .selectors import call_list

    return load_for(call_list(user=actor), actor, call_id, action, lock=True)


def call_acknowledge(*, actor, call_id: int, people: str) -> WhistleCall:
    """报到: the department answers and names the people it sends (late, after the deadline, is recorded)."""
    if not (people or "").strip():
        raise ValidationError({"people": _("请填写派出的人员。")})
    with transaction.atomic():
        call = _load_call(actor, call_id)
        rule = rules.CALL["acknowledge"]
        rule.check(actor, call)
        before, now = call.state, timezone.now()
        if not WhistleCall.objects.filter(pk=call.pk, state__in=rule.states).update(
                state=WhistleCall.State.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=actor, people=people.strip()):
            raise Conflict()
        call.state, call.acknowledged_at, call.acknowledged_by, call.people = WhistleCall.State.ACKNOWLEDGED, now, actor, people.strip()
        audit_record(actor=actor, action="whistle.acknowledge", obj=call.whistle, region_id=call.whistle.township_id,
                     from_state=before, to_state=call.state, data={"department": call.department_id})
        _tell([call.whistle.blown_by_id], _("%(d)s已报到响应：%(t)s") % {"d": call.department.name, "t": call.whistle.issue.title},
              call.get_absolute_url())
    return call


def call_attendance(*, actor, call_id: int, attended: bool, note: str = "") -> WhistleCall:
    with transaction.atomic():
        call = _load_call(actor, call_id)
        rule = rules.CALL["attendance"]
        rule.check(actor, call)
        state = WhistleCall.State.ATTENDED if attended else WhistleCall.State.ABSENT
        before = call.state
        if not WhistleCall.objects.filter(pk=call.pk, state__in=rule.states).update(state=state, attendance_note=(note or "").strip()):
            raise Conflict()
        call.state, call.attendance_note = state, (note or "").strip()
        audit_record(actor=actor, action="whistle.attendance", obj=call.whistle, region_id=call.whistle.township_id,
                     from_state=before, to_state=state, data={"department": call.department_id})
    return call


def whistle_close(*, actor, whistle_id: int, outcome: str) -> Whistle:
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("请填写处置结果。")})
    with transaction.atomic():
        whistle = load_for(Whistle.objects.select_related("township", "issue"), actor, whistle_id, "change", lock=True)
        rule = rules.WHISTLE["close"]
        rule.check(actor, whistle)
        now = timezone.now()
        if not Whistle.objects.filter(pk=whistle.pk, state=Whistle.State.OPEN).update(
                state=Whistle.State.CLOSED, outcome=outcome.strip(), closed_at=now):
            raise Conflict()
        whistle.state, whistle.outcome, whistle.closed_at = Whistle.State.CLOSED, outcome.strip(), now
        IssueEvent.objects.create(issue_id=whistle.issue_id, kind=IssueEvent.Kind.COMMENTED, actor=actor,
                                  note=_("吹哨报到处置结果：%(o)s") % {"o": outcome.strip()})
        audit_record(actor=actor, action="whistle.close", obj=whistle, region_id=whistle.township_id,
                     from_state=Whistle.State.OPEN, to_state=whistle.state)
    return whistle


# --- The sweep's once-per-run part ------------------------------------------------------------------

_SWEEP_SQL = """
WITH escalated AS (
    UPDATE departments_supervision s SET state = 'escalated', escalated_at = %(at)s
    FROM grids_issue i
    WHERE s.state = 'open' AND s.deadline < %(now)s AND i.id = s.issue_id
    RETURNING s.id, s.issue_id, i.region_id, i.title
),
history AS (
    INSERT INTO grids_issueevent (issue_id, kind, actor_id, at, from_status, to_status, from_level, to_level, note)
    SELECT issue_id, 'commented', NULL, %(at)s, '', '', NULL, NULL, %(sup_note)s FROM escalated
),
sup_audit AS (
    INSERT INTO governance_auditentry (at, actor_id, action, content_type_id, object_id, object_repr, region_id,
                                       from_state, to_state, reason, data, prev_hash, hash)
    SELECT %(at)s, NULL, 'supervision.escalated',
           (SELECT id FROM django_content_type WHERE app_label = 'departments' AND model = 'supervision'), id::text, left(title, 200), region_id, 'open',
           'escalated', %(sup_note)s, '{}'::jsonb, '', '' FROM escalated
),
missed AS (
    UPDATE departments_whistlecall c SET state = 'missed', missed_at = %(at)s
    FROM departments_whistle w
    WHERE c.state = 'pending' AND w.id = c.whistle_id AND w.ack_deadline < %(now)s
    RETURNING c.id, c.whistle_id, c.department_id, w.township_id, w.blown_by_id
),
call_audit AS (
    INSERT INTO governance_auditentry (at, actor_id, action, content_type_id, object_id, object_repr, region_id,
                                       from_state, to_state, reason, data, prev_hash, hash)
    SELECT %(at)s, NULL, 'whistle.missed',
           (SELECT id FROM django_content_type WHERE app_label = 'departments' AND model = 'whistle'), whistle_id::text, left('#' || whistle_id, 200), township_id,
           'pending', 'missed', %(call_note)s, jsonb_build_object('department', department_id), '', '' FROM missed
)
SELECT 's', id, issue_id, NULL FROM escalated
UNION ALL
SELECT 'c', id, whistle_id, blown_by_id FROM missed
"""


def sweep_departments(*, now, at) -> dict:
    """grids.hooks.sweep_extras: every open 督办 past its deadline is escalated to the county leadership and
    every whistle call unanswered past its deadline is marked 超时未响应 — one statement on PostgreSQL (one
    more, the county office lookup, only when something moved), exactly once: the row's state moves in the
    UPDATE that finds it."""
    sup_note = _("督办超期未办结，升级为县领导督办。")
    call_note = _("超过报到时限未响应。")
    if connection.vendor == "postgresql":
        # one statement: atomic by itself, no savepoint; the content types are read inside it
        params = {"now": now, "at": at, "sup_note": sup_note, "call_note": call_note}
        with connection.cursor() as cursor:
            cursor.execute(_SWEEP_SQL, params)
            moved = cursor.fetchall()
        if moved:  # the rows it wrote to the audit log join the hash chain after commit, like audit_record()'s
            audit_chain.seal_on_commit()
    else:  # the SQLite smoke settings: the same result row by row, in one transaction
        with transaction.atomic():
            moved = _sweep_orm(now=now, at=at, sup_note=sup_note, call_note=call_note)
    sups = [m for m in moved if m[0] == "s"]
    calls = [m for m in moved if m[0] == "c"]
    if sups or calls:
        county = _county_office()
        if sups:
            _tell(county, _("有%(n)d件督办事项超期未办结，已升级督办。") % {"n": len(sups)},
                  reverse("departments:supervision_list") + "?state=escalated")
        if calls:
            _tell(sorted(set(county) | {m[3] for m in calls}),
                  _("有%(n)d个部门超过吹哨报到时限未响应。") % {"n": len(calls)},
                  reverse("departments:whistle_list"))
    return {"supervisions_escalated": len(sups), "whistle_calls_missed": len(calls)}


def _sweep_orm(*, now, at, sup_note, call_note) -> list[tuple]:
    moved = []
    for sup in Supervision.objects.select_for_update().filter(state=Supervision.State.OPEN, deadline__lt=now).select_related("issue"):
        Supervision.objects.filter(pk=sup.pk).update(state=Supervision.State.ESCALATED, escalated_at=at)
        IssueEvent.objects.create(issue_id=sup.issue_id, kind=IssueEvent.Kind.COMMENTED, at=at, note=sup_note)
        audit_record(actor=None, action="supervision.escalated", obj=sup, region_id=sup.issue.region_id,
                     from_state="open", to_state="escalated", reason=sup_note)
        moved.append(("s", sup.pk, sup.issue_id, None))
    for call in WhistleCall.objects.select_for_update().filter(state=WhistleCall.State.PENDING,
                                                               whistle__ack_deadline__lt=now).select_related("whistle"):
        WhistleCall.objects.filter(pk=call.pk).update(state=WhistleCall.State.MISSED, missed_at=at)
        audit_record(actor=None, action="whistle.missed", obj=call.whistle, region_id=call.whistle.township_id,
                     from_state="pending", to_state="missed", reason=call_note, data={"department": call.department_id})
        moved.append(("c", call.pk, call.whistle_id, call.whistle.blown_by_id))
    return moved


# --- 驻村干部 ---------------------------------------------------------------------------------------------

CADRE_ROLES = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_HEAD, Role.TOWNSHIP_STAFF, Role.DEPARTMENT_STAFF})
MAX_HOUSEHOLDS = 1000


def _same_person(*, user, name: str, department, unit_name: str) -> dict:
    """Who "the same person" is: the account where there is one, else the name from the same sending unit."""
    if user is not None:
        return {"user": user}
    return {"user__isnull": True, "name": name, "department": department, "unit_name": unit_name}


def stationed_cadre_station(*, actor, village: Region, post: str, tasks: str, start_date: dt.date, user=None,
                            name: str = "", department: Department | None = None, unit_name: str = "",
                            end_date: dt.date | None = None) -> StationedCadre:
    """选派驻村干部: the county (组织部) for any village, a township for its own; one current term of a person
    in a village, and no term overlapping one already served there."""
    from governance.models import RoleAssignment

    if village is None or village.level != Region.Level.VILLAGE:
        raise ValidationError({"village": _("请选择驻村的村（社区）。")})
    if not rules.stations_in(actor, village):
        raise PermissionDenied(_("驻村干部由县委组织部或所在乡镇（街道）选派。"))
    name, unit_name, tasks = (name or "").strip(), (unit_name or "").strip(), (tasks or "").strip()
    errors = {}
    if user is not None:
        if not RoleAssignment.objects.current().filter(user=user, role__in=CADRE_ROLES).exists():
            errors["user"] = _("该账号没有县、乡镇（街道）或县直部门的干部角色，不能选派驻村。")
        name = user.get_full_name() or user.username
    elif not name:
        errors["name"] = _("请选择干部账号，或填写没有账号的干部姓名。")
    if department is None and not unit_name:
        errors["unit_name"] = _("请选择派出部门，或填写派出单位（如乡镇机关）。")
    if post not in StationedCadre.Post.values:
        errors["post"] = _("请选择驻村职务。")
    if not tasks:
        errors["tasks"] = _("请填写驻村任务。")
    if start_date is None:
        errors["start_date"] = _("请填写任期开始日期。")
    elif end_date is not None and end_date < start_date:
        errors["end_date"] = _("任期结束日期不能早于开始日期。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # two stations of the same person at once: the second waits here and then sees the first
        Region.objects.select_for_update().filter(pk=village.pk).values_list("pk", flat=True).first()
        same = StationedCadre.objects.filter(village=village, **_same_person(
            user=user, name=name, department=department, unit_name=unit_name))
        current = same.filter(state=StationedCadre.State.ACTIVE).order_by("start_date").first()
        if current is not None:
            raise ValidationError({"start_date": _("%(name)s在%(village)s已有在岗的驻村任期（%(since)s起），请先结束原任期。")
                                   % {"name": name, "village": village.name, "since": f"{current.start_date:%Y-%m-%d}"}})
        overlap = same.filter(end_date__gte=start_date)
        if end_date is not None:
            overlap = overlap.filter(start_date__lte=end_date)
        past = overlap.order_by("start_date").first()
        if past is not None:
            raise ValidationError({"start_date": _("与%(name)s在%(village)s的历史任期（%(start)s至%(end)s）重叠。")
                                   % {"name": name, "village": village.name, "start": f"{past.start_date:%Y-%m-%d}",
                                      "end": f"{past.end_date:%Y-%m-%d}"}})
        cadre = StationedCadre.objects.create(user=user, name=name, village=village, department=department,
                                              unit_name="" if department is not None else unit_name, post=post,
                                              tasks=tasks, start_date=start_date, end_date=end_date,
                                              stationed_by=actor)
        audit_record(actor=actor, action="stationed_cadre.station", obj=cadre, to_state=cadre.state,
                     region_id=village.pk, data={"post": post, "department": getattr(department, "pk", None)})
        if user is not None:
            _tell([user.pk], _("您已被选派到%(village)s驻村") % {"village": village.name}, cadre.get_absolute_url())
    return cadre


def _cadre_for(actor, cadre_id, action="view") -> StationedCadre:
    from .selectors import stationed_list

    return load_for(stationed_list(user=actor), actor, cadre_id, action, lock=True)


def stationed_cadre_end(*, actor, cadre_id: int, reason: str, end_date: dt.date | None = None) -> StationedCadre:
    """结束驻村任期: the term is kept as history with its reason; a term ended twice is a Conflict."""
    reason = (reason or "").strip()
    with transaction.atomic():
        cadre = _cadre_for(actor, cadre_id, "change")
        rule = rules.STATIONED["end"]
        rule.check(actor, cadre)
        end_date = end_date or timezone.localdate()
        if not reason:
            raise ValidationError({"reason": _("请填写结束任期的原因。")})
        if end_date > timezone.localdate():
            raise ValidationError({"end_date": _("结束日期不能晚于今天。")})
        if end_date < cadre.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于任期开始日期（%(d)s）。") % {"d": f"{cadre.start_date:%Y-%m-%d}"}})
        if cadre.visits.filter(date__gt=end_date).exists():
            raise ValidationError({"end_date": _("该日期之后还有驻村工作记录，结束日期不能早于最后一次记录。")})
        changes = {"state": StationedCadre.State.ENDED, "end_date": end_date, "end_reason": reason,
                   "ended_at": timezone.now(), "ended_by": actor}
        if not StationedCadre.objects.filter(pk=cadre.pk, state__in=rule.states).update(**changes):
            raise Conflict(rule.refusal % {"status": cadre.get_state_display()})
        for field, value in changes.items():
            setattr(cadre, field, value)
        audit_record(actor=actor, action="stationed_cadre.end", obj=cadre, from_state=StationedCadre.State.ACTIVE,
                     to_state=cadre.state, reason=reason, region_id=cadre.village_id)
    return cadre


def stationed_visit_log(*, actor, cadre_id: int, date: dt.date, work: str, households_visited: int = 0,
                        note: str = "") -> StationedVisit:
    """驻村工作记录: by the cadre themself or the village's township, on a day of the current term."""
    work, note = (work or "").strip(), (note or "").strip()
    with transaction.atomic():
        cadre = _cadre_for(actor, cadre_id, "view")
        rules.STATIONED["visit"].check(actor, cadre)
        errors = {}
        if date is None:
            errors["date"] = _("请填写日期。")
        elif date > timezone.localdate():
            errors["date"] = _("不能记录今天以后的驻村工作。")
        elif date < cadre.start_date or (cadre.end_date is not None and date > cadre.end_date):
            errors["date"] = _("该日期不在驻村任期内（%(start)s至%(end)s）。") % {
                "start": f"{cadre.start_date:%Y-%m-%d}",
                "end": f"{cadre.end_date:%Y-%m-%d}" if cadre.end_date else _("今")}
        if not work:
            errors["work"] = _("请填写工作内容。")
        if households_visited is None or not 0 <= households_visited <= MAX_HOUSEHOLDS:
            errors["households_visited"] = _("走访户数应在0到%(n)d之间。") % {"n": MAX_HOUSEHOLDS}
        if errors:
            raise ValidationError(errors)
        visit = StationedVisit.objects.create(cadre=cadre, date=date, work=work, households_visited=households_visited,
                                              note=note, logged_by=actor)
        audit_record(actor=actor, action="stationed_visit.log", obj=visit, region_id=cadre.village_id,
                     data={"cadre": cadre.pk, "households": households_visited})
    return visit
