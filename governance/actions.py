"""Writes of the core: keyword-only, validate → check scope → atomic → audit."""
from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse_lazy
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import hooks, pii
from .audit import audit_record
from .errors import Conflict
from .models import Household, Notification, Region, Resident, RoleAssignment
from .scoping import Role, clear_cache, get_for_update, load_for, require_region

RESIDENT_FIELDS = ("name", "status", "away_location", "is_party_member", "relation_to_head")


def _check_household_region(household: Household, region: Region) -> None:
    if not region.path.startswith(household.region.path) and not household.region.path.startswith(region.path):
        raise ValidationError({"region": _("居民所属区域须与其户所在区域一致。")})


def region_create(*, actor, parent: Region | None, code: str, name: str, kind: str) -> Region:
    region = Region(parent=parent, code=code.strip(), name=name.strip(), kind=kind)
    region.full_clean()
    with transaction.atomic():
        require_region(actor, parent or region, Region.scope_spec.roles_for("add"))
        region.save()
        audit_record(actor=actor, action="region.create", obj=region)
        hooks.run(hooks.region_created, actor=actor, region=region)
    return region


def household_create(*, actor, region: Region, number: str, address: str) -> Household:
    household = Household(region=region, number=number.strip(), address=address.strip())
    household.full_clean(exclude=["head"])
    with transaction.atomic():
        require_region(actor, region, Household.scope_spec.roles_for("add"))
        household.save()
        audit_record(actor=actor, action="household.create", obj=household)
    return household


def household_update(*, actor, household_id: int, region: Region, address: str, head: Resident | None = None) -> Household:
    with transaction.atomic():
        household = get_for_update(Household, actor, household_id)
        require_region(actor, region, Household.scope_spec.roles_for("change"))
        if head is not None and head.household_id != household.pk:
            raise ValidationError({"head": _("户主须是本户成员。")})
        before = (household.region_id, household.address, household.head_id)
        household.region, household.address, household.head = region, address.strip(), head
        household.full_clean()
        household.save()
        if before != (household.region_id, household.address, household.head_id):
            audit_record(actor=actor, action="household.update", obj=household)
    return household


def resident_create(*, actor, household: Household, region: Region, name: str, id_number: str,
                    phone: str = "", status: str = Resident.Status.RESIDENT, away_location: str = "",
                    is_party_member: bool = False, relation_to_head: str = "") -> Resident:
    resident = Resident(household=household, region=region, name=name.strip(), status=status,
                        away_location=away_location.strip(), is_party_member=is_party_member,
                        relation_to_head=relation_to_head.strip())
    errors = {}
    try:
        resident.set_id_number(id_number)
    except ValidationError as e:
        errors["id_number"] = e.messages
    try:
        resident.set_phone(phone)
    except ValidationError as e:
        errors["phone"] = e.messages
    if errors:
        raise ValidationError(errors)
    _check_household_region(household, region)
    _check_away(resident)
    require_region(actor, region, Resident.scope_spec.roles_for("add"))
    require_region(actor, household.region, Household.scope_spec.roles_for("view"))
    # Whether the number is registered here or in another township, the answer is the same, and the test
    # is an exact lookup, limited and audited (committed before this action's own transaction, so a
    # refused registration still counts): registering is no way to probe other scopes.
    if _id_number_registered(actor, pii.parse_id_number(id_number).value):
        raise ValidationError({"id_number": DUPLICATE_ID})
    with transaction.atomic():
        require_region(actor, region, Resident.scope_spec.roles_for("add"))
        require_region(actor, household.region, Household.scope_spec.roles_for("view"))
        try:
            with transaction.atomic():
                resident.save()
        except IntegrityError:  # a concurrent registration of the same number
            raise ValidationError({"id_number": DUPLICATE_ID})
        audit_record(actor=actor, action="resident.create", obj=resident)
    return resident


DUPLICATE_ID = gettext_lazy("该身份证号已登记，不能重复登记。如该居民已迁入本辖区，请联系县委组织部办理迁移。")


def _id_number_registered(actor, number: str) -> bool:
    from . import lookups

    try:
        return bool(lookups.exact_lookup(actor=actor, queryset=Resident.objects.all(), numbers=[number],
                                         purpose="resident.create", refused_when_found=True))
    except lookups.LookupLimited as exc:
        raise ValidationError({"id_number": exc.messages})


def _check_away(resident: Resident) -> None:
    if resident.status == Resident.Status.AWAY and not resident.away_location:
        raise ValidationError({"away_location": _("外出村民请填写现居地。")})
    if resident.status == Resident.Status.RESIDENT:
        resident.away_location = ""


