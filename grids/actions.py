"""Writes of grids/: keyword-only, validated, scoped inside the transaction, one history row per change."""
from __future__ import annotations

import datetime as dt
from functools import partial
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from centers.models import WorkCategory
from centers.workitems import Arrival, CenterDirectory, open_work_items
from governance.attachments import attachment_add
from governance.audit import audit_record, audit_record_many, notify
from governance.errors import Conflict
from governance.models import Household, Region, Resident
from governance.offline import once_for_key, replayed
from governance.scoping import MANAGERS, STAFF_ROLES, Role, load_for, region_allows, require_region, user_roles
from governance.selectors import office_users

from . import hooks, rules
from .models import (
    ACTIVE_STATUSES,
    LEVEL_HANDLERS,
    LEVEL_NOTIFY,
    EscalationSLA,
    Grid,
    GridMember,
    Issue,
    IssueEvent,
    IssueStatus,
    EscalationLevel,
    MajorEvent,
    MajorEventTask,
    Responsibility,
    Severity,
    Visit,
)

# Used when the county has not configured a level/severity (hours).
DEFAULT_SLA_HOURS = {
    (EscalationLevel.GRID, Severity.MINOR): 72, (EscalationLevel.GRID, Severity.HARD): 24, (EscalationLevel.GRID, Severity.MAJOR): 4,
    (EscalationLevel.VILLAGE, Severity.MINOR): 72, (EscalationLevel.VILLAGE, Severity.HARD): 48, (EscalationLevel.VILLAGE, Severity.MAJOR): 12,
    (EscalationLevel.TOWNSHIP, Severity.MINOR): 120, (EscalationLevel.TOWNSHIP, Severity.HARD): 72, (EscalationLevel.TOWNSHIP, Severity.MAJOR): 24,
    (EscalationLevel.COUNTY, Severity.MINOR): 240, (EscalationLevel.COUNTY, Severity.HARD): 120, (EscalationLevel.COUNTY, Severity.MAJOR): 48,
}
# Rows per sweep transaction. Measured at 20,000 overdue of 200,000 (bench): 500 → 2.2× the bare
# UPDATE + INSERT, 2,000 → 1.8×, 5,000 → 1.6×; 2,000 keeps a batch's row locks to ~0.1 s.
SWEEP_BATCH = 2000


def sla_table() -> dict[tuple[int, str], int]:
    table = dict(DEFAULT_SLA_HOURS)
    table.update({(lvl, sev): h for lvl, sev, h in EscalationSLA.objects.values_list("level", "severity", "hours")})
    return table


def deadline_for(level: int, severity: str, start: dt.datetime | None = None, table=None) -> dt.datetime:
    hours = (table or sla_table())[(level, severity)]
    return (start or timezone.now()) + dt.timedelta(hours=hours)


def _level_label(level: int) -> str:
    return str(EscalationLevel(level).label)


def _status_label(status: str) -> str:
    return str(IssueStatus(status).label)


# --- Grids and responsibility -----------------------------------------------------------------------

def grid_create_for_region(*, actor, region: Region) -> Grid | None:
    """Every group/compound is one grid (region_created hook; idempotent)."""
    if region.level != Region.Level.GROUP:
        return None
    grid, created = Grid.objects.get_or_create(region=region)
    if created:
        audit_record(actor=actor, action="grid.create", obj=grid, region=region)
    return grid


def grids_sync() -> int:
    """Create the missing grids for every group/compound in one statement (demo, data imports)."""
    missing = Region.objects.filter(level=Region.Level.GROUP, grid__isnull=True).values_list("pk", flat=True)
    created = Grid.objects.bulk_create([Grid(region_id=pk) for pk in missing], ignore_conflicts=True, batch_size=2000)
    return len(created)


def _check_party_member_in(resident: Resident, grid: Grid, field: str) -> None:
    if not resident.is_party_member:
        raise ValidationError({field: _("%(name)s不是党员，不能在网格中履职。") % {"name": resident.name}})
    if not resident.region.path.startswith(grid.region.village_path):
        raise ValidationError({field: _("%(name)s不是本村（社区）居民。") % {"name": resident.name}})


def _grid_for(step: str, actor, grid_id: int) -> Grid:
    """The grid a step is about, locked, checked against the step's rule (404 out of sight, 403 not allowed)."""
    grid = load_for(Grid, actor, grid_id, "view", lock=True, related=("region",))
    rules.GRID[step].check(actor, grid)
    return grid


def grid_member_add(*, actor, grid_id: int, resident: Resident, make_leader: bool = False) -> GridMember:
    """Put a party member of the village on duty in the grid; `make_leader` also makes them its leader."""
    if make_leader:
        grid = grid_leader_set(actor=actor, grid_id=grid_id, resident=resident)
        return GridMember.objects.select_related("resident").get(grid=grid, resident=resident)
    with transaction.atomic():
        grid = _grid_for("member_add", actor, grid_id)
        _check_party_member_in(resident, grid, "resident")
        member, created = GridMember.objects.get_or_create(grid=grid, resident=resident)
        if not created:
            raise ValidationError({"resident": _("%(name)s已是本网格党员。") % {"name": resident.name}})
        audit_record(actor=actor, action="grid.member_add", obj=grid, data={"resident": resident.pk})
    return member


