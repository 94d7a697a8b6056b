"""Excel export pages: a small export downloads at once; a large one becomes a job with progress."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import actions, exports
from .audit import audit_record
from .models import ExportJob
from .pagination import estimated_count


@login_required
def export_list(request, key):
    export = exports.get(key)
    if export is None:
        raise Http404
    params = {k: v for k, v in request.GET.items() if k not in ("page", "format") and v != ""}
    qs = export.queryset(user=request.user, params=params)
    n, _estimate = estimated_count(qs)
    if n > exports.SYNC_LIMIT:
        job = actions.export_start(actor=request.user, key=key, params=params, estimated_rows=n)
        return HttpResponseRedirect(job.get_absolute_url())
    path = exports.temp_xlsx()
    rows = exports.write_xlsx(export, qs, path)
    audit_record(actor=request.user, action="export.download", data={"key": key, "params": params, "rows": rows})
    handle = open(path, "rb")
    path.unlink()  # the open handle keeps the data until the response is sent
    filename = f"{export.title}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
def export_job(request, pk):
    job = get_object_or_404(ExportJob.objects.restrict(request.user, "view"), pk=pk)
    return render(request, "governance/export_job.html", {"job": job, "title": job.title})


@login_required
def export_job_download(request, pk):
    job = get_object_or_404(ExportJob.objects.restrict(request.user, "view"), pk=pk, status=ExportJob.Status.DONE)
    filename = f"{job.title}-{timezone.localtime(job.finished_at):%Y%m%d}.xlsx"
    return FileResponse(open(job.file_path, "rb"), as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