def resident_update(*, actor, resident_id: int, region: Region | None = None, phone: str | None = None,
                    **fields) -> Resident:
    unknown = set(fields) - set(RESIDENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    with transaction.atomic():
        resident = get_for_update(Resident, actor, resident_id)
        before_status = resident.status
        for key, value in fields.items():
            setattr(resident, key, value.strip() if isinstance(value, str) else value)
        if region is not None and region.pk != resident.region_id:
            require_region(actor, region, Resident.scope_spec.roles_for("change"))
            _check_household_region(resident.household, region)
            resident.region = region
        if phone is not None:
            try:
                resident.set_phone(phone)
            except ValidationError as e:
                raise ValidationError({"phone": e.messages})
        _check_away(resident)
        resident.full_clean(exclude=["user", "household", "region"])
        resident.save()
        audit_record(actor=actor, action="resident.update", obj=resident, from_state=before_status,
                     to_state=resident.status, data={"fields": sorted(fields) + (["phone"] if phone is not None else [])})
    return resident


def resident_reveal_id(*, actor, resident_id: int, reason: str) -> str:
    """The only way the full ID number leaves the database; every call is audit-logged."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写查看完整身份证号的事由。")})
    with transaction.atomic():
        resident = get_for_update(Resident, actor, resident_id, action="reveal")
        audit_record(actor=actor, action="resident.reveal_id", obj=resident, reason=reason.strip())
    return pii.decrypt(resident.id_cipher)


# --- Accounts and roles a county runs itself (issue #18) -----------------------------------------------
# Who grants what: the county organisation department and the security administrator anywhere in the county,
# a township head inside the township; nobody a role at or above their own rank (RANK: smaller is higher).
# A village secretary proposes grid leaders and village assistants; the township confirms.

RANK = {
    Role.SYSTEM_ADMIN: 0, Role.SECURITY_ADMIN: 0, Role.AUDIT_ADMIN: 0,  # 三员: only the superuser appoints them
    Role.COUNTY_ADMIN: 10, Role.DEPARTMENT_STAFF: 20, Role.TOWNSHIP_HEAD: 20, Role.TOWNSHIP_STAFF: 30,
    Role.VILLAGE_SECRETARY: 40, Role.VILLAGE_ASSISTANT: 50, Role.UNIT_STAFF: 50, Role.GRID_LEADER: 60,
    Role.RESIDENT: 90,
}
# The rank a granting role grants below (the security administrator grants like the county, never the 三员).
GRANTER_RANK = {Role.COUNTY_ADMIN: 10, Role.SECURITY_ADMIN: 10, Role.TOWNSHIP_HEAD: 20}
PROPOSABLE = frozenset({Role.GRID_LEADER, Role.VILLAGE_ASSISTANT})
ROLE_ABOVE = gettext_lazy("不能授予与您同级或更高的角色（%(role)s）。")


def _granter_rank(actor, region) -> int | None:
    """The highest rank the actor grants from at `region` (None: no granting role covers it)."""
    from .scoping import _assignments, is_unrestricted

    if is_unrestricted(actor):
        return -1
    ranks = [GRANTER_RANK[r] for r, path, _id in _assignments(actor) if r in GRANTER_RANK and region.path.startswith(path)]
    return min(ranks) if ranks else None


def _check_grant(actor, *, user, role: str, region: Region) -> None:
    from .scoping import NOT_FOUND_REFERENCE

    if role not in Role.values:
        raise ValidationError({"role": _("未知角色。")})
    rank = _granter_rank(actor, region)
    if rank is None:
        raise ValidationError({"region": NOT_FOUND_REFERENCE})
    if RANK[role] <= rank:
        raise ValidationError({"role": ROLE_ABOVE % {"role": Role(role).label}})
    if user.pk == actor.pk:
        raise ValidationError({"user": _("不能给自己的账号授予或变更角色。")})
    if region.level not in RoleAssignment.ROLE_LEVELS[role]:
        raise ValidationError({"region": _("该角色不能任命在这一级区域。")})


def _check_term(starts_on, ends_on) -> None:
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("任期结束日期不能早于开始日期。")})


def _lock_account(actor, user_id: int, field: str = "user"):
    """The target account's profile, locked (every change to one account's roles is serialised on it), inside
    the actor's account scope: a 400 on `field` otherwise, never saying whether it exists."""
    from .models import AccountProfile
    from .scoping import NOT_FOUND_REFERENCE

    profile = (AccountProfile.objects.restrict(actor, "view").select_for_update(of=("self",))
               .select_related("user", "region").filter(user_id=user_id).first())
    if profile is None:
        raise ValidationError({field: NOT_FOUND_REFERENCE})
    return profile