def grid_leader_set(*, actor, grid_id: int, resident: Resident) -> Grid:
    with transaction.atomic():
        grid = _grid_for("member_add", actor, grid_id)
        _check_party_member_in(resident, grid, "resident")
        before = grid.leader_id
        grid.leader = resident
        grid.save(update_fields=["leader"])
        GridMember.objects.get_or_create(grid=grid, resident=resident)
        audit_record(actor=actor, action="grid.leader_set", obj=grid, from_state=str(before or ""),
                     to_state=str(resident.pk))
    return grid


def responsibility_assign(*, actor, grid_id: int, household: Household, member: Resident) -> Responsibility:
    """党员+责任户: make `member` the one responsible party member of `household` (replacing any other)."""
    with transaction.atomic():
        grid = load_for(Grid, actor, grid_id, "view", related=("region",))
        rules.GRID["responsibility_assign"].check(actor, grid)
        if not household.region.path.startswith(grid.region.path):
            raise ValidationError({"household": _("该户不在本网格内。")})
        if not GridMember.objects.filter(grid=grid, resident=member).exists():
            raise ValidationError({"member": _("%(name)s不是本网格的在岗党员。") % {"name": member.name}})
        existing = Responsibility.objects.select_for_update().filter(household=household).first()
        try:
            with transaction.atomic():
                if existing is None:
                    resp = Responsibility.objects.create(household=household, grid=grid, member=member)
                else:
                    existing.member, existing.grid, existing.assigned_at = member, grid, timezone.now()
                    existing.save(update_fields=["member", "grid", "assigned_at"])
                    resp = existing
        except IntegrityError:
            raise ValidationError({"household": _("该户刚刚已由他人分配责任党员，请刷新后查看。")}) from None
        audit_record(actor=actor, action="grid.responsibility_assign", obj=grid,
                     from_state=str(existing.member_id if existing else ""), to_state=str(member.pk),
                     data={"household": household.pk})
    return resp


# --- Issues ---------------------------------------------------------------------------------------

def _level_region_id(level: int, *, region_id: int, village_id: int, township_id: int, county_id: int | None) -> int | None:
    return {EscalationLevel.GRID: region_id, EscalationLevel.VILLAGE: village_id, EscalationLevel.TOWNSHIP: township_id, EscalationLevel.COUNTY: county_id}[level]


def _county_id() -> int | None:
    return Region.objects.filter(level=Region.Level.COUNTY).values_list("pk", flat=True).first()


def _offices(levels_regions: dict[int, set[int]]) -> dict[int, dict[int, list[int]]]:
    """{level: {region id: [user ids]}}: whom to tell when issues arrive at each level in each region — the
    level's office there (LEVEL_NOTIFY). One office_users() query for all levels: each level's regions are of
    their own region level, and a role is held only at its own region level (RoleAssignment.ROLE_LEVELS),
    so the union of the levels' roles finds exactly each level's office."""
    region_ids = set().union(*levels_regions.values()) - {None} if levels_regions else set()
    roles = set().union(*(LEVEL_NOTIFY[level] for level in levels_regions)) if levels_regions else set()
    found = office_users(region_ids, roles)
    return {level: {r: found[r] for r in region_ids_ if r in found} for level, region_ids_ in levels_regions.items()}


def _notify_arrival(issue: Issue, level: int, title: str) -> None:
    county_id = _county_id() if level == EscalationLevel.COUNTY else None
    region_id = _level_region_id(level, region_id=issue.region_id, village_id=issue.village_id,
                                 township_id=issue.township_id, county_id=county_id)
    users = office_users([region_id], LEVEL_NOTIFY[level]).get(region_id, []) if region_id else []
    url = reverse("grids:issue_detail", args=[issue.pk])
    if users:
        transaction.on_commit(partial(notify, users, title=title, url=url))


def _resolve_grid_region(region: Region) -> Region:
    if region.level < Region.Level.GROUP:
        raise ValidationError({"region": _("请选择村民小组或小区（网格）。")})
    if region.level > Region.Level.GROUP:
        region = Region.objects.get(path=region.group_path)
    return region


