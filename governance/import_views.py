"""Excel import pages, the same for every registered importer: download the template, upload, see
every error by row and column, confirm (all, or explicitly only the valid rows)."""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import actions, exports, imports, selectors
from .generic import ActionFormView, ButtonView
from .models import ImportJob
from .scoping import is_unrestricted, load_for, role_paths


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
    jobs = selectors.import_job_list(user=request.user, kind=kind)[:10]
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
    job = load_for(selectors.import_job_list(user=request.user), request.user, pk)
    return render(request, "governance/import_job.html", {"job": job, "title": job.original_name})


class ImportConfirmForm(forms.Form):
    only_valid = forms.BooleanField(label=gettext_lazy("仅导入有效行（跳过错误行）"), required=False)


class ImportJobStep:
    """The two presses of an import job's page — confirm (the run half) and retry (whichever half failed):
    the job the URL names, only its owner's (404 for anyone else), handed to one action."""

    object_selector = selectors.import_job_list
    object_arg = "job_id"


class ImportConfirmView(ImportJobStep, ActionFormView):
    """确认导入: everything, or (explicitly) only the valid rows; small files are imported at once."""

    form_class = ImportConfirmForm
    action = actions.import_confirm
    title = gettext_lazy("确认导入：%(object)s")
    submit_label = gettext_lazy("确认导入")

    def perform(self, form):
        self.job = super().perform(form)
        return self.job

    @property
    def success_message(self):
        if self.job.status == ImportJob.Status.DONE:
            return _("已导入 %(n)d 行。") % {"n": self.job.rows_imported}
        return _("已开始导入，完成后本页显示结果。")


class ImportRetryView(ImportJobStep, ButtonView):
    action = actions.import_retry
    title = gettext_lazy("重试导入：%(object)s")
    submit_label = gettext_lazy("重试")
    success_message = gettext_lazy("已重新提交后台任务。")


@login_required
def import_credentials(request, pk):
    """The onboarding's initial passwords: one download, then gone (issue #18)."""
    from .errors import Conflict

    job = load_for(selectors.import_job_list(user=request.user), request.user, pk, "change")
    try:
        data = actions.import_credentials_take(actor=request.user, job_id=job.pk)
    except Conflict as exc:
        from django.contrib import messages

        messages.error(request, str(exc.message))
        return HttpResponseRedirect(job.get_absolute_url())
    from django.http import HttpResponse

    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="initial-passwords.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