def role_grant(*, actor, user, role: str, region: Region, starts_on=None, ends_on=None, note: str = "") -> RoleAssignment:
    """Appoint `user` to `role` in `region` for a term (from today unless `starts_on`; open-ended unless
    `ends_on`)."""
    starts_on = starts_on or timezone.localdate()
    _check_term(starts_on, ends_on)
    with transaction.atomic():
        profile = _lock_account(actor, getattr(user, "pk", user))
        _check_grant(actor, user=profile.user, role=role, region=region)
        if RoleAssignment.objects.filter(user=profile.user, role=role, region=region,
                                         status__in=[RoleAssignment.Status.ACTIVE, RoleAssignment.Status.PROPOSED]).exists():
            raise ValidationError({"role": _("该账号已担任（或已被提名）这一角色。")})
        assignment = RoleAssignment.objects.create(
            user=profile.user, role=role, region=region, starts_on=starts_on, ends_on=ends_on, note=note,
            status=RoleAssignment.Status.ACTIVE, active=True, granted_by=actor)
        audit_record(actor=actor, action="role.grant", obj=assignment, to_state=role,
                     data={"user": profile.user_id, "starts_on": str(starts_on), "ends_on": str(ends_on or "")})
    clear_cache(profile.user)
    return assignment


def role_assign(*, actor, user, role: str, region: Region) -> RoleAssignment:
    """Kept for callers of the first version: an open-ended term from today."""
    return role_grant(actor=actor, user=user, role=role, region=region)


def _load_assignment(actor, assignment_id: int) -> RoleAssignment:
    assignment = load_for(RoleAssignment.objects.select_related("user", "region"), actor, assignment_id, "change",
                          lock=True)
    rank = _granter_rank(actor, assignment.region)
    if rank is None or RANK[assignment.role] <= rank:
        raise ValidationError({"role": ROLE_ABOVE % {"role": assignment.get_role_display()}})
    if assignment.user_id == actor.pk:
        raise ValidationError({"user": _("不能给自己的账号授予或变更角色。")})
    return assignment


def role_end(*, actor, assignment_id: int, ends_on=None, reason: str = "") -> RoleAssignment:
    """End a term: today (or a past day) ends it at once — the next request of that user, page, API or token,
    has no such role —; a later day schedules the end (scoping stops counting the role after it)."""
    today = timezone.localdate()
    ends_on = ends_on or today
    with transaction.atomic():
        assignment = _load_assignment(actor, assignment_id)
        if assignment.status != RoleAssignment.Status.ACTIVE:
            raise Conflict(_("该任命已结束或尚未生效（当前状态：%(s)s）。") % {"s": assignment.get_status_display()})
        _check_term(assignment.starts_on, ends_on)
        assignment.ends_on = ends_on
        fields = ["ends_on"]
        if ends_on <= today:
            assignment.active, assignment.status = False, RoleAssignment.Status.ENDED
            assignment.ended_by, assignment.ended_at = actor, timezone.now()
            fields += ["active", "status", "ended_by", "ended_at"]
        assignment.save(update_fields=fields)
        audit_record(actor=actor, action="role.end", obj=assignment, from_state=assignment.role,
                     to_state=assignment.status, reason=reason, data={"ends_on": str(ends_on)})
    clear_cache(assignment.user)
    return assignment


def role_transfer(*, actor, assignment_id: int, region: Region, starts_on=None, reason: str = "") -> RoleAssignment:
    """调动: end the term here and start the same role there, in one transaction — both or neither."""
    starts_on = starts_on or timezone.localdate()
    with transaction.atomic():
        old = _load_assignment(actor, assignment_id)
        if old.status != RoleAssignment.Status.ACTIVE:
            raise Conflict(_("该任命已结束或尚未生效（当前状态：%(s)s）。") % {"s": old.get_status_display()})
        if region.pk == old.region_id:
            raise ValidationError({"region": _("调动的目标区域与现任区域相同。")})
        _check_grant(actor, user=old.user, role=old.role, region=region)
        ended = role_end(actor=actor, assignment_id=old.pk, ends_on=max(old.starts_on, starts_on - timedelta(days=1))
                         if starts_on > timezone.localdate() else None, reason=reason)
        new = role_grant(actor=actor, user=old.user, role=old.role, region=region, starts_on=starts_on, note=reason)
        audit_record(actor=actor, action="role.transfer", obj=new, from_state=str(ended.region), to_state=str(region),
                     reason=reason, data={"from_assignment": ended.pk})
    return new