def issue_report(*, actor, category: WorkCategory | None, severity: str, title: str, description: str,
                 household: Household | None = None, region: Region | None = None,
                 resident: Resident | None = None, uploads=(), idempotency_key=None) -> Issue:
    """上报: a resident for their own household, a grid member / staff for a household or grid in scope.
    `idempotency_key` (made on the phone, kept with the queued report): a second send of it returns the
    issue the first made — also when both arrive at once (the unique key decides, the loser reads it)."""
    earlier = replayed(Issue, idempotency_key, actor, "reporter_id")
    if earlier is not None:
        return earlier
    errors = {}
    if category is None or not isinstance(category, WorkCategory) or not category.active:
        errors["category"] = _("未知或已停用的事项类别。")
    if severity not in Severity.values:
        errors["severity"] = _("请选择事件分级：小事、难事或大事。")
    if not (title or "").strip():
        errors["title"] = _("请填写标题。")
    if not (description or "").strip():
        errors["description"] = _("请描述事件情况。")
    if errors:
        raise ValidationError(errors)
    roles = user_roles(actor)
    is_staff = bool(roles & STAFF_ROLES) or actor.is_superuser
    if not is_staff:
        own = Resident.objects.filter(user=actor).select_related("household__region", "region").first()
        if own is None or Role.RESIDENT not in roles:
            raise PermissionDenied(_("只有网格工作人员或已登记的群众可以上报事件。"))
        if household is not None and household.pk != own.household_id:
            raise ValidationError({"household": _("群众只能为本户上报事件。")})
        if region is not None and not region.path.startswith(own.region.village_path):
            raise ValidationError({"region": _("不能向其他村（社区）上报事件，请选择本村的网格。")})
        household, resident = own.household, own
        region = region if region is not None and region.level >= Region.Level.GROUP else own.region
    else:
        if household is not None:
            region = household.region
        if region is None:
            raise ValidationError({"household": _("请选择事件所在的户或网格。")})
        if not region_allows(actor, region, STAFF_ROLES):
            raise ValidationError({"region": _("该网格不在您的管辖范围内。")})
        if resident is not None and household is not None and resident.household_id != household.pk:
            raise ValidationError({"resident": _("当事群众须是所选户的成员。")})
    region = _resolve_grid_region(region)
    above = {r.path: r for r in Region.objects.filter(path__in=[region.village_path, region.township_path])}
    village, township = above[region.village_path], above[region.township_path]
    uploads = list(uploads or [])
    with once_for_key(Issue, idempotency_key, actor, "reporter_id") as once:
        issue = Issue.objects.create(idempotency_key=idempotency_key,
            title=title.strip()[:120], description=description.strip(), category=category, severity=severity,
            region=region, village=village, township=township, household=household, resident=resident,
            reporter=actor, level=EscalationLevel.GRID, status=IssueStatus.REPORTED,
            deadline=deadline_for(EscalationLevel.GRID, severity),
        )
        IssueEvent.objects.create(issue=issue, kind=IssueEvent.Kind.REPORTED, actor=actor,
                                  to_status=IssueStatus.REPORTED, to_level=EscalationLevel.GRID)
        for upload in uploads:
            attachment_add(actor=actor, target=issue, upload=upload)
        audit_record(actor=actor, action="issue.report", obj=issue, to_state=issue.status)
        _notify_arrival(issue, EscalationLevel.GRID, _("新事件待受理：%(t)s") % {"t": issue.title})
    return once.existing if once.existing is not None else issue


def _conflict_now(issue: Issue):
    return Conflict(_("该事件刚刚已被他人处理（现为%(level)s·%(status)s），请刷新后查看最新状态。")
                    % {"level": _level_label(issue.level), "status": _status_label(issue.status)})


# What an issue step reads with the row it locks: the rule's region check and the API's answer.
_ISSUE_RELATED = ("region", "category")


def _issue_for(step: str, actor, issue_id: int, version: int | None = None, *, check: bool = True) -> Issue:
    """The issue a step is about, locked, with what its rule and the answer need in the same query, checked
    against the step's rule (grids/rules.py): 404 out of sight, 403 seen but not the actor's to handle
    (a handler's step needs the issue's "change" scope; the reporter's and the record's steps need seeing
    it), 409 when a stale form's version or the state moved on."""
    rule = rules.ISSUE[step]
    action = "change" if rule.who in (rules.handles, rules.handles_below_county) else "view"
    issue = load_for(Issue, actor, issue_id, action, lock=True, related=_ISSUE_RELATED,
                     message=_("您可以查看此事件，但无权办理。"))
    if version is not None and int(version) != issue.version:
        raise _conflict_now(issue)
    if check:
        rule.check(actor, issue)
    return issue


def _move(issue: Issue, *, actor, kind: str, note: str = "", **changes) -> Issue:
    """Write the change in one conditional UPDATE (same version) plus one history row and one audit row."""
    from_status, from_level = issue.status, issue.level
    updated = Issue.objects.filter(pk=issue.pk, version=issue.version).update(version=F("version") + 1, **changes,
                                                                              updated_at=timezone.now())
    if updated == 0:
        raise _conflict_now(issue)
    for field, value in changes.items():
        setattr(issue, field, value)
    issue.version += 1
    to_level = changes.get("level")
    try:
        with transaction.atomic():
            IssueEvent.objects.create(issue=issue, kind=kind, actor=actor, from_status=from_status,
                                      to_status=changes.get("status", ""), from_level=from_level if to_level else None,
                                      to_level=to_level, note=note)
    except IntegrityError:
        raise _conflict_now(issue) from None
    audit_record(actor=actor, action=f"issue.{kind}", obj=issue, from_state=from_status,
                 to_state=changes.get("status", from_status), reason=note)
    return issue


