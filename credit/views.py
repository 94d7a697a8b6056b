"""Pages of credit/: configuration on the generic bases; every write goes through an action."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from governance.attachments import attachments_of
from governance.generic import ActionFormView, BulkActionView, ButtonView, ObjectDetailView, ObjectListView
from governance.scoping import can, role_paths

from . import actions, forms, rules, selectors
from .filtersets import (ConsentFilterSet, CreditCertificateFilterSet, CreditRecordFilterSet, DomesticWorkerFilterSet,
                         GradeCheckFilterSet, ObjectionFilterSet, ResidentCreditFilterSet, ReviewFilterSet, WorkerRequestFilterSet)
from .models import GradeCheck, Review
from .scoring import explain, standard_on


# --- standards -------------------------------------------------------------------------------------

class StandardListView(ObjectListView):
    selector = selectors.standard_list
    template_name = "credit/standard_list.html"
    title = _("信用标准（信用七条）")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        current = standard_on()
        ctx["current"] = current
        ctx["can_add"] = bool(self.request.user.is_superuser or role_paths(self.request.user, {"county_admin"}))
        return ctx


class StandardDetailView(ObjectDetailView):
    selector = selectors.standard_list
    template_name = "credit/standard_detail.html"
    context_object_name = "standard"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["criteria"] = self.object.criteria.prefetch_related("record_types").order_by("id")
        return ctx


class StandardCreateView(ActionFormView):
    """The county's editor: a new version, starting from the one in force."""

    template_name = "credit/standard_form.html"
    form_class = forms.StandardForm
    action = actions.standard_create
    title = _("制定新版本信用标准")
    success_message = _("新版本信用标准已保存。")

    def get_initial(self):
        current = standard_on() or selectors.standard_list(user=self.request.user).first()
        if current is None:
            return {}
        latest = selectors.standard_list(user=self.request.user).order_by("-version").first()
        initial = forms.StandardForm.initial_from(actions.standard_copy_payload(current),
                                                  (latest.version if latest else 0) + 1)
        initial["effective_from"] = timezone.localdate() + dt.timedelta(days=1)
        return initial

    def action_kwargs(self, form):
        # a malformed record-type line is a ValidationError too: it lands on the form
        return form.payload()


# --- grades ----------------------------------------------------------------------------------------

class GradeListView(ObjectListView):
    """Every resident's effective and computed grade: the list behind the dashboard's figures."""

    selector = selectors.credit_list
    filterset_class = ResidentCreditFilterSet
    template_name = "credit/grade_list.html"
    title = _("居民信用等级")

    def get_base_queryset(self):
        return super().get_base_queryset().order_by("resident__region__path", "resident__name", "pk")


# --- records ---------------------------------------------------------------------------------------

class RecordListView(ObjectListView):
    selector = selectors.record_list
    filterset_class = CreditRecordFilterSet
    template_name = "credit/record_list.html"
    status_tabs = "status"  # tabs with counts, one per state
    title = _("信用信息采集")


class RecordCreateView(ActionFormView):
    form_class = forms.RecordForm
    action = actions.record_create
    title = _("录入信用记录")
    success_message = _("信用记录已录入，待村（社区）其他工作人员核实后计分。")


class RecordDetailView(ObjectDetailView):
    selector = selectors.record_list
    template_name = "credit/record_detail.html"
    context_object_name = "record"
    rules = rules.RECORD

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["attachments"] = attachments_of(self.object)
        return ctx


class RecordStepView(ActionFormView):
    """One step on one record, declared by its rule (credit/rules.py RECORD)."""

    object_selector = selectors.record_list
    object_arg = "record_id"
    step = ""

    def get_title(self):
        record = self.object
        return f"{rules.RECORD[self.step].label} · {record.resident.name} {record}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.RECORD[self.step].label}


class RecordVerifyView(RecordStepView, ButtonView):
    step, action = "verify", actions.record_verify
    success_message = _("已核实，该记录开始计分。")


class RecordRejectView(RecordStepView):
    step, action, form_class = "reject", actions.record_reject, rules.RECORD["reject"].form
    success_message = _("已驳回，理由已保存。")


# --- reviews ---------------------------------------------------------------------------------------