def role_propose(*, actor, user, role: str, region: Region, note: str = "") -> RoleAssignment:
    """A village secretary proposes a grid leader or a village assistant; it counts only once the township
    confirms (role_confirm). The township's heads are told."""
    from .audit import notify
    from .scoping import NOT_FOUND_REFERENCE, region_allows
    from .selectors import office_users

    if role not in PROPOSABLE:
        raise ValidationError({"role": _("村里只能提名网格员（网格长）和村助理，其他角色由乡镇任命。")})
    if not region_allows(actor, region, {Role.VILLAGE_SECRETARY}):
        raise ValidationError({"region": NOT_FOUND_REFERENCE})
    if region.level not in RoleAssignment.ROLE_LEVELS[role]:
        raise ValidationError({"region": _("该角色不能任命在这一级区域。")})
    with transaction.atomic():
        profile = _lock_account(actor, getattr(user, "pk", user))
        if profile.user_id == actor.pk:
            raise ValidationError({"user": _("不能给自己的账号授予或变更角色。")})
        if RoleAssignment.objects.filter(user=profile.user, role=role, region=region,
                                         status__in=[RoleAssignment.Status.ACTIVE, RoleAssignment.Status.PROPOSED]).exists():
            raise ValidationError({"role": _("该账号已担任（或已被提名）这一角色。")})
        assignment = RoleAssignment.objects.create(
            user=profile.user, role=role, region=region, status=RoleAssignment.Status.PROPOSED, active=False,
            proposed_by=actor, note=note)
        audit_record(actor=actor, action="role.propose", obj=assignment, to_state=RoleAssignment.Status.PROPOSED,
                     data={"user": profile.user_id, "role": role})
        township = region.ancestor_at(Region.Level.TOWNSHIP)
        heads = office_users([township.pk], {Role.TOWNSHIP_HEAD}).get(township.pk, [])
        notify(heads, title=_("待确认的角色提名：%(r)s") % {"r": assignment.get_role_display()},
               url=reverse_lazy("role_assignment_detail", args=[assignment.pk]))
    return assignment


def role_confirm(*, actor, assignment_id: int) -> RoleAssignment:
    with transaction.atomic():
        assignment = _load_assignment(actor, assignment_id)
        if assignment.status != RoleAssignment.Status.PROPOSED:
            raise Conflict(_("该提名已处理（当前状态：%(s)s）。") % {"s": assignment.get_status_display()})
        assignment.status, assignment.active, assignment.granted_by = RoleAssignment.Status.ACTIVE, True, actor
        assignment.starts_on = max(assignment.starts_on, timezone.localdate())
        assignment.save(update_fields=["status", "active", "granted_by", "starts_on"])
        audit_record(actor=actor, action="role.confirm", obj=assignment, from_state=RoleAssignment.Status.PROPOSED,
                     to_state=assignment.status)
    clear_cache(assignment.user)
    return assignment


def role_reject(*, actor, assignment_id: int, reason: str) -> RoleAssignment:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写不予确认的理由。")})
    with transaction.atomic():
        assignment = _load_assignment(actor, assignment_id)
        if assignment.status != RoleAssignment.Status.PROPOSED:
            raise Conflict(_("该提名已处理（当前状态：%(s)s）。") % {"s": assignment.get_status_display()})
        assignment.status = RoleAssignment.Status.REJECTED
        assignment.save(update_fields=["status"])
        audit_record(actor=actor, action="role.reject", obj=assignment, from_state=RoleAssignment.Status.PROPOSED,
                     to_state=assignment.status, reason=reason.strip())
    return assignment


def role_terms_close(*, on=None) -> int:
    """Beat, daily: the terms whose end date has passed are marked ended (scoping stopped counting them the day
    after already; this keeps `active` — read by the set-based paths — in step). Idempotent."""
    on = on or timezone.localdate()
    with transaction.atomic():
        rows = list(RoleAssignment.objects.select_for_update().filter(
            status=RoleAssignment.Status.ACTIVE, ends_on__lt=on))
        if not rows:
            return 0
        RoleAssignment.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=RoleAssignment.Status.ENDED, active=False, ended_at=timezone.now())
        from .audit import audit_record_many

        audit_record_many(actor=None, action="role.term_expired", objects=rows, from_state=lambda r: r.role,
                          to_state=RoleAssignment.Status.ENDED)
    return len(rows)


