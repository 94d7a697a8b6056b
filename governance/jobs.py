"""Progress and liveness of scheduled jobs, shown to the county ("240,000 / 500,000"); and the
fail-safe parts every background export and import shares: enqueue that cannot leave a job hanging,
heartbeats, and the sweeper that fails jobs whose worker died and deletes files past their time."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import JobStatus

log = logging.getLogger(__name__)

BROKER_DOWN = gettext_lazy("后台任务服务暂时不可用，请稍后重试。")
WORKER_LOST = gettext_lazy("后台处理中断（处理进程已停止），未写入任何数据，请重试。")


class Progress:
    def __init__(self, name: str):
        self.name = name

    def set(self, done: int, total: int | None = None) -> None:
        fields = {"progress_done": done}
        if total is not None:
            fields["progress_total"] = total
        JobStatus.objects.filter(name=self.name).update(**fields)


_LABELS: dict = {}


def register_label(name: str, label) -> None:
    """What a scheduled job is called on the county's home (its name is an identifier, not a sentence)."""
    _LABELS[name] = label


def label_for(name: str):
    from . import worklist

    worklist.all_tasks()  # the apps' worklist modules register their jobs' labels
    return _LABELS.get(name, name)


register_label("heartbeat", gettext_lazy("后台服务心跳"))
register_label("jobs-sweep", gettext_lazy("清理中断的导出/导入任务"))
register_label("dashboard-refresh", gettext_lazy("刷新数据看板汇总"))


@contextmanager
def job_run(name: str):
    """Mark a job started, yield a Progress, record finish and result. Writes are outside any
    caller transaction's rollback only if the caller commits; jobs call this at their top level."""
    now = timezone.now()
    JobStatus.objects.update_or_create(name=name, defaults={"last_started_at": now, "progress_done": 0})
    progress = Progress(name)
    result: dict = {}
    progress.result = result
    yield progress
    JobStatus.objects.filter(name=name).update(last_finished_at=timezone.now(), last_result=result)


# --- Background exports and imports -------------------------------------------------------------

def stale_seconds() -> int:
    """A running job whose heartbeat is older than this lost its worker (jobs beat every few seconds)."""
    return int(getattr(settings, "JOB_STALE_SECONDS", 300))


def actor_region(user):
    """The region at the top of the user's scope (the shallowest of their active role assignments):
    where the audit log files an export or an import, so that the levels above see it. A superuser
    without assignments files under the county."""
    from .models import Region
    from .scoping import home_region_id

    region_id = home_region_id(user)
    return Region.objects.filter(pk=region_id).first() if region_id else None


def enqueue_on_commit(task, model, job_id: int, *, failed_status: str) -> None:
    """After the caller's transaction commits, send `task(job_id)` to the broker. If the broker cannot
    take it, the job is marked failed with a message the user understands (and can be retried from
    its page) instead of staying 'pending' or 'running' forever."""

    def send():
        try:
            task.delay(job_id)
        except Exception:  # kombu.exceptions.OperationalError, redis/socket errors, …
            log.exception("could not enqueue %s for %s %s", task.name, model.__name__, job_id)
            model.objects.filter(pk=job_id).update(status=failed_status, error=str(BROKER_DOWN),
                                                   heartbeat_at=None)

    transaction.on_commit(send)


def sweep() -> dict:
    """Fail running exports and imports whose worker died, delete their half-written files, delete
    exports past their retention period and imports never confirmed. Idempotent: each step is a
    conditional UPDATE of what is still in the state it looks for, and file deletions tolerate files
    already gone. Run by beat every minute (tasks.sweep_jobs)."""
    from . import exports, imports
    from .models import ExportJob, ImportJob

    now = timezone.now()
    stale = now - timedelta(seconds=stale_seconds())
    result = {"exports_failed": 0, "imports_failed": 0, "exports_expired": 0, "imports_expired": 0, "orphans": 0}

    # 1. Running exports without a heartbeat: the worker died. Fail them and remove their partial files.
    lost = Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, created_at__lt=stale)
    for pk in ExportJob.objects.filter(lost, status=ExportJob.Status.RUNNING).values_list("pk", flat=True):
        if ExportJob.objects.filter(lost, pk=pk, status=ExportJob.Status.RUNNING).update(
                status=ExportJob.Status.FAILED, error=str(WORKER_LOST), finished_at=now):
            result["exports_failed"] += 1
        for path in exports.partial_paths(exports.job_xlsx(pk)):
            path.unlink(missing_ok=True)

    # 2. Imports validating or importing without a heartbeat: failed, nothing was written (the import is
    # one transaction); the stored file stays so that the user can retry, until it expires (4).
    # (No heartbeat yet means still queued: the worker writes the first one when it takes the job.)
    result["imports_failed"] = ImportJob.objects.filter(
        status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.RUNNING], heartbeat_at__lt=stale,
    ).update(status=ImportJob.Status.FAILED, error=str(WORKER_LOST), finished_at=now)

    # 3. Exports past their retention period: the file is deleted, the page says it expired.
    expiry = now - timedelta(days=exports.retention_days())
    for pk, path in ExportJob.objects.filter(status=ExportJob.Status.DONE, finished_at__lt=expiry).values_list("pk", "file_path"):
        if path:
            Path(path).unlink(missing_ok=True)
        result["exports_expired"] += ExportJob.objects.filter(pk=pk, status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.EXPIRED, file_path="")

    # 4. Imports waiting for a confirmation (or a retry) longer than a day: abandoned. The stored file
    # (full ID numbers and phones) is deleted; a validated job becomes 'expired'.
    abandoned = now - timedelta(seconds=imports.pending_seconds())
    waiting = ImportJob.objects.filter(created_at__lt=abandoned).filter(
        Q(status=ImportJob.Status.VALIDATED) | Q(status=ImportJob.Status.FAILED, file__gt=""))
    for pk, path, status in waiting.values_list("pk", "file", "status"):
        new_status = ImportJob.Status.EXPIRED if status == ImportJob.Status.VALIDATED else status
        if ImportJob.objects.filter(pk=pk, status=status, file=path).update(status=new_status, file=""):
            result["imports_expired"] += 1
        imports.delete_stored(path)

    # 5. Orphans: files no job refers to (a web request killed while answering, a rerun's leftovers).
    result["orphans"] = _remove_orphans(
        exports.export_dir(), set(ExportJob.objects.filter(status=ExportJob.Status.DONE).exclude(file_path="")
                                  .values_list("file_path", flat=True)), stale)
    result["orphans"] += _remove_orphans(
        imports.import_dir(), set(ImportJob.objects.exclude(file="").values_list("file", flat=True)), stale)
    return result


def _remove_orphans(folder: Path, referenced: set[str], older_than) -> int:
    """Delete files of `folder` that no job refers to and that nobody has written to since `older_than`
    (a file being written right now has a fresh modification time)."""
    removed = 0
    cutoff = older_than.timestamp()
    for path in folder.iterdir():
        try:
            if path.is_file() and str(path) not in referenced and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another sweep got there first
            continue
    return removed
