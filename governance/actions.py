"""Writes of the core: keyword-only, validate → check scope → atomic → audit."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


# Not called yet: kept for issue #18 (accounts and roles a county runs itself), whose role pages call it.
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
            job.status, job.rows_imported = ImportJob.Status.DONE, counts["rows"]
            job.save(update_fields=["status", "rows_imported", "file", "finished_at"])
            audit_record(actor=user, action=f"import.{job.kind}", obj=job, region=jobs.actor_region(user),
                         data={**counts, "kind": job.kind, "file": job.original_name, "skipped": len(parsed.bad_rows)})
    imports.delete_stored(stored)  # committed: done or failed, the stored file (full ID numbers) goes