def _outrank_account(actor, profile) -> None:
    """The level above: the actor's granting rank must be above every current role of the account."""
    from .scoping import is_unrestricted

    if profile.user_id == actor.pk:
        raise ValidationError({"user": _("不能在这里变更自己的账号。")})
    if is_unrestricted(actor):
        return
    from .scoping import _assignments

    admin_ranks = [10 for r, path, _id in _assignments(actor)  # accounts below the county's, like the county
                   if r == Role.SYSTEM_ADMIN and profile.region.path.startswith(path)]
    granter = _granter_rank(actor, profile.region)
    rank = min([*admin_ranks, *([granter] if granter is not None else [])], default=None)
    if rank is None:
        raise PermissionDenied(_("您的角色无权执行此操作。"))
    roles = RoleAssignment.objects.current().filter(user_id=profile.user_id).values_list("role", flat=True)
    if any(RANK[r] <= rank for r in roles):
        raise ValidationError({"user": _("该账号的角色与您同级或更高，须由上一级管理。")})


def account_create(*, actor, username: str, full_name: str, region: Region, must_change_password: bool = True):
    """A new login in the actor's scope, with no password yet: the answer carries a one-time link to set it."""
    from django.contrib.auth import get_user_model

    from .models import AccountProfile
    from .scoping import NOT_FOUND_REFERENCE, region_allows

    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("请填写登录名。")})
    if not region_allows(actor, region, AccountProfile.scope_spec.roles_for("add")):
        raise ValidationError({"region": NOT_FOUND_REFERENCE})
    User = get_user_model()
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("该登录名已被使用。")})
        user = User(username=username, first_name=(full_name or "").strip()[:150])
        user.set_unusable_password()
        user.save()
        profile = AccountProfile.objects.create(user=user, region=region, must_change_password=must_change_password,
                                                created_by=actor)
        audit_record(actor=actor, action="account.create", obj=profile, data={"user": user.pk})
    profile.set_password_link = set_password_link(user)
    return profile


def set_password_link(user) -> str:
    """A one-time link to set the password: the token is bound to the current password hash and last login, so
    it stops working once used (or once the password changes another way)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return reverse("set_password", args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)])


def account_reset_password(*, actor, profile_id: int, reason: str = ""):
    """Reset by the level above, never by showing a password: the old password stops working, every API token is
    revoked, and the answer carries a one-time link for the account's owner to set a new one."""
    from .models import AccountProfile
    from .tokens import api_tokens_revoke_all

    with transaction.atomic():
        profile = load_for(AccountProfile.objects.select_related("user", "region"), actor, profile_id, "change", lock=True)
        _outrank_account(actor, profile)
        user = profile.user
        user.set_unusable_password()
        user.save(update_fields=["password"])
        api_tokens_revoke_all(user=user, reason=_("上级重置密码"))
        profile.must_change_password = True
        profile.save(update_fields=["must_change_password"])
        audit_record(actor=actor, action="account.password_reset", obj=profile, reason=reason)
    profile.set_password_link = set_password_link(user)
    return profile


def account_set_active(*, actor, profile_id: int, active: bool, reason: str = ""):
    """停用 / 启用 an account: a disabled account signs in nowhere and its tokens stop."""
    from .models import AccountProfile
    from .tokens import api_tokens_revoke_all

    with transaction.atomic():
        profile = load_for(AccountProfile.objects.select_related("user", "region"), actor, profile_id, "change", lock=True)
        _outrank_account(actor, profile)
        if profile.user.is_active == active:
            raise Conflict(_("该账号已经是这一状态。"))
        profile.user.is_active = active
        profile.user.save(update_fields=["is_active"])
        if not active:
            api_tokens_revoke_all(user=profile.user, reason=_("账号停用"))
        audit_record(actor=actor, action="account.enable" if active else "account.disable", obj=profile, reason=reason)
    return profile


def import_credentials_take(*, actor, job_id: int) -> bytes:
    """The initial passwords of an onboarding import, once: read, deleted, audited. Only the importer."""
    from . import imports
    from .models import ImportJob

    with transaction.atomic():
        job = get_for_update(ImportJob, actor, job_id)
        if not job.result_file:
            raise Conflict(_("初始密码表已下载过（只能下载一次）。如需重新设置，请为该账号重置密码。"))
        data = imports.load_stored(job.result_file).getvalue()
        path, job.result_file = job.result_file, ""
        job.save(update_fields=["result_file"])
        from . import jobs

        audit_record(actor=actor, action="import.credentials_download", obj=job, region=jobs.actor_region(actor),
                     data={"kind": job.kind, "rows": job.rows_imported})
    imports.delete_stored(path)
    return data


