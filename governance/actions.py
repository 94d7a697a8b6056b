"""Writes of the core: keyword-only, validate → check scope → atomic → audit."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import hooks, pii
from .audit import audit_record
from .errors import Conflict
from .models import Household, Notification, Region, Resident, RoleAssignment
from .scoping import Role, clear_cache, get_for_update, require_region

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
    with transaction.atomic():
        require_region(actor, region, Resident.scope_spec.roles_for("add"))
        require_region(actor, household.region, Household.scope_spec.roles_for("view"))
        if Resident.objects.filter(id_hash=resident.id_hash).exists():
            raise ValidationError({"id_number": _("该身份证号已登记。")})
        try:
            with transaction.atomic():
                resident.save()
        except IntegrityError:  # a concurrent registration of the same number
            raise ValidationError({"id_number": _("该身份证号已登记。")})
        audit_record(actor=actor, action="resident.create", obj=resident)
    return resident


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


def role_assign(*, actor, user, role: str, region: Region) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色。")})
    if region.level not in RoleAssignment.ROLE_LEVELS[role]:
        raise ValidationError({"region": _("该角色不能任命在这一级区域。")})
    with transaction.atomic():
        require_region(actor, region, RoleAssignment.scope_spec.roles_for("add"))
        assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, region=region)
        if not assignment.active:
            assignment.active = True
            assignment.save(update_fields=["active"])
        audit_record(actor=actor, action="role.assign", obj=assignment, to_state=role)
    clear_cache(user)
    return assignment


def notification_mark_read(*, actor, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, all) of the actor's notifications read."""
    qs = Notification.objects.restrict(actor, "change").filter(read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def export_start(*, actor, key: str, params: dict, estimated_rows: int):
    """Queue a large export as a job; the worker writes the file (see tasks.export_run)."""
    from . import exports
    from .models import ExportJob

    export = exports.get(key)
    if export is None:
        raise ValidationError(_("未知的导出内容。"))
    with transaction.atomic():
        job = ExportJob.objects.create(user=actor, key=key, title=str(export.title), params=params,
                                       rows_total=estimated_rows)
        audit_record(actor=actor, action="export.start", obj=job, data={"key": key, "params": params})
        from .tasks import export_run

        transaction.on_commit(lambda: export_run.delay(job.pk))
    return job


def export_run_job(*, job_id: int) -> None:
    """Write the job's file. Idempotent: a finished job is left alone; a job whose worker was killed
    (still 'running' when redelivered) is simply written again from the start."""
    from django.contrib.auth import get_user_model

    from . import exports
    from .models import ExportJob

    claimed = ExportJob.objects.filter(pk=job_id, status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]).update(
        status=ExportJob.Status.RUNNING, rows_done=0)
    if not claimed:
        return
    job = ExportJob.objects.get(pk=job_id)
    export = exports.get(job.key)
    user = get_user_model().objects.get(pk=job.user_id)
    path = exports.temp_xlsx()
    try:
        qs = export.queryset(user=user, params=job.params)  # the owner's own scope, as on the page
        n = exports.write_xlsx(export, qs, path,
                               progress=lambda done: ExportJob.objects.filter(pk=job_id).update(rows_done=done))
    except Exception as exc:  # the user sees that it failed; the worker log has the traceback
        ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.FAILED, error=str(exc)[:500],
                                                   finished_at=timezone.now())
        path.unlink(missing_ok=True)
        raise
    ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.DONE, rows_done=n, rows_total=n,
                                               file_path=str(path), finished_at=timezone.now())


IMPORT_SYNC_LIMIT = 2_000


def import_upload(*, actor, kind: str, upload) -> "ImportJob":
    """Store the upload and validate every row; the job holds the preview (errors by row/column)."""
    import uuid
    from pathlib import Path

    from django.conf import settings as dj_settings

    from . import imports
    from .models import ImportJob

    importer = imports.get(kind)
    if importer is None:
        raise ValidationError(_("未知的导入内容。"))
    if not upload.name.lower().endswith(".xlsx"):
        raise ValidationError({"file": _("请上传 .xlsx 格式的 Excel 文件（可先下载模板）。")})
    folder = Path(dj_settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.xlsx"
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    try:
        parsed = importer.parse(path, user=actor)
    except Exception:  # not a readable workbook
        path.unlink(missing_ok=True)
        raise ValidationError({"file": _("无法读取该文件，请确认是用模板填写的 .xlsx 文件。")})
    job = ImportJob.objects.create(
        user=actor, kind=kind, file=str(path), original_name=upload.name[:200], rows_total=parsed.rows,
        rows_valid=parsed.valid_rows,
        errors=[{"row": e.row, "column": e.column, "message": e.message} for e in parsed.errors[:1000]],
    )
    audit_record(actor=actor, action="import.upload", obj=job,
                 data={"kind": kind, "rows": parsed.rows, "errors": len(parsed.errors)})
    return job


def import_confirm(*, actor, job_id: int, only_valid: bool) -> "ImportJob":
    """Import a validated file: everything, or (explicitly) only its valid rows. Large files go to the
    worker; the job can be confirmed once — a second press gets a clear message."""
    from .models import ImportJob

    with transaction.atomic():
        job = get_for_update(ImportJob, actor, job_id)
        if job.status != ImportJob.Status.VALIDATED:
            raise Conflict(_("该文件已经导入或正在导入。"))
        if job.errors and not only_valid:
            raise ValidationError(_("文件中有错误行：请改正后重新上传，或选择“仅导入有效行”。"))
        if job.rows_valid == 0:
            raise ValidationError(_("没有可导入的有效行。"))
        job.status, job.only_valid = ImportJob.Status.RUNNING, only_valid
        job.save(update_fields=["status", "only_valid"])
        audit_record(actor=actor, action="import.confirm", obj=job, data={"only_valid": only_valid})
        if job.rows_total > IMPORT_SYNC_LIMIT:
            from .tasks import import_run

            transaction.on_commit(lambda: import_run.delay(job.pk))
    if job.rows_total <= IMPORT_SYNC_LIMIT:
        import_run_job(job_id=job.pk)
        job.refresh_from_db()
    return job


def import_run_job(*, job_id: int) -> None:
    """Validate again (the database may have changed since the preview) and write in one transaction.
    Idempotent: a job that is not 'running' is left alone; a rerun after a kill writes it once."""
    from pathlib import Path

    from django.contrib.auth import get_user_model

    from . import imports
    from .models import ImportJob

    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).first()
    if job is None:
        return
    importer = imports.get(job.kind)
    user = get_user_model().objects.get(pk=job.user_id)
    parsed = importer.parse(Path(job.file), user=user)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportJob.Status.RUNNING:
            return
        if (parsed.errors and not job.only_valid) or not parsed.valid_rows:
            job.status = ImportJob.Status.FAILED
            job.errors = [{"row": e.row, "column": e.column, "message": e.message} for e in parsed.errors[:1000]]
            job.finished_at = timezone.now()
            job.save()
            return
        counts = importer.write(parsed, user=user)
        job.status, job.rows_imported, job.finished_at = ImportJob.Status.DONE, counts["rows"], timezone.now()
        job.save(update_fields=["status", "rows_imported", "finished_at"])
        audit_record(actor=user, action=f"import.{job.kind}", obj=job, data={**counts, "skipped": len(parsed.bad_rows)})