def issue_accept(*, actor, issue_id: int, version: int | None = None) -> Issue:
    with transaction.atomic():
        issue = _issue_for("accept", actor, issue_id, version)
        return _move(issue, actor=actor, kind=IssueEvent.Kind.ACCEPTED, status=IssueStatus.ACCEPTED, assignee=actor)


def issue_start(*, actor, issue_id: int, version: int | None = None) -> Issue:
    with transaction.atomic():
        issue = _issue_for("start", actor, issue_id, version)
        return _move(issue, actor=actor, kind=IssueEvent.Kind.STARTED, status=IssueStatus.IN_PROGRESS)


def issue_assign(*, actor, issue_id: int, assignee, version: int | None = None) -> Issue:
    with transaction.atomic():
        issue = _issue_for("assign", actor, issue_id, version)
        if not region_allows(assignee, issue.region, LEVEL_HANDLERS[issue.level]):
            raise ValidationError({"assignee": _("%(u)s不是本级的处置人员。") % {"u": assignee.get_full_name() or assignee.username}})
        return _move(issue, actor=actor, kind=IssueEvent.Kind.ASSIGNED, assignee=assignee,
                     note=assignee.get_full_name() or assignee.username)


def issue_resolve(*, actor, issue_id: int, note: str, version: int | None = None) -> Issue:
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写办理结果。")})
    with transaction.atomic():
        issue = _issue_for("resolve", actor, issue_id, version)
        _move(issue, actor=actor, kind=IssueEvent.Kind.RESOLVED, note=note.strip(), status=IssueStatus.RESOLVED,
              resolved_at=timezone.now())
        transaction.on_commit(partial(notify, [issue.reporter_id], title=_("您上报的事件已办结，请确认：%(t)s") % {"t": issue.title},
                                      url=reverse("grids:issue_detail", args=[issue.pk])))
        return issue


def issue_reject(*, actor, issue_id: int, reason: str, version: int | None = None) -> Issue:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("不予受理须说明理由。")})
    with transaction.atomic():
        issue = _issue_for("reject", actor, issue_id, version)
        _move(issue, actor=actor, kind=IssueEvent.Kind.REJECTED, note=reason.strip(), status=IssueStatus.REJECTED,
              reject_reason=reason.strip())
        transaction.on_commit(partial(notify, [issue.reporter_id], title=_("您上报的事件不予受理：%(t)s") % {"t": issue.title},
                                      url=reverse("grids:issue_detail", args=[issue.pk])))
        return issue


def issue_confirm(*, actor, issue_id: int) -> Issue:
    """The reporter confirms the resolution: closed."""
    with transaction.atomic():
        issue = _issue_for("confirm", actor, issue_id)
        return _move(issue, actor=actor, kind=IssueEvent.Kind.CLOSED, status=IssueStatus.CLOSED)


def issue_reopen(*, actor, issue_id: int, reason: str) -> Issue:
    """The reporter is not satisfied: the issue reopens at its current level with a fresh deadline."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请说明重新打开的原因。")})
    with transaction.atomic():
        issue = _issue_for("reopen", actor, issue_id)
        _move(issue, actor=actor, kind=IssueEvent.Kind.REOPENED, note=reason.strip(), status=IssueStatus.REOPENED,
              deadline=deadline_for(issue.level, issue.severity), resolved_at=None)
        _notify_arrival(issue, issue.level, _("事件被重新打开：%(t)s") % {"t": issue.title})
        return issue


def issue_comment(*, actor, issue_id: int, note: str) -> Issue:
    """A note on the issue's record, by anyone who sees it. Returns the issue (its record has grown)."""
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写备注内容。")})
    with transaction.atomic():
        issue = _issue_for("comment", actor, issue_id)
        IssueEvent.objects.create(issue=issue, kind=IssueEvent.Kind.COMMENTED, actor=actor, note=note.strip())
        audit_record(actor=actor, action="issue.comment", obj=issue)
    return issue


def issue_attach(*, actor, issue_id: int, upload) -> Issue:
    """A photo or PDF added to an issue that is not finished. Returns the issue."""
    with transaction.atomic():
        issue = _issue_for("attach", actor, issue_id)
        attachment = attachment_add(actor=actor, target=issue, upload=upload)
        IssueEvent.objects.create(issue=issue, kind=IssueEvent.Kind.ATTACHED, actor=actor, note=attachment.name)
        audit_record(actor=actor, action="issue.attach", obj=issue, data={"attachment": attachment.pk})
    return issue


def _arrival(issue_id: int, *, township_id: int, category_id: int, title: str, description: str, deadline,
             center_kind: str | None = None) -> Arrival:
    """An issue arriving at the township, as centers' opener takes it (the same on every path)."""
    return Arrival(source_id=issue_id, township_id=township_id, category_id=category_id, title=title,
                   description=description, deadline=deadline, center_kind=center_kind)


