"""Excel import pages, the same for every registered importer: download the template, upload, see
every error by row and column, confirm (all, or explicitly only the valid rows)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import actions, exports, imports
from .errors import Conflict
from .models import ImportJob
from .scoping import is_unrestricted, role_paths


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"))


def _importer_for(user, kind):
    importer = imports.get(kind)
    if importer is None:
        raise Http404
    if not (is_unrestricted(user) or role_paths(user, importer.roles)):
        raise PermissionDenied
    return importer


@login_required
def import_upload(request, kind):
    importer = _importer_for(request.user, kind)
    limit = imports.max_upload_bytes()
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > limit + 64 * 1024:
        # refused before Django reads the body into a temporary file
        form = UploadForm()
        form.cleaned_data = {}  # an unbound form taking one error
        form.add_error("file", imports.too_large_message())
        return _upload_page(request, importer, form, kind, status=413)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = actions.import_upload(actor=request.user, kind=kind, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.message_dict.get("file", exc.messages) if hasattr(exc, "error_dict") else exc.messages)
        else:
            return HttpResponseRedirect(job.get_absolute_url())
    return _upload_page(request, importer, form, kind)


def _upload_page(request, importer, form, kind, status=200):
    jobs = ImportJob.objects.restrict(request.user, "view").filter(kind=kind)[:10]
    return render(request, "governance/import_upload.html", {
        "form": form, "jobs": jobs, "importer": importer, "max_size": filesizeformat(imports.max_upload_bytes()),
        "max_rows": imports.MAX_ROWS,
        "title": _("批量导入：%(t)s") % {"t": importer.title},
    }, status=status)


@login_required
def import_template(request, kind):
    importer = _importer_for(request.user, kind)
    path = exports.temp_xlsx()
    imports.write_template(importer, path)
    handle = open(path, "rb")
    path.unlink()
    return FileResponse(handle, as_attachment=True, filename=_("%(t)s导入模板.xlsx") % {"t": importer.title},
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
def import_job(request, pk):
    job = get_object_or_404(ImportJob.objects.restrict(request.user, "view"), pk=pk)
    return render(request, "governance/import_job.html", {"job": job, "title": job.original_name})


@login_required
@require_POST
def import_confirm(request, pk):
    job = get_object_or_404(ImportJob.objects.restrict(request.user, "view"), pk=pk)
    try:
        job = actions.import_confirm(actor=request.user, job_id=job.pk, only_valid=request.POST.get("only_valid") == "1")
    except (ValidationError, Conflict) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc.message)]))
    else:
        if job.status == ImportJob.Status.DONE:
            messages.success(request, _("已导入 %(n)d 行。") % {"n": job.rows_imported})
    return HttpResponseRedirect(job.get_absolute_url())


@login_required
@require_POST
def import_retry(request, pk):
    job = get_object_or_404(ImportJob.objects.restrict(request.user, "view"), pk=pk)
    try:
        job = actions.import_retry(actor=request.user, job_id=job.pk)
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已重新提交后台任务。"))
    return HttpResponseRedirect(job.get_absolute_url())
