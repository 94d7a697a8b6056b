"""Excel export pages: a small export downloads at once; a large one becomes a job with progress."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions, exports, jobs
from .audit import audit_record
from .errors import Conflict
from .models import ExportJob
from .pagination import bounded_count

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def export_list(request, key):
    export = exports.get(key)
    if export is None:
        raise Http404
    params = {k: v for k, v in request.GET.items() if k not in ("page", "format") and v != ""}
    try:
        qs = export.queryset(user=request.user, params=params)
    except ValidationError as exc:  # an invalid filter never exports the unfiltered list
        return render(request, "governance/export_job.html", {"title": export.title, "export": export,
                                                              "filter_errors": exc.messages}, status=400)
    # Bounded, and only inside the viewer's scope: a job's "n rows" never tells the size of a county table.
    n, _more = bounded_count(qs, exports.SYNC_LIMIT)
    if _more:
        job = actions.export_start(actor=request.user, key=key, params=params, estimated_rows=n)
        return HttpResponseRedirect(job.get_absolute_url())
    path = exports.temp_xlsx()
    rows = exports.write_xlsx(export, qs, path)
    audit_record(actor=request.user, action="export.download", region=jobs.actor_region(request.user),
                 data={"key": key, "title": str(export.title), "params": exports.masked_params(params), "rows": rows})
    handle = open(path, "rb")
    path.unlink()  # the open handle keeps the data until the response is sent
    filename = f"{export.title}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


@login_required
def export_job(request, pk):
    job = get_object_or_404(ExportJob.objects.restrict(request.user, "view"), pk=pk)
    return render(request, "governance/export_job.html", {
        "job": job, "title": job.title, "retention_days": exports.retention_days()})


@login_required
@require_POST
def export_job_retry(request, pk):
    job = get_object_or_404(ExportJob.objects.restrict(request.user, "view"), pk=pk)
    try:
        job = actions.export_retry(actor=request.user, job_id=job.pk)
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已重新提交导出任务。"))
    return HttpResponseRedirect(job.get_absolute_url())


@login_required
def export_job_download(request, pk):
    job = get_object_or_404(ExportJob.objects.restrict(request.user, "view"), pk=pk, status=ExportJob.Status.DONE)
    try:
        handle = open(job.file_path, "rb")
    except OSError:  # deleted under us (retention): the job page says what to do
        return HttpResponseRedirect(job.get_absolute_url())
    filename = f"{job.title}-{timezone.localtime(job.finished_at):%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