def _open_township_items(arrivals, *, actor, at, directory=None) -> dict:
    """Issues arriving at the township go into the center owning their category: centers' one opener
    (its rules: a deactivated category still has its owner; a township without the center opens none)."""
    return open_work_items(arrivals, source_model=Issue, link_field="work_item", actor=actor, at=at,
                           directory=directory)


def issue_escalate(*, actor, issue_id: int, reason: str, version: int | None = None) -> Issue:
    """难事提级处置: one level up with a reason; into the township center that owns the category."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("提级须说明理由。")})
    with transaction.atomic():
        issue = _issue_for("escalate", actor, issue_id, version, check=False)
        if issue.level >= EscalationLevel.COUNTY:
            raise ValidationError({"reason": _("事件已在县级部门，不能再提级。")})
        rules.ISSUE["escalate"].check(actor, issue)
        new_level = issue.level + 1
        changes = dict(level=new_level, status=IssueStatus.REPORTED, assignee=None,
                       deadline=deadline_for(new_level, issue.severity))
        _move(issue, actor=actor, kind=IssueEvent.Kind.ESCALATED, note=reason.strip(), **changes)
        if new_level == EscalationLevel.TOWNSHIP:
            opened = _open_township_items([_arrival(
                issue.pk, township_id=issue.township_id, category_id=issue.category_id, title=issue.title,
                description=_("%(d)s\n\n提级理由：%(r)s") % {"d": issue.description, "r": reason.strip()},
                deadline=issue.deadline, center_kind=issue.category.center_kind)], actor=actor, at=timezone.now())
            if issue.pk in opened:
                issue.work_item = opened[issue.pk]
        if new_level == EscalationLevel.COUNTY and hooks.county_arrivals:
            row = Moved(issue.pk, new_level - 1, issue.severity, issue.region_id, issue.village_id, issue.township_id,
                        issue.category_id, issue.title, None, issue.status, issue.deadline, None)
            for hook in hooks.county_arrivals:
                hook(rows=[row], actor=actor, at=timezone.now())
        _notify_arrival(issue, new_level, _("事件提级到%(level)s待受理：%(t)s") % {"level": _level_label(new_level), "t": issue.title})
        return issue


# --- The escalation sweep ------------------------------------------------------------------------

class Moved(NamedTuple):
    """One issue a sweep batch moved up: its row as claimed (level and status from before the move), its
    new deadline, and for a township arrival the description and the category's center kind."""

    id: int
    level: int
    severity: str
    region_id: int
    village_id: int
    township_id: int
    category_id: int
    title: str
    description: str | None
    status: str
    deadline: dt.datetime
    center_kind: str | None


def issues_escalate_overdue(*, now: dt.datetime | None = None, batch_size: int = SWEEP_BATCH, progress=None,
                            max_batches: int | None = None) -> dict:
    """Move every open issue past its level's deadline one level up, exactly once.

    Each batch is one transaction: claim up to `batch_size` overdue rows with FOR UPDATE SKIP LOCKED
    (a concurrent sweep takes other rows), move them in one UPDATE, write their history rows in one
    INSERT (unique on issue + level: a second escalation into a level cannot be written) and their audit
    in one INSERT — on PostgreSQL all four are one statement, with no Python per issue —; then, the same
    on every database and as a handler's escalation does it, the township arrivals' work items through
    centers' one opener (one INSERT, one UPDATE linking them, one audit INSERT), and one query for whom to
    tell. Killed mid-run, committed batches stay done and the next run picks up the rest; the moved issues
    have a fresh deadline, so none moves twice.
    """
    now = now or timezone.now()
    table = sla_table()
    reasons = _escalation_reasons(table)
    county_id = _county_id()
    directory = CenterDirectory()  # which center owns what where: read once for the sweep, not per batch
    moved = batches = 0
    by_level: dict[int, int] = {}
    overdue_total = Issue.objects.filter(status__in=ACTIVE_STATUSES, level__lt=EscalationLevel.COUNTY, deadline__lt=now).count()
    if progress is not None:
        progress.set(0, overdue_total)
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            batch_now = timezone.now()
            if connection.vendor == "postgresql":
                rows = _escalate_batch_sql(now=now, batch_now=batch_now, batch_size=batch_size, reasons=reasons,
                                           table=table)
            else:
                rows = _escalate_batch_orm(now=now, batch_now=batch_now, batch_size=batch_size, reasons=reasons,
                                           table=table)
            if not rows:
                break
            _open_township_items([_arrival(r.id, township_id=r.township_id, category_id=r.category_id, title=r.title,
                                           description=r.description or "", deadline=r.deadline,
                                           center_kind=r.center_kind)
                                  for r in rows if r.level + 1 == EscalationLevel.TOWNSHIP],
                                 actor=None, at=batch_now, directory=directory)
            at_county = [r for r in rows if r.level + 1 == EscalationLevel.COUNTY]
            for hook in hooks.county_arrivals if at_county else ():
                hook(rows=at_county, actor=None, at=batch_now)
            _notify_batch(rows, county_id)
            for row in rows:
                by_level[row.level + 1] = by_level.get(row.level + 1, 0) + 1
            moved += len(rows)
            batches += 1
        if progress is not None:
            progress.set(moved)
    result = {"moved": moved, "batches": batches, "overdue_at_start": overdue_total,
              "by_level": {str(k): v for k, v in sorted(by_level.items())}}
    for hook in hooks.sweep_extras:  # e.g. overdue 督办 (departments): set-based, exactly once
        result.update(hook(now=now, at=timezone.now()))
    return result