class ReviewListView(ObjectListView):
    """The secretary's page: hundreds at once, differences from the last grade first."""

    selector = selectors.review_list
    filterset_class = ReviewFilterSet
    template_name = "credit/review_list.html"
    status_tabs = "status"  # tabs with counts, one per state
    title = _("等级评议")
    paginate_by = 300

    def get_base_queryset(self):
        qs = super().get_base_queryset()
        # By default what still needs someone's action; 已生效 ones through the status filter.
        return qs if self.request.GET.get("status") else qs.filter(status__in=Review.OPEN)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_approve"] = bool(role_paths(user, Review.scope_spec.roles_for("approve"))) or user.is_superuser
        ctx["can_opinion"] = bool(role_paths(user, Review.scope_spec.roles_for("opinion"))) or user.is_superuser
        return ctx


class ReviewBulkView(BulkActionView):
    """The list's bulk bar: the meeting agrees with the computed grades, or the secretary approves (公示 starts),
    each ticked review through the one-review action in its own transaction; back to the list with how many
    were done and which were refused, with the reason."""

    form_class = forms.BulkReviewForm
    title = _("批量处理评议")
    submit_label = _("执行")
    ids_field, verb_field, item_arg = "reviews", "action", "review_id"
    object_source, object_related = selectors.review_list, ("resident",)
    default_next = "credit:review_list"
    bulk_verbs = {
        "approve": (actions.review_approve, _("已审批 %(n)d 条评议，进入公示。")),
        "agree": (actions.review_give_opinion, _("已为 %(n)d 条评议记录评议意见。")),
    }

    def item_kwargs(self, form):
        if form.cleaned_data["action"] != "agree":
            return {}
        return {"opinion": form.cleaned_data["opinion"] or gettext("村评议会同意系统计算等级")}

    def name_of(self, review):
        return review.resident.name


class ReviewDetailView(ObjectDetailView):
    selector = selectors.review_list
    template_name = "credit/review_detail.html"
    context_object_name = "review"
    rules = rules.REVIEW

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        review = self.object
        ctx["explanation"] = explain(review.resident, standard=review.standard)
        ctx["events"] = review.events.select_related("actor")
        ctx["objections"] = review.objections.select_related("raised_by", "answered_by")
        return ctx


class ReviewStepView(ActionFormView):
    """One step on one review, declared by its rule (credit/rules.py REVIEW)."""

    object_selector = selectors.review_list
    object_arg = "review_id"
    step = ""

    def get_title(self):
        review = self.object
        return f"{rules.REVIEW[self.step].label} · {review.resident.name} {review.period}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.REVIEW[self.step].label}


class ReviewOpinionView(ReviewStepView):
    step, action, form_class = "opinion", actions.review_give_opinion, rules.REVIEW["opinion"].form
    form_object_arg = "review"
    success_message = _("评议意见已保存，待书记审批。")


class ReviewApproveView(ReviewStepView, ButtonView):
    step, action = "approve", actions.review_approve
    success_message = _("已审批，进入公示。")


class ReviewSendBackView(ReviewStepView):
    step, action, form_class = "send_back", actions.review_send_back, rules.REVIEW["send_back"].form
    success_message = _("已退回村评议会重新评议。")


class ObjectionCreateView(ReviewStepView):
    """异议 by the resident themself, while the notice runs."""

    step, action, form_class = "object", actions.objection_raise, rules.REVIEW["object"].form
    success_message = _("异议已提交；答复前，该等级不会生效。")
    success_url = "credit:my_credit"


class NoticeListView(ObjectListView):
    """公示: residents of the village see its list, with masked ID numbers only."""

    selector = selectors.notice_list
    template_name = "credit/notice_list.html"
    title = _("信用等级评议公示")
    paginate_by = 200


# --- a resident's own credit ----------------------------------------------------------------------

class MyCreditView(LoginRequiredMixin, TemplateView):
    template_name = "credit/my_credit.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        rows = []
        for resident in selectors.my_residents(user=user):
            credit = getattr(resident, "credit", None)
            reviews = selectors.review_list(user=user).filter(resident=resident).order_by("-opened_at")[:5]
            open_notice = next((r for r in reviews if r.status == "notice"), None)
            rows.append({
                "resident": resident, "credit": credit, "explanation": explain(resident),
                "reviews": reviews, "open_notice": open_notice,
                "objections": selectors.objection_list(user=user).filter(review__resident=resident),
                "consents": selectors.consent_list(user=user).filter(resident=resident),
                "uses": selectors.grade_uses(user=user).filter(resident=resident)[:100],
            })
        ctx["rows"] = rows
        ctx["objection_form"] = forms.ObjectionForm()
        ctx["today"] = timezone.localdate()
        return ctx


