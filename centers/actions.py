"""Writes of centers/: keyword-only, validated, scoped, atomic, audited."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, audit_record_many, notify
from governance.errors import Conflict
from governance.models import Region, Resident, RoleAssignment
from governance.scoping import COUNTY, MANAGERS, TOWNSHIP, Role, get_for_update, load_for, require_region
from governance.selectors import office_users

from . import gates, rules

from .models import (
    Attendance,
    Candidate,
    Center,
    CenterKind,
    Cluster,
    CommitteePost,
    CommitteeSeat,
    Course,
    LeadGooseMark,
    LeadGooseMeasure,
    ModeSwitch,
    OperatingMode,
    PartyMember,
    PartyOrganization,
    PioneerPost,
    PipelineGateCheck,
    PipelineStep,
    ReserveCadre,
    SecretaryRating,
    Stage,
    StageRule,
    StaffAssignment,
    StarRule,
    TownshipMode,
    TrainingSession,
    Unit,
    VillageContact,
    WorkCategory,
    WorkItem,
)
from .rules import HEADS, may_take  # noqa: F401  (read by the pages, the panels and the tests as actions.*)
from .selectors import co_building_units, current_assignment, township_mode  # noqa: F401


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else "—"


def _require_township(region: Region, field: str = "township") -> None:
    if region.level != Region.Level.TOWNSHIP:
        raise ValidationError({field: _("请选择乡镇（街道）。")})


def _require_village(region: Region, field: str = "village") -> None:
    if region.level != Region.Level.VILLAGE:
        raise ValidationError({field: _("请选择村（社区）。")})


# --- Centers and their party branches ----------------------------------------------------------

def centers_create_for_township(*, actor, region: Region) -> list[Center]:
    """Every township/subdistrict gets exactly the four centers, its 党委 (党工委 for a subdistrict),
    one party branch per center (支部建在工作链上) and its operating mode (idempotent)."""
    if region.level != Region.Level.TOWNSHIP:
        return []
    existing = set(Center.objects.filter(township=region).values_list("kind", flat=True))
    created = Center.objects.bulk_create(
        [Center(township=region, kind=kind) for kind in CenterKind.values if kind not in existing]
    )
    audit_record_many(actor=actor, action="center.create", objects=created, region_of=lambda center: region)
    TownshipMode.objects.get_or_create(township=region)
    committee_name = _("%(t)s党工委") if region.kind == Region.Kind.SUBDISTRICT else _("%(t)s党委")
    committee, _created = PartyOrganization.objects.get_or_create(
        region=region, parent=None, kind=PartyOrganization.Kind.COMMITTEE,
        defaults={"name": committee_name % {"t": region.name}},
    )
    for center in Center.objects.filter(township=region, party_branch__isnull=True):
        PartyOrganization.objects.create(
            region=region, center=center, parent=committee, kind=PartyOrganization.Kind.BRANCH,
            name=_("%(c)s党支部") % {"c": center.get_kind_display()},
        )
    return created


def center_create(*, actor, township: Region, kind: str) -> Center:
    """A township has exactly four centers; a fifth (or a second of a kind) is refused."""
    _require_township(township)
    require_region(actor, township, COUNTY)
    if kind not in CenterKind.values:
        raise ValidationError({"kind": _("中心只能是党群服务中心、建设发展中心、社会事务中心、依法治理中心之一。")})
    with transaction.atomic():
        if Center.objects.filter(township=township, kind=kind).exists():
            raise ValidationError({"kind": _("%(t)s已设有%(c)s；每个乡镇（街道）只设四大中心，各一个。")
                                   % {"t": township.name, "c": CenterKind(kind).label}})
        center = Center.objects.create(township=township, kind=kind)
        audit_record(actor=actor, action="center.create", obj=center, region=township)
    return center


# --- Work items ---------------------------------------------------------------------------------

def work_item_create(*, actor, township: Region, category: WorkCategory, title: str, description: str = "",
                     deadline: dt.datetime | None = None, source=None) -> WorkItem:
    """Open a work item in the township's center that owns the category (平时按分工).

    Called by other apps (grids escalating an issue, deliberation following up a resolution) inside
    their own transaction; the caller has already checked its own scope.
    """
    if township.level != Region.Level.TOWNSHIP:
        raise ValidationError({"township": _("中心事项只能交办到乡镇（街道）。")})
    if not category.active:
        raise ValidationError({"category": _("该事项类别已停用。")})
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写事项标题。")})
    center = Center.objects.filter(township=township, kind=category.center_kind).first()
    if center is None:
        raise ValidationError({"township": _("该乡镇尚未设立%(c)s。") % {"c": CenterKind(category.center_kind).label}})
    with transaction.atomic():
        item = WorkItem.objects.create(
            township=township, center=center, category=category, title=title.strip()[:200], description=description,
            deadline=deadline, created_by=actor if getattr(actor, "pk", None) else None,
            source_type=ContentType.objects.get_for_model(source) if source is not None else None,
            source_id=str(source.pk) if source is not None else "",
        )
        audit_record(actor=actor, action="work_item.create", obj=item, to_state=item.status)
    return item


def _check_assignee(item: WorkItem, assignee, mode: str) -> None:
    assignment = current_assignment(assignee)
    if assignment is None or assignment.township_id != item.township_id:
        raise ValidationError({"assignee": _("%(n)s未派驻本乡镇（街道）的中心，不能承办。") % {"n": _name(assignee)}})
    if mode == OperatingMode.NORMAL and assignment.center_id != item.center_id:
        raise ValidationError({"assignee": _("平时按分工：该事项只能交给%(c)s的干部；跨中心调度须先切换为“紧时有统筹”。")
                               % {"c": item.center.get_kind_display()}})


def _work_item_for(step: str, actor, item_id: int) -> WorkItem:
    """The item a step is about, locked, with its township's mode (its rule reads it) — 404 out of sight; then
    the step's rule (centers/rules.py): 403 not allowed, 409 when its state moved on."""
    rule = rules.WORK_ITEM[step]
    item = load_for(WorkItem, actor, item_id, rule.scope or "view", lock=True, related=("township", "center"))
    item.mode = township_mode(item.township)
    return item


