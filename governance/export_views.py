"""Excel export pages: a small export downloads at once; a large one becomes a job with progress."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import actions, exports, jobs, selectors
from .audit import audit_record
from .generic import ButtonView
from .models import ExportJob
from .pagination import bounded_count
from .scoping import load_for

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
    job = load_for(selectors.export_job_list(user=request.user), request.user, pk)
    return render(request, "governance/export_job.html", {
        "job": job, "title": job.title, "retention_days": exports.retention_days()})


class ExportJobRetryView(ButtonView):
    """A failed export queued again (the broker was down, or its worker died)."""

    object_selector = selectors.export_job_list  # only its owner sees a job
    object_arg = "job_id"
    action = actions.export_retry
    title = _("重试导出")
    submit_label = _("重试")
    success_message = _("已重新提交导出任务。")


@login_required
def export_job_download(request, pk):
    job = load_for(selectors.export_job_list(user=request.user).filter(status=ExportJob.Status.DONE), request.user, pk)
    try:
        handle = open(job.file_path, "rb")
    except OSError:  # deleted under us (retention): the job page says what to do
        return HttpResponseRedirect(job.get_absolute_url())
    filename = f"{job.title}-{timezone.localtime(job.finished_at):%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