class MyConsentCreateView(ActionFormView):
    """The resident's own consent (a user with no resident registered has no such page)."""

    form_class = forms.ConsentForm
    action = actions.consent_give
    title = _("授权银行/信用社查询我的信用等级")
    submit_label = _("授权")
    success_message = _("授权已登记。")
    success_url = "credit:my_credit"

    def load(self, **kwargs):
        if not selectors.my_residents(user=self.request.user).exists():
            raise Http404


class ConsentListView(ObjectListView):
    selector = selectors.consent_list
    filterset_class = ConsentFilterSet
    template_name = "credit/consent_list.html"
    title = _("查询授权")


class ConsentCreateView(ActionFormView):
    form_class = forms.StaffConsentForm
    action = actions.consent_record
    title = _("登记居民查询授权")
    success_message = _("授权已登记。")
    success_url = "credit:consent_list"


class ConsentRevokeView(ButtonView):
    """The resident takes a consent back (on their credit page)."""

    object_selector = selectors.consent_list
    object_action = "change"
    object_arg = "consent_id"
    action = actions.consent_revoke
    title = _("撤回查询授权")
    submit_label = _("撤回")
    success_message = _("授权已撤回。")
    success_url = "credit:my_credit"


# --- objections ------------------------------------------------------------------------------------

class ObjectionListView(ObjectListView):
    selector = selectors.objection_list
    filterset_class = ObjectionFilterSet
    template_name = "credit/objection_list.html"
    status_tabs = "status"  # tabs with counts, one per state
    title = _("异议处理")


class ObjectionDetailView(ObjectDetailView):
    selector = selectors.objection_list
    template_name = "credit/objection_detail.html"
    context_object_name = "objection"
    rules = rules.OBJECTION


class ObjectionAnswerView(ActionFormView):
    object_selector = selectors.objection_list
    object_arg = "objection_id"
    action = actions.objection_answer
    form_class = rules.OBJECTION["answer"].form
    title = _("答复异议")
    submit_label = rules.OBJECTION["answer"].label
    success_message = _("已答复异议。")


# --- grade checks ----------------------------------------------------------------------------------

class CheckListView(ObjectListView):
    selector = selectors.check_list
    filterset_class = GradeCheckFilterSet
    template_name = "credit/check_list.html"
    title = _("信用等级查询记录")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_check"] = bool(role_paths(user, GradeCheck.scope_spec.roles_for("check")))
        ctx["is_unit"] = selectors.user_units(user=user).exists()
        return ctx


class CheckCreateView(ActionFormView):
    form_class = forms.CheckForm
    action = actions.grade_check
    title = _("查询信用等级（参军、入党等）")
    submit_label = _("查询")
    success_message = _("查询结果已记录。")


class UnitCheckView(ActionFormView):
    """A bank or credit cooperative checks a grade, with the resident's consent (only its staff have the page)."""

    form_class = forms.UnitCheckForm
    action = actions.grade_check_by_unit
    title = _("金融机构查询信用等级（需本人授权）")
    submit_label = _("查询")
    success_message = _("查询结果已记录。")

    def load(self, **kwargs):
        if not selectors.user_units(user=self.request.user).exists():
            raise Http404

    def get_initial(self):
        units = list(selectors.user_units(user=self.request.user)[:2])
        return {"unit": units[0] if len(units) == 1 else None,
                "purpose": selectors.check_purposes(user=self.request.user).filter(code="loan").first()}


class CheckDetailView(ObjectDetailView):
    selector = selectors.check_list
    template_name = "credit/check_detail.html"
    context_object_name = "check"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["certificate"] = selectors.certificate_list(user=self.request.user).filter(
            grade_check=self.object).first()
        return ctx


# --- 信用等级证明 ------------------------------------------------------------------------------------