def _work_item_move(item: WorkItem, step: str, **fields) -> WorkItem:
    """The state move of `step` as a conditional UPDATE from the rule's states: a lost race is a 409."""
    if not WorkItem.objects.filter(pk=item.pk, status__in=list(rules.WORK_ITEM[step].states)).update(**fields):
        raise Conflict()
    item.refresh_from_db()
    return item


def work_item_take(*, actor, item_id: int) -> WorkItem:
    with transaction.atomic():
        item = _work_item_for("take", actor, item_id)
        try:
            rules.WORK_ITEM["take"].check(actor, item)
        except PermissionDenied:  # the rule's refusal, naming the center in 平时按分工
            raise PermissionDenied(rules.take_denial(item)) from None
        mode = item.mode
        item = _work_item_move(item, "take", status=WorkItem.Status.IN_PROGRESS, assignee=actor)
        audit_record(actor=actor, action="work_item.take", obj=item, from_state=WorkItem.Status.OPEN,
                     to_state=item.status, data={"mode": mode})
    return item


def work_item_assign(*, actor, item_id: int, assignee) -> WorkItem:
    with transaction.atomic():
        item = _work_item_for("assign", actor, item_id)
        rules.WORK_ITEM["assign"].check(actor, item)
        mode = item.mode
        _check_assignee(item, assignee, mode)
        old = item.status
        item = _work_item_move(item, "assign", status=WorkItem.Status.IN_PROGRESS, assignee=assignee)
        audit_record(actor=actor, action="work_item.assign", obj=item, from_state=old, to_state=item.status,
                     data={"assignee": assignee.pk, "mode": mode})
        notify([assignee], title=_("交办事项：%(t)s") % {"t": item.title}, url=item.get_absolute_url())
    return item


def work_item_complete(*, actor, item_id: int, note: str = "") -> WorkItem:
    with transaction.atomic():
        item = _work_item_for("complete", actor, item_id)
        rules.WORK_ITEM["complete"].check(actor, item)
        item = _work_item_move(item, "complete", status=WorkItem.Status.DONE, done_at=timezone.now())
        audit_record(actor=actor, action="work_item.complete", obj=item, from_state=WorkItem.Status.IN_PROGRESS,
                     to_state=item.status, reason=note)
    return item


# --- Operating mode -----------------------------------------------------------------------------

def township_mode_switch(*, actor, to_mode: str, reason: str, township: Region | None = None,
                         mode_id: int | None = None) -> ModeSwitch:
    """The head (or the county) switches the township's mode. The township is named by the page's region or
    by the API's TownshipMode row (`mode_id`, loaded in the actor's scope: 404 outside it)."""
    if mode_id is not None:
        township = load_for(TownshipMode, actor, mode_id, related=("township",)).township
    _require_township(township)
    rules.TOWNSHIP_MODE["switch"].check(actor, township)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("请说明切换原因（至少4个字）。")})
    if to_mode not in OperatingMode.values:
        raise ValidationError({"to_mode": _("运行模式只能是“平时按分工”或“紧时有统筹”。")})
    with transaction.atomic():
        TownshipMode.objects.get_or_create(township=township)
        current = TownshipMode.objects.select_for_update().get(township=township)
        if current.mode == to_mode:
            raise ValidationError({"to_mode": _("%(t)s已处于“%(m)s”模式。") % {"t": township.name,
                                                                          "m": OperatingMode(to_mode).label}})
        now = timezone.now()
        switch = ModeSwitch.objects.create(township=township, from_mode=current.mode, to_mode=to_mode, reason=reason,
                                           actor=actor if getattr(actor, "pk", None) else None, at=now)
        TownshipMode.objects.filter(pk=current.pk).update(mode=to_mode, changed_at=now)
        audit_record(actor=actor, action="township.mode_switch", obj=township, from_state=current.mode,
                     to_state=to_mode, reason=reason)
    return switch


# --- Staff assignments --------------------------------------------------------------------------