def _escalation_reasons(table) -> dict[tuple[int, str], str]:
    """The history note of an automatic escalation, per level and severity (nine texts per sweep)."""
    return {(lvl, sev): _("超过%(level)s办理时限（%(h)d小时）未办结，自动提级到%(next)s。") % {
        "level": _level_label(lvl), "h": table[(lvl, sev)], "next": _level_label(lvl + 1)}
        for lvl in (EscalationLevel.GRID, EscalationLevel.VILLAGE, EscalationLevel.TOWNSHIP) for sev in Severity.values}


def _audit_escalations(rows: list[Moved], *, reasons, at) -> None:
    """One audit row per moved issue, in one INSERT, filed under the issue's grid as a handler's is (the
    PostgreSQL statement writes the same rows itself)."""
    by_id = {r.id: r for r in rows}
    audit_record_many(
        actor=None, action="issue.auto_escalated", at=at,
        objects=[Issue(pk=r.id, title=r.title, region_id=r.region_id) for r in rows],
        region_of=lambda issue: issue.region_id,
        from_state=lambda issue: by_id[issue.pk].level, to_state=lambda issue: by_id[issue.pk].level + 1,
        reason=lambda issue: reasons[(by_id[issue.pk].level, by_id[issue.pk].severity)])


def _escalate_batch_orm(*, now, batch_now, batch_size, reasons, table) -> list[Moved]:
    """Any database: claim a batch, move it in one UPDATE, write its history and its audit in one bulk
    INSERT each."""
    claimed = list(
        Issue.objects.filter(status__in=ACTIVE_STATUSES, level__lt=EscalationLevel.COUNTY, deadline__lt=now)
        .order_by("deadline", "id")
        .select_for_update(skip_locked=True)
        .values_list("pk", "level", "severity", "region_id", "village_id", "township_id", "category_id",
                     "title", "description", "status", "category__center_kind")[:batch_size]
    )
    if not claimed:
        return []
    levels = (EscalationLevel.GRID, EscalationLevel.VILLAGE, EscalationLevel.TOWNSHIP)
    deadlines = {(lvl, sev): batch_now + dt.timedelta(hours=table[(lvl + 1, sev)]) for lvl in levels for sev in Severity.values}
    Issue.objects.filter(pk__in=[c[0] for c in claimed], status__in=ACTIVE_STATUSES, level__lt=EscalationLevel.COUNTY).update(
        level=F("level") + 1, status=IssueStatus.REPORTED, assignee=None, version=F("version") + 1, updated_at=batch_now,
        deadline=Case(*[When(level=lvl, severity=sev, then=Value(d)) for (lvl, sev), d in deadlines.items()]),
    )
    rows = []
    for pk, level, severity, region_id, village_id, township_id, category_id, title, description, status, kind in claimed:
        arriving = level + 1 == EscalationLevel.TOWNSHIP
        rows.append(Moved(pk, level, severity, region_id, village_id, township_id, category_id, title,
                          description if arriving else None, status, deadlines[(level, severity)],
                          kind if arriving else None))
    IssueEvent.objects.bulk_create([
        IssueEvent(issue_id=r.id, kind=IssueEvent.Kind.AUTO_ESCALATED, at=batch_now, from_status=r.status,
                   to_status=IssueStatus.REPORTED, from_level=r.level, to_level=r.level + 1,
                   note=reasons[(r.level, r.severity)]) for r in rows], batch_size=batch_size)
    _audit_escalations(rows, reasons=reasons, at=batch_now)
    return rows