class CertificateIssueView(ButtonView):
    """出具证明 from a check (the check's page); a second click returns the certificate already issued."""

    object_selector = selectors.check_list
    object_arg = "check_id"
    action = actions.certificate_issue
    title = _("出具信用等级证明")
    submit_label = _("出具证明")
    success_message = _("证明已出具，可下载 PDF。")


class CertificateListView(ObjectListView):
    selector = selectors.certificate_list
    filterset_class = CreditCertificateFilterSet
    template_name = "credit/certificate_list.html"
    title = _("信用等级证明")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "today": timezone.localdate()}


class CertificateDetailView(ObjectDetailView):
    selector = selectors.certificate_list
    template_name = "credit/certificate_detail.html"
    context_object_name = "cert"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cert = self.object
        ctx["status"] = cert.status_on(timezone.localdate())
        ctx["can_revoke"] = ctx["status"] == "valid" and can(self.request.user, cert, "change")
        ctx["verify_url"] = self.request.build_absolute_uri(reverse("credit:certificate_verify_code",
                                                                    args=[cert.code]))
        return ctx


class CertificatePdfView(ObjectDetailView):
    """The certificate as a PDF, for whoever may see it."""

    selector = selectors.certificate_list

    def render_to_response(self, context, **response_kwargs):
        from django.http import HttpResponse

        from .certificate_pdf import render

        cert = self.object
        url = self.request.build_absolute_uri(reverse("credit:certificate_verify_code", args=[cert.code]))
        response = HttpResponse(render(cert, url), content_type="application/pdf")
        # The file name says what it is, never who: no name or ID number in a header.
        response["Content-Disposition"] = f'attachment; filename="credit-certificate-{cert.pk}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


class CertificateRevokeView(ActionFormView):
    object_selector = selectors.certificate_list
    object_action = "change"
    object_arg = "certificate_id"
    action = actions.certificate_revoke
    form_class = forms.RevokeForm
    title = _("作废证明 · %(object)s")
    submit_label = _("作废")
    success_message = _("证明已作废，核验页面将显示“已作废”。")


class CertificateVerifyView(TemplateView):
    """核验 — public: anyone holding a certificate types its code (or scans its QR code) and learns whether it
    is valid, and nothing else (no name, no grade, no purpose)."""

    template_name = "credit/certificate_verify.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        typed = kwargs.get("code") or self.request.GET.get("code", "")
        ctx["typed"] = typed[:40]
        if typed:
            status, cert = selectors.certificate_status(code=typed)
            ctx["status"] = status
            ctx["valid_until"] = cert.valid_until if cert is not None and status == "valid" else None
        return ctx


# --- 家嫂 ------------------------------------------------------------------------------------------

class WorkerListView(ObjectListView):
    selector = selectors.worker_list
    filterset_class = DomesticWorkerFilterSet
    template_name = "credit/worker_list.html"
    title = _("家嫂名册")


class WorkerDetailView(ObjectDetailView):
    selector = selectors.worker_list
    template_name = "credit/worker_detail.html"
    context_object_name = "worker"
    rules = rules.WORKER


class WorkerCreateView(ActionFormView):
    form_class = forms.WorkerForm
    action = actions.worker_register
    title = _("登记家嫂")
    submit_label = _("登记")
    success_message = _("已登记到家嫂名册。")


class WorkerEditView(ActionFormView):
    object_selector = selectors.worker_list
    object_arg = "worker_id"
    form_object_arg = "worker"
    action = actions.worker_update
    form_class = rules.WORKER["edit"].form
    title = _("修改家嫂信息：%(object)s")
    success_message = _("已保存。")


class WorkerRequestListView(ObjectListView):
    selector = selectors.worker_request_list
    filterset_class = WorkerRequestFilterSet
    template_name = "credit/request_list.html"
    title = _("家嫂用工需求")


class WorkerRequestCreateView(ActionFormView):
    form_class = forms.WorkerRequestForm
    action = actions.worker_request_create
    title = _("登记家嫂用工需求")
    submit_label = _("登记")
    success_message = _("需求已登记，推荐名单如下。")


class WorkerRequestDetailView(ObjectDetailView):
    selector = selectors.worker_request_list
    template_name = "credit/request_detail.html"
    context_object_name = "req"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["shortlist"], ctx["minimum"] = selectors.shortlist(user=self.request.user, request=self.object)
        return ctx