def staff_assign(*, actor, user, center: Center, start_date: dt.date, original_unit: str = "",
                 original_post: str = "", establishment: str = "", note: str = "") -> StaffAssignment:
    """Assign a township cadre to a center, or move them; the original unit/post/establishment stay
    as first recorded (不改变原有机构设置和人员编制)."""
    township = center.township
    require_region(actor, township, COUNTY | TOWNSHIP)
    if not RoleAssignment.objects.current().filter(user=user, role__in=TOWNSHIP,
                                         region__path__startswith=township.path).exists():
        raise ValidationError({"user": _("%(n)s不是%(t)s的干部，不能派驻其中心。") % {"n": _name(user), "t": township.name}})
    with transaction.atomic():
        first = StaffAssignment.objects.filter(user=user).order_by("start_date", "id").first()
        current = StaffAssignment.objects.select_for_update().filter(user=user, end_date__isnull=True).first()
        if first is not None:
            given = {"original_unit": original_unit, "original_post": original_post, "establishment": establishment}
            changed = {k: _("原单位、原职务和编制性质不随派驻改变，以首次登记为准。") for k, v in given.items()
                       if v and v != getattr(first, k)}
            if changed:
                raise ValidationError(changed)
            original_unit, original_post, establishment = first.original_unit, first.original_post, first.establishment
        errors = {}
        if not original_unit.strip():
            errors["original_unit"] = _("请填写原单位。")
        if not original_post.strip():
            errors["original_post"] = _("请填写原职务。")
        if establishment not in StaffAssignment.Establishment.values:
            errors["establishment"] = _("请选择编制性质。")
        if errors:
            raise ValidationError(errors)
        if current is not None:
            if current.center_id == center.pk:
                raise ValidationError({"center": _("%(n)s已在%(c)s。") % {"n": _name(user), "c": center}})
            if start_date <= current.start_date:
                raise ValidationError({"start_date": _("调整日期须晚于当前派驻的起始日期（%(d)s）。")
                                       % {"d": current.start_date.isoformat()}})
            StaffAssignment.objects.filter(pk=current.pk).update(end_date=start_date - dt.timedelta(days=1))
            audit_record(actor=actor, action="staff_assignment.end", obj=current, region=township, from_state="current",
                         to_state="ended")
        assignment = StaffAssignment.objects.create(
            user=user, township=township, center=center, original_unit=original_unit.strip(),
            original_post=original_post.strip(), establishment=establishment, start_date=start_date, note=note,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(actor=actor, action="staff_assignment.create", obj=assignment, region=township,
                     to_state=center.kind, data={"from_center": current.center_id if current else None})
    return assignment


def staff_assignment_end(*, actor, assignment_id: int, end_date: dt.date) -> StaffAssignment:
    with transaction.atomic():
        assignment = get_for_update(StaffAssignment, actor, assignment_id, "change")
        if assignment.end_date is not None:
            raise ValidationError(_("该派驻已结束。"))
        if end_date < assignment.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于起始日期。")})
        StaffAssignment.objects.filter(pk=assignment.pk).update(end_date=end_date)
        assignment.refresh_from_db()
        audit_record(actor=actor, action="staff_assignment.end", obj=assignment, region=assignment.township,
                     from_state="current", to_state="ended")
    return assignment


# --- Clusters and village contacts (联片包村) -------------------------------------------------------

def cluster_create(*, actor, township: Region, name: str, leader=None, cadres=()) -> Cluster:
    _require_township(township)
    require_region(actor, township, COUNTY | TOWNSHIP)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写片区名称。")})
    staff_ids = set(StaffAssignment.objects.filter(township=township, end_date__isnull=True).values_list("user_id", flat=True))
    people = list(cadres) + ([leader] if leader else [])
    outsiders = [_name(u) for u in people if u.pk not in staff_ids]
    if outsiders:
        raise ValidationError({"cadres": _("以下人员未派驻本乡镇（街道）中心：%(n)s") % {"n": "、".join(outsiders)}})
    with transaction.atomic():
        if Cluster.objects.filter(township=township, name=name).exists():
            raise ValidationError({"name": _("本乡镇已有同名片区。")})
        cluster = Cluster.objects.create(township=township, name=name, leader=leader)
        cluster.cadres.set(people)
        audit_record(actor=actor, action="cluster.create", obj=cluster, region=township)
    return cluster


def village_contact_set(*, actor, village: Region, cadre, cluster: Cluster | None = None,
                        since: dt.date | None = None) -> VillageContact:
    """Every village has exactly one contact cadre from its township; a second one is refused."""
    _require_village(village)
    township = village.parent
    require_region(actor, township, COUNTY | TOWNSHIP)
    if not StaffAssignment.objects.filter(user=cadre, township=township, end_date__isnull=True).exists():
        raise ValidationError({"cadre": _("联系干部须是派驻%(t)s中心的干部。") % {"t": township.name}})
    if cluster is not None and cluster.township_id != township.pk:
        raise ValidationError({"cluster": _("片区须属于%(t)s。") % {"t": township.name}})
    existing = VillageContact.objects.filter(village=village).select_related("cadre").first()
    if existing is not None:
        raise ValidationError({"village": _("%(v)s已有联系干部%(n)s；每个村只能有一名联系干部，请先解除现有联系。")
                               % {"v": village.name, "n": _name(existing.cadre)}})
    try:
        with transaction.atomic():
            contact = VillageContact.objects.create(village=village, cadre=cadre, cluster=cluster,
                                                    since=since or timezone.localdate())
            if cluster is not None:
                cluster.cadres.add(cadre)
            audit_record(actor=actor, action="village_contact.set", obj=contact, region=village,
                         data={"cadre": cadre.pk})
    except IntegrityError:  # someone set one at the same moment
        raise ValidationError({"village": _("%(v)s已有联系干部；每个村只能有一名联系干部。") % {"v": village.name}})
    return contact


def village_contact_remove(*, actor, contact_id: int, reason: str) -> VillageContact:
    """The contact ends; the answer is the contact as it was (the API shows what was removed)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请说明解除原因。")})
    with transaction.atomic():
        contact = load_for(VillageContact, actor, contact_id, "change", lock=True, related=("village", "cadre"))
        audit_record(actor=actor, action="village_contact.remove", obj=contact, region=contact.village, reason=reason)
        pk = contact.pk
        contact.delete()
        contact.pk = pk
    return contact


# --- Party organisations, members, pioneer posts -------------------------------------------------

def party_organization_create(*, actor, name: str, kind: str, region: Region,
                              parent: PartyOrganization | None = None) -> PartyOrganization:
    require_region(actor, region, MANAGERS)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写组织名称。")})
    if kind == PartyOrganization.Kind.WORKING_COMMITTEE and region.kind != Region.Kind.SUBDISTRICT:
        raise ValidationError({"kind": _("“大工委”只设在街道。")})
    if kind == PartyOrganization.Kind.GRAND_COMMITTEE and region.kind != Region.Kind.COMMUNITY:
        raise ValidationError({"kind": _("“大党委”只设在社区。")})
    if parent is not None and not region.path.startswith(parent.region.path):
        raise ValidationError({"parent": _("上级组织须在本区域或其上级区域。")})
    with transaction.atomic():
        if PartyOrganization.objects.filter(region=region, name=name).exists():
            raise ValidationError({"name": _("该区域已有同名党组织。")})
        org = PartyOrganization.objects.create(name=name, kind=kind, region=region, parent=parent)
        audit_record(actor=actor, action="party_organization.create", obj=org)
    return org


def committee_seat_add(*, actor, organization: PartyOrganization, person_name: str, title: str = "委员",
                       part_time: bool = False, unit: Unit | None = None) -> CommitteeSeat:
    rules.ORGANIZATION["seat_add"].check(actor, organization)
    if not (person_name or "").strip():
        raise ValidationError({"person_name": _("请填写姓名。")})
    if part_time and unit is None:
        raise ValidationError({"unit": _("兼职委员须来自共驻共建单位，请选择其所在单位。")})
    if unit is not None and not unit.active:
        raise ValidationError({"unit": _("该单位已不在册。")})
    if unit is not None and not co_building_units(organization=organization).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("兼职委员须来自本乡镇（街道）或县直的共驻共建单位。")})
    with transaction.atomic():
        seat = CommitteeSeat.objects.create(organization=organization, person_name=person_name.strip(),
                                            title=(title or "委员").strip(), part_time=part_time, unit=unit)
        audit_record(actor=actor, action="committee_seat.add", obj=seat, region=organization.region)
    return seat


def committee_seat_remove(*, actor, seat_id: int, reason: str) -> None:
    """A member leaves the committee (换届, 调离): the seat goes, the audit entry keeps who and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写原因。")})
    with transaction.atomic():
        seat = load_for(CommitteeSeat, actor, seat_id, lock=True, related=("organization__region",))
        organization = seat.organization
        rules.ORGANIZATION["seat_add"].check(actor, organization)
        audit_record(actor=actor, action="committee_seat.remove", obj=seat, region=organization.region,
                     from_state=seat.title, reason=reason[:300])
        seat.delete()


def party_member_create(*, actor, resident: Resident, organization: PartyOrganization, joined_on: dt.date,
                        membership: str = PartyMember.Membership.FULL, in_service: bool = False,
                        work_unit: str = "") -> PartyMember:
    require_region(actor, organization.region, MANAGERS)
    if not resident.region.path.startswith(organization.region.path):
        raise ValidationError({"resident": _("%(n)s不住在%(o)s所在区域。") % {"n": resident.name, "o": organization.name}})
    if in_service and not work_unit.strip():
        raise ValidationError({"work_unit": _("在职党员须填写工作单位。")})
    if joined_on > timezone.localdate():
        raise ValidationError({"joined_on": _("入党日期不能晚于今天。")})
    with transaction.atomic():
        if PartyMember.objects.filter(resident=resident).exists():
            raise ValidationError({"resident": _("%(n)s已登记为党员。") % {"n": resident.name}})
        member = PartyMember.objects.create(resident=resident, organization=organization, region=organization.region,
                                            membership=membership, joined_on=joined_on, in_service=in_service,
                                            work_unit=work_unit.strip())
        Resident.objects.filter(pk=resident.pk).update(is_party_member=True)
        audit_record(actor=actor, action="party_member.create", obj=member, region=organization.region,
                     to_state=membership)
    return member


def pioneer_post_assign(*, actor, region: Region, kind: str, member: PartyMember) -> PioneerPost:
    require_region(actor, region, MANAGERS)
    expected = PioneerPost.LEVEL_OF_KIND.get(kind)
    if expected is None:
        raise ValidationError({"kind": _("请选择先锋岗位。")})
    if region.level != expected:
        raise ValidationError({"region": _("“%(k)s”岗位须设在%(l)s一级。") % {
            "k": PioneerPost.Kind(kind).label, "l": Region.Level(expected).label}})
    if not member.active:
        raise ValidationError({"member": _("该党员已不在册。")})
    with transaction.atomic():
        if PioneerPost.objects.filter(region=region, kind=kind, member=member).exists():
            raise ValidationError({"member": _("该党员已在此岗位。")})
        post = PioneerPost.objects.create(region=region, kind=kind, member=member)
        audit_record(actor=actor, action="pioneer_post.assign", obj=post, region=region)
    return post


# --- Development pipeline 村培镇管县备案 -------------------------------------------------------------

def _check_mentor(mentor: PartyMember | None, village: Region) -> None:
    if mentor is None:
        raise ValidationError({"mentor": _("每名发展对象须有一名培养联系人（导师）。")})
    if mentor.membership != PartyMember.Membership.FULL or not mentor.active:
        raise ValidationError({"mentor": _("导师须是在册的正式党员，%(n)s不是。") % {"n": mentor.resident.name}})
    if not mentor.region.path.startswith(village.township_path):
        raise ValidationError({"mentor": _("导师须是本乡镇（街道）的党员。")})


def candidate_create(*, actor, resident: Resident, organization: PartyOrganization, applied_on: dt.date,
                     mentor: PartyMember) -> Candidate:
    """The village registers an applicant (入党申请人) with a mentor (导师帮带)."""
    village = resident.region.ancestor_at(Region.Level.VILLAGE) if resident.region.level > Region.Level.VILLAGE else resident.region
    if village is None or village.level != Region.Level.VILLAGE:
        raise ValidationError({"resident": _("该居民不属于任何村（社区）。")})
    require_region(actor, village, MANAGERS)
    if not village.path.startswith(organization.region.path) and not organization.region.path.startswith(village.path):
        raise ValidationError({"organization": _("培养支部须是本村（社区）或其上级的党组织。")})
    if applied_on > timezone.localdate():
        raise ValidationError({"applied_on": _("申请日期不能晚于今天。")})
    _check_mentor(mentor, village)
    if PartyMember.objects.filter(resident=resident).exists():
        raise ValidationError({"resident": _("%(n)s已是党员。") % {"n": resident.name}})
    if resident.age < 18:
        raise ValidationError({"resident": _("申请入党须年满十八岁。")})
    with transaction.atomic():
        if Candidate.objects.filter(resident=resident).exists():
            raise ValidationError({"resident": _("%(n)s已在发展档案中。") % {"n": resident.name}})
        candidate = Candidate.objects.create(resident=resident, village=village, organization=organization,
                                             stage=Stage.APPLICANT, stage_since=applied_on, mentor=mentor)
        audit_record(actor=actor, action="candidate.create", obj=candidate, region=village, to_state=Stage.APPLICANT)
    return candidate


def candidate_set_mentor(*, actor, candidate_id: int, mentor: PartyMember) -> Candidate:
    with transaction.atomic():
        candidate = get_for_update(Candidate, actor, candidate_id, "change")
        _check_mentor(mentor, candidate.village)
        old = candidate.mentor_id
        Candidate.objects.filter(pk=candidate.pk).update(mentor=mentor)
        candidate.refresh_from_db()
        audit_record(actor=actor, action="candidate.mentor", obj=candidate, region=candidate.village,
                     data={"from": old, "to": mentor.pk})
    return candidate


def stage_wait(candidate: Candidate, to_stage: str, on: dt.date) -> tuple[int, int]:
    """(days required, days waited) before `to_stage` on date `on`."""
    required = StageRule.objects.filter(to_stage=to_stage).values_list("min_days", flat=True).first() or 0
    return required, (on - candidate.stage_since).days


def _read_gates(step: PipelineStep, actor, phase: str, override_reason: str = "") -> list[PipelineGateCheck]:
    """Every gate reader's view of the applicant now (centers/gates.py), recorded on the step; returns the
    rows whose rule is not met."""
    rows = [PipelineGateCheck(step=step, phase=phase, gate=r.gate, seen=r.seen[:200], rule=r.rule[:200],
                              passed=r.passed, reference=r.reference[:60], checked_by=actor,
                              override_reason="" if r.passed else override_reason[:500])
            for r in gates.read(actor=actor, candidate=step.candidate, phase=phase)]
    PipelineGateCheck.objects.bulk_create(rows)
    return [r for r in rows if not r.passed]


def _unmet(rows: list[PipelineGateCheck]) -> str:
    return "；".join(_("%(seen)s，不符合“%(rule)s”") % {"seen": r.seen, "rule": r.rule} for r in rows)


def step_propose(*, actor, candidate_id: int, step_date: dt.date, note: str = "") -> PipelineStep:
    """村培: the village secretary proposes the next step; a step taken too early is refused."""
    with transaction.atomic():
        candidate = load_for(Candidate, actor, candidate_id, lock=True, related=("village", "resident", "mentor"))
        rules.CANDIDATE["propose"].check(actor, candidate)
        to_stage = candidate.next_stage
        if step_date > timezone.localdate():
            raise ValidationError({"step_date": _("日期不能晚于今天。")})
        required, waited = stage_wait(candidate, to_stage, step_date)
        if waited < required:
            earliest = candidate.stage_since + dt.timedelta(days=required)
            raise ValidationError({"step_date": _(
                "成为“%(from)s”仅%(waited)d天，按规定须满%(required)d天才能成为“%(to)s”，最早%(earliest)s。") % {
                "from": Stage(candidate.stage).label, "to": Stage(to_stage).label, "waited": max(waited, 0),
                "required": required, "earliest": earliest.isoformat()}})
        _check_mentor(candidate.mentor, candidate.village)
        if PipelineStep.objects.filter(candidate=candidate, status=PipelineStep.Status.PROPOSED).exists():
            raise ValidationError(_("该发展对象已有待审批的步骤。"))
        step = PipelineStep.objects.create(
            candidate=candidate, from_stage=candidate.stage, to_stage=to_stage, step_date=step_date,
            required_days=required, waited_days=waited, note=note, proposed_by=actor,
        )
        # What the gates see is recorded; a rule not met holds the step at the township (step_approve).
        step.unmet = _read_gates(step, actor, PipelineGateCheck.Phase.PROPOSE)
        audit_record(actor=actor, action="pipeline.propose", obj=candidate, region=candidate.village,
                     from_state=candidate.stage, to_state=to_stage,
                     data={"unmet": [r.gate for r in step.unmet]} if step.unmet else None)
    return step


def _step_for(name: str, actor, step_id: int) -> PipelineStep:
    """The pipeline step `name` is about, locked (404 out of sight), checked against its rule (403 not allowed,
    409 when it was decided meanwhile)."""
    step = load_for(PipelineStep, actor, step_id, lock=True, related=("candidate__village", "candidate__resident"))
    rules.PIPELINE_STEP[name].check(actor, step)
    return step


def _step_move(step: PipelineStep, name: str, **fields) -> None:
    if not PipelineStep.objects.filter(pk=step.pk, status__in=list(rules.PIPELINE_STEP[name].states)).update(**fields):
        raise Conflict(rules.PIPELINE_STEP[name].refusal % {"status": step.get_status_display()})


def step_approve(*, actor, step_id: int, override_reason: str = "") -> PipelineStep:
    """镇管: the township approves; the person's stage changes (becoming a member at 预备党员). The gates read
    the applicant again; a rule not met blocks the approval with the reason — unless the township states why
    it approves all the same (`override_reason`, recorded on the gate's row). The reading is kept even when
    the approval is blocked: the resident sees that their grade was read."""
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        step = _step_for("approve", actor, step_id)
        unmet = _read_gates(step, actor, PipelineGateCheck.Phase.APPROVE, override_reason)
    if unmet and not override_reason:
        raise ValidationError({"override_reason": _("%(unmet)s。如确需审批，请说明理由（将记录在案，县级备案时可见）。")
                               % {"unmet": _unmet(unmet)}})
    with transaction.atomic():
        step = _step_for("approve", actor, step_id)
        candidate = step.candidate
        required, waited = stage_wait(candidate, step.to_stage, step.step_date)
        if waited < required:  # the rule may have been tightened since the proposal
            raise ValidationError(_("按现行规定须满%(r)d天，实际%(w)d天，不能审批。") % {"r": required, "w": waited})
        _step_move(step, "approve", status=PipelineStep.Status.APPROVED, approved_by=actor, approved_at=timezone.now())
        if not Candidate.objects.filter(pk=candidate.pk, stage=step.from_stage).update(
                stage=step.to_stage, stage_since=step.step_date):
            raise Conflict()
        if step.to_stage == Stage.PROBATIONARY:
            PartyMember.objects.create(resident=candidate.resident, organization=candidate.organization,
                                       region=candidate.organization.region, joined_on=step.step_date,
                                       membership=PartyMember.Membership.PROBATIONARY)
            Resident.objects.filter(pk=candidate.resident_id).update(is_party_member=True)
        elif step.to_stage == Stage.FULL:
            PartyMember.objects.filter(resident=candidate.resident).update(membership=PartyMember.Membership.FULL)
        step.refresh_from_db()
        audit_record(actor=actor, action="pipeline.approve", obj=candidate, region=candidate.village,
                     from_state=step.from_stage, to_state=step.to_stage, reason=override_reason if unmet else "",
                     data={"override": [r.gate for r in unmet]} if unmet else None)
        notify([step.proposed_by] if step.proposed_by_id else [],
               title=_("发展步骤已审批：%(s)s") % {"s": step}, url=candidate.get_absolute_url())
    return step


def step_reject(*, actor, step_id: int, reason: str) -> PipelineStep:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请说明退回原因。")})
    with transaction.atomic():
        step = _step_for("reject", actor, step_id)
        _step_move(step, "reject", status=PipelineStep.Status.REJECTED, approved_by=actor, approved_at=timezone.now(),
                   note=reason[:300])
        step.refresh_from_db()
        audit_record(actor=actor, action="pipeline.reject", obj=step.candidate, region=step.candidate.village,
                     from_state=PipelineStep.Status.PROPOSED, to_state=PipelineStep.Status.REJECTED, reason=reason)
    return step


def step_file(*, actor, step_id: int) -> PipelineStep:
    """县备案: the county organisation department files an approved step."""
    with transaction.atomic():
        step = _step_for("file", actor, step_id)
        # The county files what the township decided; what the gates see now is recorded beside it.
        _read_gates(step, actor, PipelineGateCheck.Phase.FILE)
        _step_move(step, "file", status=PipelineStep.Status.FILED, filed_by=actor, filed_at=timezone.now())
        step.refresh_from_db()
        audit_record(actor=actor, action="pipeline.file", obj=step.candidate, region=step.candidate.village,
                     from_state=PipelineStep.Status.APPROVED, to_state=PipelineStep.Status.FILED)
    return step


# --- Reserve cadres -----------------------------------------------------------------------------

def reserve_add(*, actor, village: Region, resident: Resident, kind: str = ReserveCadre.Kind.RESERVE,
                since: dt.date | None = None) -> ReserveCadre:
    _require_village(village)
    require_region(actor, village, MANAGERS)
    if not resident.region.path.startswith(village.path):
        raise ValidationError({"resident": _("%(n)s不是%(v)s的居民。") % {"n": resident.name, "v": village.name}})
    if kind not in ReserveCadre.Kind.values:
        raise ValidationError({"kind": _("请选择类别。")})
    with transaction.atomic():
        if ReserveCadre.objects.filter(village=village, resident=resident, left_on__isnull=True).exists():
            raise ValidationError({"resident": _("%(n)s已在后备力量库中。") % {"n": resident.name}})
        entry = ReserveCadre.objects.create(village=village, resident=resident, kind=kind,
                                            since=since or timezone.localdate())
        audit_record(actor=actor, action="reserve.add", obj=entry, region=village, to_state=kind)
    return entry


def reserve_remove(*, actor, reserve_id: int, reason: str, on: dt.date | None = None) -> ReserveCadre:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请说明出库原因。")})
    with transaction.atomic():
        entry = get_for_update(ReserveCadre, actor, reserve_id, "change")
        if entry.left_on is not None:
            raise ValidationError(_("该人员已出库。"))
        ReserveCadre.objects.filter(pk=entry.pk).update(left_on=on or timezone.localdate(), left_reason=reason.strip())
        entry.refresh_from_db()
        audit_record(actor=actor, action="reserve.remove", obj=entry, region=entry.village, reason=reason)
    return entry


def reserves_check(*, progress=None) -> dict:
    """The scheduled check (idempotent): keep one ReserveShortfall row per village below the minimum,
    drop the rows of villages back at it, and tell each newly short village's secretary once."""
    from .models import RESERVE_MINIMUM, ReserveShortfall
    from .selectors import villages_with_reserve_counts

    villages = villages_with_reserve_counts(Region.objects.filter(level=Region.Level.VILLAGE))
    short = dict(villages.filter(reserve_count__lt=RESERVE_MINIMUM).values_list("pk", "reserve_count"))
    with transaction.atomic():
        cleared, _n = ReserveShortfall.objects.exclude(village_id__in=list(short)).delete()
        existing = set(ReserveShortfall.objects.filter(village_id__in=list(short)).values_list("village_id", flat=True))
        ReserveShortfall.objects.bulk_create(
            [ReserveShortfall(village_id=v, count=c) for v, c in short.items() if v not in existing])
        for count in set(short.values()):
            ReserveShortfall.objects.filter(village_id__in=[v for v, c in short.items() if c == count]).exclude(
                count=count).update(count=count)
        pending = list(ReserveShortfall.objects.filter(notified=False).select_related("village"))
        secretaries = office_users([s.village_id for s in pending], {Role.VILLAGE_SECRETARY})
        for s in pending:
            notify(secretaries.get(s.village_id, []),
                   title=_("%(v)s后备干部和入党积极分子不足%(m)d人（现有%(c)d人）") % {
                       "v": s.village.name, "m": RESERVE_MINIMUM, "c": s.count})
        ReserveShortfall.objects.filter(pk__in=[s.pk for s in pending]).update(notified=True)
    result = {"villages": villages.count(), "short": len(short), "cleared": cleared, "notified": len(pending)}
    if progress is not None:
        progress.set(result["villages"], result["villages"])
        progress.result.update(result)
    return result


# --- Training -----------------------------------------------------------------------------------

def course_create(*, actor, title: str, level: str, region: Region, description: str = "") -> Course:
    require_region(actor, region, COUNTY | TOWNSHIP)
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写课程名称。")})
    with transaction.atomic():
        course = Course.objects.create(title=title.strip(), level=level, region=region, description=description)
        audit_record(actor=actor, action="course.create", obj=course)
    return course


def session_create(*, actor, course: Course, region: Region, date: dt.date, hours: Decimal,
                   location: str = "") -> TrainingSession:
    require_region(actor, region, COUNTY | TOWNSHIP)
    if not region.path.startswith(course.region.path):
        raise ValidationError({"region": _("班次须在课程主办区域内举办。")})
    if not (Decimal("0") < Decimal(hours) <= Decimal("24")):
        raise ValidationError({"hours": _("学时须在0到24之间。")})
    with transaction.atomic():
        session = TrainingSession.objects.create(course=course, region=region, date=date, hours=hours, location=location)
        audit_record(actor=actor, action="training_session.create", obj=session)
    return session


def attendance_record_bulk(*, actor, session: TrainingSession, residents) -> int:
    """Bulk attendance for one session: one INSERT; people already recorded are skipped."""
    require_region(actor, session.region, COUNTY | TOWNSHIP)
    residents = list(residents)
    if not residents:
        raise ValidationError({"residents": _("请至少选择一名学员。")})
    outside = [r.name for r in residents if not r.region.path.startswith(session.region.path)]
    if outside:
        raise ValidationError({"residents": _("以下人员不在本班次举办区域内：%(n)s") % {"n": "、".join(outside[:10])}})
    village_ids = dict(Region.objects.filter(path__in={r.region.village_path for r in residents})
                       .values_list("path", "pk"))
    with transaction.atomic():
        before = Attendance.objects.filter(session=session).count()
        Attendance.objects.bulk_create(
            [Attendance(session=session, resident=r, hours=session.hours, year=session.date.year,
                        region_id=village_ids.get(r.region.village_path, r.region_id)) for r in residents],
            ignore_conflicts=True,
        )
        added = Attendance.objects.filter(session=session).count() - before
        audit_record(actor=actor, action="attendance.bulk", obj=session, region=session.region, data={"added": added})
    return added


# --- 两委, 两考一评, 头雁工程 ----------------------------------------------------------------------

def committee_post_set(*, actor, village: Region, resident: Resident, body: str, post: str,
                       since: dt.date | None = None) -> CommitteePost:
    _require_village(village)
    require_region(actor, village, COUNTY | TOWNSHIP)
    if not resident.region.path.startswith(village.path):
        raise ValidationError({"resident": _("%(n)s不是%(v)s的居民。") % {"n": resident.name, "v": village.name}})
    with transaction.atomic():
        if post == CommitteePost.Post.HEAD:
            holder = CommitteePost.objects.filter(village=village, body=body, post=post).select_related("resident").first()
            if holder is not None:
                raise ValidationError({"post": _("%(b)s的主要负责人已是%(n)s，请先免去其职务。") % {
                    "b": CommitteePost.Body(body).label, "n": holder.resident.name}})
        if CommitteePost.objects.filter(village=village, body=body, resident=resident).exists():
            raise ValidationError({"resident": _("%(n)s已在%(b)s任职。") % {"n": resident.name,
                                                                      "b": CommitteePost.Body(body).label}})
        cp = CommitteePost.objects.create(village=village, resident=resident, body=body, post=post,
                                          since=since or timezone.localdate())
        audit_record(actor=actor, action="committee_post.set", obj=cp, region=village)
    return cp


# Not called yet: a 两委 post can be set but no page ends it (a term change); kept for that button.
def committee_post_end(*, actor, post_id: int) -> None:
    with transaction.atomic():
        cp = get_for_update(CommitteePost, actor, post_id, "change")
        audit_record(actor=actor, action="committee_post.end", obj=cp, region=cp.village)
        cp.delete()


def stars_for(exam_average: Decimal, evaluation: Decimal) -> int:
    rule = (StarRule.objects.filter(min_exam_average__lte=exam_average, min_evaluation__lte=evaluation)
            .order_by("-stars").first())
    return rule.stars if rule else 1


def secretary_rate(*, actor, village: Region, year: int, exam_theory: Decimal, exam_practice: Decimal,
                   evaluation: Decimal) -> SecretaryRating:
    """两考一评 → stars by the county's rule table. A re-rating of the same year keeps the old one in the log."""
    _require_village(village)
    require_region(actor, village, COUNTY)
    errors = {f: _("分数须在0到100之间。") for f, v in
              (("exam_theory", exam_theory), ("exam_practice", exam_practice), ("evaluation", evaluation))
              if not (0 <= Decimal(v) <= 100)}
    if errors:
        raise ValidationError(errors)
    secretary = CommitteePost.objects.filter(village=village, body=CommitteePost.Body.PARTY,
                                             post=CommitteePost.Post.HEAD).select_related("resident").first()
    if secretary is None:
        raise ValidationError({"village": _("%(v)s未登记党组织书记，请先在“两委”中登记。") % {"v": village.name}})
    exam_average = (Decimal(exam_theory) + Decimal(exam_practice)) / 2
    stars = stars_for(exam_average, Decimal(evaluation))
    with transaction.atomic():
        previous = SecretaryRating.objects.select_for_update().filter(village=village, year=year).first()
        values = {"secretary": secretary.resident, "exam_theory": exam_theory, "exam_practice": exam_practice,
                  "evaluation": evaluation, "stars": stars, "rated_by": actor, "rated_at": timezone.now()}
        if previous is None:
            rating = SecretaryRating.objects.create(village=village, year=year, **values)
        else:
            SecretaryRating.objects.filter(pk=previous.pk).update(**values)
            rating = SecretaryRating.objects.get(pk=previous.pk)
        audit_record(actor=actor, action="secretary.rate", obj=rating, region=village,
                     from_state=str(previous.stars) if previous else "", to_state=str(stars),
                     data={"previous": {"exam_theory": str(previous.exam_theory), "exam_practice": str(previous.exam_practice),
                                        "evaluation": str(previous.evaluation)} if previous else None})
    return rating


def lead_goose_mark(*, actor, village: Region, measure: LeadGooseMeasure, year: int, done: bool,
                    note: str = "") -> LeadGooseMark:
    _require_village(village)
    require_region(actor, village, COUNTY)
    if not measure.active:
        raise ValidationError({"measure": _("该措施已停用。")})
    with transaction.atomic():
        mark, _created = LeadGooseMark.objects.update_or_create(
            measure=measure, village=village, year=year,
            defaults={"done": done, "note": note, "marked_by": actor, "marked_at": timezone.now()})
        audit_record(actor=actor, action="lead_goose.mark", obj=mark, region=village, to_state="done" if done else "open")
    return mark


# --- The county's rule tables -------------------------------------------------------------------

def _require_county(actor) -> None:
    if not rules.sets_county_rules(actor):
        raise PermissionDenied(_("规则由县委组织部设置。"))


def stage_rule_set(*, actor, rule_id: int, min_days: int, basis: str = "") -> StageRule:
    _require_county(actor)
    if min_days < 0 or min_days > 3650:
        raise ValidationError({"min_days": _("间隔须在0到3650天之间。")})
    with transaction.atomic():
        rule = StageRule.objects.select_for_update().get(pk=rule_id)
        old = rule.min_days
        StageRule.objects.filter(pk=rule.pk).update(min_days=min_days, basis=basis.strip())
        rule.refresh_from_db()
        audit_record(actor=actor, action="stage_rule.set", obj=rule, from_state=str(old), to_state=str(min_days))
    return rule


def star_rule_set(*, actor, rule_id: int, min_exam_average: Decimal, min_evaluation: Decimal) -> StarRule:
    _require_county(actor)
    errors = {f: _("分数须在0到100之间。") for f, v in (("min_exam_average", min_exam_average),
                                                  ("min_evaluation", min_evaluation)) if not (0 <= Decimal(v) <= 100)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rule = StarRule.objects.select_for_update().get(pk=rule_id)
        lower = StarRule.objects.filter(stars__lt=rule.stars).order_by("-stars").first()
        higher = StarRule.objects.filter(stars__gt=rule.stars).order_by("stars").first()
        if (lower and (min_exam_average < lower.min_exam_average or min_evaluation < lower.min_evaluation)) or (
                higher and (min_exam_average > higher.min_exam_average or min_evaluation > higher.min_evaluation)):
            raise ValidationError(_("星级越高门槛越高：%(s)d星的分数线须介于相邻星级之间。") % {"s": rule.stars})
        old = f"{rule.min_exam_average}/{rule.min_evaluation}"
        StarRule.objects.filter(pk=rule.pk).update(min_exam_average=min_exam_average, min_evaluation=min_evaluation)
        rule.refresh_from_db()
        audit_record(actor=actor, action="star_rule.set", obj=rule, from_state=old,
                     to_state=f"{min_exam_average}/{min_evaluation}")
    return rule


def training_requirement_set(*, actor, year: int, hours: Decimal):
    from .models import TrainingRequirement

    _require_county(actor)
    if not (Decimal("0") < Decimal(hours) <= Decimal("500")):
        raise ValidationError({"hours": _("学时须在0到500之间。")})
    with transaction.atomic():
        req, _created = TrainingRequirement.objects.update_or_create(year=year, defaults={"hours": hours})
        audit_record(actor=actor, action="training_requirement.set", obj=req, to_state=str(hours))
    return req


def lead_goose_measure_add(*, actor, name: str) -> LeadGooseMeasure:
    _require_county(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写措施名称。")})
    with transaction.atomic():
        if LeadGooseMeasure.objects.filter(name=name).exists():
            raise ValidationError({"name": _("已有同名措施。")})
        last = LeadGooseMeasure.objects.order_by("-order").values_list("order", flat=True).first() or 0
        measure = LeadGooseMeasure.objects.create(name=name, order=last + 1)
        audit_record(actor=actor, action="lead_goose_measure.add", obj=measure)
    return measure