_ESCALATE_SQL = """
WITH rule(level, severity, next_hours, reason) AS (VALUES {rules}),
claimed AS (
    SELECT id, level, severity, region_id, village_id, township_id, category_id, title, description, status
    FROM grids_issue
    WHERE status IN ('reported', 'accepted', 'in_progress', 'reopened') AND level < {county} AND deadline < %(now)s
    ORDER BY deadline, id LIMIT %(batch_size)s FOR UPDATE SKIP LOCKED
),
moved AS (
    UPDATE grids_issue i
    SET level = i.level + 1, status = 'reported', assignee_id = NULL, version = i.version + 1, updated_at = %(at)s,
        deadline = %(at)s + make_interval(hours => r.next_hours)
    FROM claimed c JOIN rule r ON r.level = c.level AND r.severity = c.severity
    WHERE i.id = c.id
    RETURNING c.id, c.level, c.severity, c.region_id, c.village_id, c.township_id, c.category_id, c.title,
              c.description, c.status, i.deadline, r.reason
),
history AS (
    INSERT INTO grids_issueevent (issue_id, kind, actor_id, at, from_status, to_status, from_level, to_level, note)
    SELECT id, 'auto_escalated', NULL, %(at)s, status, 'reported', level, level + 1, reason FROM moved
),
audit AS (  -- the rows _audit_escalations() writes through audit_record_many on the ORM path (a test compares them)
    INSERT INTO governance_auditentry (at, actor_id, action, content_type_id, object_id, object_repr, region_id,
                                       from_state, to_state, reason, data)
    SELECT %(at)s, NULL, 'issue.auto_escalated', %(issue_ct)s, id::text, left('#' || id || ' ' || title, 200),
           region_id, level::text, (level + 1)::text, reason, '{{}}'::jsonb FROM moved
)
SELECT m.id, m.level, m.severity, m.region_id, m.village_id, m.township_id, m.category_id, m.title,
       CASE WHEN wc.id IS NOT NULL THEN m.description END, m.status, m.deadline, wc.center_kind
FROM moved m
LEFT JOIN centers_workcategory wc ON m.level + 1 = %(township_level)s AND wc.id = m.category_id
ORDER BY m.id
"""


def _escalate_batch_sql(*, now, batch_now, batch_size, reasons, table) -> list[Moved]:
    """PostgreSQL: one statement claims a batch, moves it, writes its history and its audit — no Python per
    issue (audit_record_many() builds a model instance per row: at 20,000 overdue issues that alone would
    double the sweep). Returns the moved rows as claimed, with their new deadline (and, for the township's
    arrivals, what their work item needs). The history's unique (issue, level) still refuses a repeat."""
    params = {"now": now, "batch_size": batch_size, "at": batch_now, "township_level": int(EscalationLevel.TOWNSHIP),
              "issue_ct": ContentType.objects.get_for_model(Issue).pk}
    values = []
    for i, ((lvl, sev), reason) in enumerate(reasons.items()):
        values.append(f"(%(l{i})s::smallint, %(s{i})s, %(h{i})s, %(r{i})s)")
        params.update({f"l{i}": lvl, f"s{i}": sev, f"h{i}": table[(lvl + 1, sev)], f"r{i}": reason})
    with connection.cursor() as cursor:
        cursor.execute(_ESCALATE_SQL.format(rules=", ".join(values), county=int(EscalationLevel.COUNTY)), params)
        return [Moved(*row) for row in cursor.fetchall()]


def _notify_batch(rows: list[Moved], county_id) -> None:
    """One notification per user per new level, after the batch commits (one lookup, at most three INSERTs)."""
    levels_regions: dict[int, set[int]] = {}
    for r in rows:
        new = r.level + 1
        levels_regions.setdefault(new, set()).add(
            _level_region_id(new, region_id=r.region_id, village_id=r.village_id, township_id=r.township_id,
                             county_id=county_id))
    for level, by_region in _offices(levels_regions).items():
        users = sorted(set().union(*by_region.values())) if by_region else []
        if users:
            title = _("有事件超时自动提级到%(level)s，请及时受理。") % {"level": _level_label(level)}
            url = reverse("grids:issue_list") + f"?level={level}&status=reported"
            transaction.on_commit(partial(notify, users, title=title, url=url))


# --- Visits ----------------------------------------------------------------------------------------

def visit_log(*, actor, household: Household, notes: str, visited_on: dt.date | None = None,
              member: Resident | None = None, raise_issue: bool = False, category: WorkCategory | None = None,
              severity: str = Severity.MINOR, issue_title: str = "", photo=None, latitude=None, longitude=None,
              idempotency_key=None) -> Visit:
    """点对点送服务: record a visit; with `raise_issue`, report what was heard as an issue in the same step.
    `photo` goes with the issue raised (its handlers see it), else with the visit; `latitude`/`longitude`
    are where the phone was, when it allowed it. `idempotency_key` (made on the phone): a retried upload
    returns the visit the first one made, with its issue — never a second visit or issue."""
    earlier = replayed(Visit, idempotency_key, actor, "recorded_by_id")
    if earlier is not None:
        return earlier
    if not (notes or "").strip():
        raise ValidationError({"notes": _("请填写走访记录。")})
    visited_on = visited_on or timezone.localdate()
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("走访日期不能晚于今天。")})
    if (latitude is None) != (longitude is None) or (
            latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)):
        raise ValidationError({"latitude": _("位置无效，请重新定位或不带位置提交。")})
    with once_for_key(Visit, idempotency_key, actor, "recorded_by_id") as once:
        require_region(actor, household.region, STAFF_ROLES)
        grid = Grid.objects.filter(region__path=household.region.group_path).first()
        if grid is None:
            raise ValidationError({"household": _("该户所在区域还没有网格。")})
        if member is not None and not GridMember.objects.filter(grid=grid, resident=member).exists():
            raise ValidationError({"member": _("%(name)s不是本网格的在岗党员。") % {"name": member.name}})
        issue = None
        if raise_issue:
            issue = issue_report(actor=actor, category=category, severity=severity,
                                 title=issue_title or _("走访中听到的诉求"), description=notes, household=household,
                                 uploads=[photo] if photo else [])
        visit = Visit.objects.create(grid=grid, household=household, member=member, recorded_by=actor,
                                     visited_on=visited_on, notes=notes.strip(), issue=issue, latitude=latitude,
                                     longitude=longitude, idempotency_key=idempotency_key)
        if photo and issue is None:
            attachment_add(actor=actor, target=visit, upload=photo)
        audit_record(actor=actor, action="grid.visit", obj=grid, data={"household": household.pk, "visit": visit.pk,
                                                                       "located": latitude is not None})
    return once.existing if once.existing is not None else visit