def notification_mark_read(*, actor, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, all) of the actor's notifications read."""
    qs = Notification.objects.restrict(actor, "change").filter(read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def export_start(*, actor, key: str, params: dict, estimated_rows: int):
    """Queue a large export as a job; the worker writes the file (see tasks.export_run). The job and
    its audit row hold the filters masked; the worker reads them unmasked from `sealed_params`."""
    from . import exports, jobs
    from .models import ExportJob
    from .tasks import export_run

    export = exports.get(key)
    if export is None:
        raise ValidationError(_("未知的导出内容。"))
    with transaction.atomic():
        job = ExportJob.objects.create(user=actor, key=key, title=str(export.title), params=exports.masked_params(params),
                                       sealed_params=exports.seal_params(params), rows_total=estimated_rows)
        audit_record(actor=actor, action="export.start", obj=job, region=jobs.actor_region(actor),
                     data={"key": key, "title": job.title, "params": job.params, "rows": estimated_rows})
        jobs.enqueue_on_commit(export_run, ExportJob, job.pk, failed_status=ExportJob.Status.FAILED)
    return job


def export_retry(*, actor, job_id: int):
    """Queue a failed export again (the broker was down, or its worker died)."""
    from . import exports, jobs
    from .models import ExportJob
    from .tasks import export_run

    with transaction.atomic():
        job = get_for_update(ExportJob, actor, job_id, action="view")  # only its owner sees it
        if job.status != ExportJob.Status.FAILED:
            raise Conflict(_("只有失败的任务可以重试。"))
        job.status, job.error, job.rows_done, job.finished_at, job.heartbeat_at = ExportJob.Status.PENDING, "", 0, None, None
        job.save(update_fields=["status", "error", "rows_done", "finished_at", "heartbeat_at"])
        audit_record(actor=actor, action="export.retry", obj=job, region=jobs.actor_region(actor),
                     data={"key": job.key, "title": job.title, "params": job.params})
        jobs.enqueue_on_commit(export_run, ExportJob, job.pk, failed_status=ExportJob.Status.FAILED)
    exports.job_xlsx(job.pk).unlink(missing_ok=True)
    return job


def export_run_job(*, job_id: int) -> None:
    """Write the job's file. Idempotent: a finished or failed job is left alone, and so is a job another
    worker is writing (its heartbeat is fresh); a job whose worker died (stale heartbeat) is written
    again from the start. The file appears under its name only when complete."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from . import exports, jobs
    from .models import ExportJob

    now = timezone.now()
    stale = now - timedelta(seconds=jobs.stale_seconds())
    claimed = ExportJob.objects.filter(pk=job_id).filter(
        Q(status=ExportJob.Status.PENDING) | Q(status=ExportJob.Status.RUNNING, heartbeat_at__lt=stale),
    ).update(status=ExportJob.Status.RUNNING, rows_done=0, heartbeat_at=now)
    if not claimed:
        return
    job = ExportJob.objects.get(pk=job_id)
    export = exports.get(job.key)
    user = get_user_model().objects.get(pk=job.user_id)
    path = exports.job_xlsx(job.pk)
    running = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING)

    def progress(done: int) -> None:
        running.update(rows_done=done, heartbeat_at=timezone.now())

    try:
        qs = export.queryset(user=user, params=exports.unseal_params(job))  # the owner's own scope, as on the page
        running.update(rows_total=qs.count())  # the owner's own rows, counted in the worker
        n = exports.write_xlsx(export, qs, path, progress=progress)
    except Exception as exc:  # the user sees that it failed; the worker log has the traceback
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else _("导出时发生错误，请稍后重试或联系管理员。")
        running.update(status=ExportJob.Status.FAILED, error=message[:500], finished_at=timezone.now())
        if isinstance(exc, ValidationError):
            return
        raise
    if not running.update(status=ExportJob.Status.DONE, rows_done=n, rows_total=n, file_path=str(path),
                          finished_at=timezone.now(), heartbeat_at=timezone.now()):
        path.unlink(missing_ok=True)  # the sweeper gave up on this run meanwhile: no file without its job


IMPORT_SYNC_LIMIT = 2_000


def _import_rows(parsed) -> dict:
    return {"rows_total": parsed.rows, "rows_valid": parsed.valid_rows,
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in parsed.errors[:1000]]}


def import_upload(*, actor, kind: str, upload) -> "ImportJob":
    """Store the upload (encrypted, 0600) and validate every row; the job holds the preview (errors by
    row and column). A hostile file is refused before anything parses it; a small file is validated
    here (in a bounded child process), a large one by the worker (the job shows "校验中" meanwhile)."""
    import io

    from . import imports, jobs
    from .models import ImportJob
    from .tasks import import_validate

    importer = imports.get(kind)
    if importer is None:
        raise ValidationError(_("未知的导入内容。"))
    if not upload.name.lower().endswith(".xlsx"):
        raise ValidationError({"file": _("请上传 .xlsx 格式的 Excel 文件（可先下载模板）。")})
    limit = imports.max_upload_bytes()
    if upload.size > limit:
        raise ValidationError({"file": imports.too_large_message()})
    data = upload.read(limit + 1)
    try:
        inspection = imports.inspect(data, importer.columns)
        parsed = importer.parse(io.BytesIO(data), user=actor) if inspection.small else None
    except imports.Refused as exc:
        raise ValidationError({"file": exc.message})
    path = imports.store(data) if parsed is None or parsed.valid_rows else None  # nothing to import: not kept
    region = jobs.actor_region(actor)
    with transaction.atomic():
        job = ImportJob.objects.create(
            user=actor, kind=kind, file=str(path or ""), original_name=pii.scrub(upload.name)[:200],
            status=ImportJob.Status.VALIDATED if parsed is not None else ImportJob.Status.VALIDATING,
            **(_import_rows(parsed) if parsed is not None else {}),
        )
        audit_record(actor=actor, action="import.upload", obj=job, region=region,
                     data={"kind": kind, "file": job.original_name, "bytes": len(data),
                           "rows": job.rows_total, "errors": len(job.errors), "in_worker": parsed is None})
        if parsed is None:
            jobs.enqueue_on_commit(import_validate, ImportJob, job.pk, failed_status=ImportJob.Status.FAILED)
    return job


def _import_claim(job_id: int, status: str) -> bool:
    """Take a queued import job (no heartbeat yet, or a stale one: its worker died)."""
    from datetime import timedelta

    from django.db.models import Q

    from . import jobs
    from .models import ImportJob

    now = timezone.now()
    stale = now - timedelta(seconds=jobs.stale_seconds())
    return bool(ImportJob.objects.filter(pk=job_id, status=status).filter(
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale)).update(heartbeat_at=now))


def _import_end(job_id: int, from_status: str, **fields) -> None:
    """Finish an import job (done or failed) and delete its stored file: it holds full ID numbers."""
    from . import imports
    from .models import ImportJob

    path = ImportJob.objects.filter(pk=job_id).values_list("file", flat=True).first()
    if ImportJob.objects.filter(pk=job_id, status=from_status).update(file="", finished_at=timezone.now(), **fields):
        imports.delete_stored(path)


def _import_claim_and_parse(job_id: int, status: str):
    """Claim a queued import job in `status` and read its stored file in the bounded child, beating the
    heartbeat meanwhile -> (job, user, importer, parsed), or None (not ours, or refused: then failed)."""
    from django.contrib.auth import get_user_model

    from . import imports
    from .models import ImportJob

    if not _import_claim(job_id, status):
        return None
    job = ImportJob.objects.get(pk=job_id)
    importer = imports.get(job.kind)
    user = get_user_model().objects.get(pk=job.user_id)
    current = ImportJob.objects.filter(pk=job_id, status=status)
    try:
        with imports.while_reading(lambda: current.update(heartbeat_at=timezone.now())):
            parsed = importer.parse(imports.load_stored(job.file), user=user)
    except imports.Refused as exc:
        _import_end(job_id, status, status=ImportJob.Status.FAILED, error=exc.message)
        return None
    return job, user, importer, parsed


def import_validate_job(*, job_id: int) -> None:
    """The worker's half of a large upload: read and validate the stored file (bounded child process),
    then show the preview. A hostile or unreadable file fails the job with its message."""
    from . import imports
    from .models import ImportJob

    claimed = _import_claim_and_parse(job_id, ImportJob.Status.VALIDATING)
    if claimed is None:
        return
    job, _user, _importer, parsed = claimed
    validating = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.VALIDATING)
    if not validating.update(status=ImportJob.Status.VALIDATED, heartbeat_at=None, **_import_rows(parsed)):
        return
    if not parsed.valid_rows:  # nothing can be imported: the file is not kept
        imports.delete_stored(job.file)
        ImportJob.objects.filter(pk=job_id).update(file="")


def import_confirm(*, actor, job_id: int, only_valid: bool) -> "ImportJob":
    """Import a validated file: everything, or (explicitly) only its valid rows. Large files go to the
    worker; the job can be confirmed once — a second press gets a clear message."""
    from . import jobs
    from .models import ImportJob
    from .tasks import import_run

    with transaction.atomic():
        job = get_for_update(ImportJob, actor, job_id)
        if job.status != ImportJob.Status.VALIDATED:
            raise Conflict(_("该文件已经导入或正在导入。"))
        if job.errors and not only_valid:
            raise ValidationError(_("文件中有错误行：请改正后重新上传，或选择“仅导入有效行”。"))
        if job.rows_valid == 0 or not job.file:
            raise ValidationError(_("没有可导入的有效行。"))
        job.status, job.only_valid, job.heartbeat_at, job.error = ImportJob.Status.RUNNING, only_valid, None, ""
        job.save(update_fields=["status", "only_valid", "heartbeat_at", "error"])
        audit_record(actor=actor, action="import.confirm", obj=job, region=jobs.actor_region(actor),
                     data={"kind": job.kind, "file": job.original_name, "only_valid": only_valid, "rows": job.rows_valid})
        if job.rows_total > IMPORT_SYNC_LIMIT:
            jobs.enqueue_on_commit(import_run, ImportJob, job.pk, failed_status=ImportJob.Status.FAILED)
    if job.rows_total <= IMPORT_SYNC_LIMIT:
        import_run_job(job_id=job.pk)
        job.refresh_from_db()
    return job


def import_retry(*, actor, job_id: int) -> "ImportJob":
    """Queue a failed import again while its file is kept (the broker was down, or its worker died):
    validation if it never got a preview, the import itself if it had been confirmed."""
    from . import jobs
    from .models import ImportJob
    from .tasks import import_run, import_validate

    with transaction.atomic():
        job = get_for_update(ImportJob, actor, job_id)
        if job.status != ImportJob.Status.FAILED or not job.file:
            raise Conflict(_("该任务无法重试，请重新上传文件。"))
        confirmed = job.rows_valid > 0  # only a job with a preview of valid rows can have been confirmed
        job.status = ImportJob.Status.RUNNING if confirmed else ImportJob.Status.VALIDATING
        job.error, job.heartbeat_at, job.finished_at = "", None, None
        job.save(update_fields=["status", "error", "heartbeat_at", "finished_at"])
        audit_record(actor=actor, action="import.retry", obj=job, region=jobs.actor_region(actor),
                     data={"kind": job.kind, "file": job.original_name, "phase": job.status})
        jobs.enqueue_on_commit(import_run if confirmed else import_validate, ImportJob, job.pk,
                               failed_status=ImportJob.Status.FAILED)
    return job


def import_run_job(*, job_id: int) -> None:
    """Validate again (the database may have changed since the preview) and write in one transaction.
    Idempotent: a job that is not 'running', or that another worker holds, is left alone; a rerun after
    a kill writes it once (the writes and the 'done' commit together). The stored file is deleted
    when the job ends."""
    from . import imports, jobs
    from .models import ImportJob

    claimed = _import_claim_and_parse(job_id, ImportJob.Status.RUNNING)
    if claimed is None:
        return
    job, user, importer, parsed = claimed
    running = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING)
    running.update(heartbeat_at=timezone.now())
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportJob.Status.RUNNING:
            return
        stored, job.file, job.finished_at = job.file, "", timezone.now()  # the end and the file's going commit together
        if (parsed.errors and not job.only_valid) or not parsed.valid_rows:
            job.status = ImportJob.Status.FAILED
            job.errors = _import_rows(parsed)["errors"]
            job.error = str(_("文件中的数据已与系统不一致（例如有人刚登记了相同的身份证号），请改正后重新上传。"))
            job.save(update_fields=["status", "errors", "error", "file", "finished_at"])
        else:
            counts = importer.write(parsed, user=user)
            job.result_file = counts.pop("_result_file", "")  # handed back once (governance.import_views)
            job.status, job.rows_imported = ImportJob.Status.DONE, counts["rows"]
            job.save(update_fields=["status", "rows_imported", "result_file", "file", "finished_at"])
            audit_record(actor=user, action=f"import.{job.kind}", obj=job, region=jobs.actor_region(user),
                         data={**counts, "kind": job.kind, "file": job.original_name, "skipped": len(parsed.bad_rows)})
    imports.delete_stored(stored)  # committed: done or failed, the stored file (full ID numbers) goes