# --- Major events ------------------------------------------------------------------------------------

def major_event_create(*, actor, region: Region, title: str, description: str, issue: Issue | None = None) -> MajorEvent:
    """大事全网联动: a linked task for every grid in the village, township or county."""
    errors = {}
    if region.level > Region.Level.VILLAGE:
        errors["region"] = _("联动范围须是一个村（社区）、乡镇（街道）或全县。")
    if not (title or "").strip():
        errors["title"] = _("请填写标题。")
    if not (description or "").strip():
        errors["description"] = _("请填写联动要求。")
    if errors:
        raise ValidationError(errors)
    if not region_allows(actor, region, MANAGERS):
        raise ValidationError({"region": _("该范围不在您的管辖范围内。")})
    with transaction.atomic():
        event = MajorEvent.objects.create(title=title.strip(), description=description.strip(), region=region,
                                          issue=issue, originator=actor)
        grids = list(Grid.objects.filter(region__path__startswith=region.path).values_list("pk", "region_id"))
        if not grids:
            raise ValidationError({"region": _("该范围内还没有网格。")})
        MajorEventTask.objects.bulk_create([MajorEventTask(event=event, grid_id=g) for g, _r in grids], batch_size=2000)
        if issue is not None:
            IssueEvent.objects.create(issue=issue, kind=IssueEvent.Kind.COMMENTED, actor=actor,
                                      note=_("发起大事全网联动：%(t)s") % {"t": event.title})
        audit_record(actor=actor, action="grid.major_event", obj=event, region=region, data={"grids": len(grids)})
        offices = office_users([r for _g, r in grids], {Role.GRID_LEADER})  # every grid's leader
        leaders = sorted(set().union(*offices.values())) if offices else []
        if leaders:
            transaction.on_commit(partial(notify, leaders, title=_("大事联动，请响应：%(t)s") % {"t": event.title},
                                          url=reverse("grids:major_event_detail", args=[event.pk])))
    return event


def major_task_acknowledge(*, actor, task_id: int, note: str = "") -> MajorEventTask:
    """A grid answers a major event's task (once: a second press is told it already has)."""
    with transaction.atomic():
        task = load_for(MajorEventTask, actor, task_id, "change", lock=True, related=("event", "grid__region"))
        fields = dict(acknowledged_at=timezone.now(), acknowledged_by=actor, note=(note or "").strip())
        if not MajorEventTask.objects.filter(pk=task.pk, acknowledged_at__isnull=True).update(**fields):
            raise Conflict(_("本网格已响应过该联动任务。"))
        for field, value in fields.items():
            setattr(task, field, value)
        audit_record(actor=actor, action="grid.major_ack", obj=task.event, region=task.grid.region,
                     data={"task": task.pk})
    return task


# --- SLAs ------------------------------------------------------------------------------------------

def sla_set(*, actor, level: int, severity: str, hours: int) -> EscalationSLA:
    """The county sets the hours allowed at a level for a severity (new arrivals there use them)."""
    rules.SLA["edit"].check(actor, None)
    errors = {}
    if level not in EscalationLevel.values:
        errors["level"] = _("未知的层级。")
    if severity not in Severity.values:
        errors["severity"] = _("未知的事件分级。")
    if not isinstance(hours, int) or not 1 <= hours <= 24 * 90:
        errors["hours"] = _("办理时限须在1到2160小时之间。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sla = EscalationSLA.objects.select_for_update().filter(level=level, severity=severity).first()
        before = sla.hours if sla else DEFAULT_SLA_HOURS[(level, severity)]
        sla, _created = EscalationSLA.objects.update_or_create(level=level, severity=severity, defaults={"hours": hours})
        audit_record(actor=actor, action="grid.sla_set", obj=sla, from_state=str(before), to_state=str(hours))
    return sla




def sla_edit(*, actor, sla_id: int, hours: int) -> EscalationSLA:
    """sla_set() for a configured row, named by its id (its page, its API verb)."""
    sla = load_for(EscalationSLA, actor, sla_id)
    return sla_set(actor=actor, level=sla.level, severity=sla.severity, hours=hours)
