"""Pages of credit/: configuration on the generic bases; every write goes through an action."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from governance.attachments import attachments_of
from governance.errors import Conflict
from governance.generic import ActionFormView, ObjectDetailView, ObjectListView
from governance.models import Region
from governance.scoping import can, role_paths

from . import actions, forms, selectors
from .filtersets import (ConsentFilterSet, CreditRecordFilterSet, DomesticWorkerFilterSet, GradeCheckFilterSet,
                         ObjectionFilterSet, ResidentCreditFilterSet, ReviewFilterSet, WorkerRequestFilterSet)
from .models import Consent, CreditRecord, DomesticWorker, GradeCheck, Review
from .scoring import explain, standard_on


def _errors(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.error(request, str(getattr(exc, "message", exc)))


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
    template_name = "credit/standard_form.html"
    form_class = forms.StandardForm
    success_message = _("新版本信用标准已保存。")
    extra_context = {"title": _("制定新版本信用标准")}

    def load(self, **kwargs):
        self.current = standard_on() or selectors.standard_list(user=self.request.user).first()

    def get_initial(self):
        if self.current is None:
            return {}
        from .actions import standard_copy_payload

        latest = selectors.standard_list(user=self.request.user).order_by("-version").first()
        initial = forms.StandardForm.initial_from(standard_copy_payload(self.current), (latest.version if latest else 0) + 1)
        initial["effective_from"] = timezone.localdate() + dt.timedelta(days=1)
        return initial

    def perform(self, form):
        # a malformed record-type line is a ValidationError too: it lands on the form
        return actions.standard_create(actor=self.request.user, **form.payload())


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
    title = _("信用信息采集")


class RecordCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.RecordForm
    success_message = _("信用记录已录入，待村（社区）其他工作人员核实后计分。")
    extra_context = {"title": _("录入信用记录")}

    def get_form_kwargs(self):
        standard = standard_on()
        types = selectors.record_type_list(user=self.request.user).filter(criterion__standard=standard, active=True)
        return {**super().get_form_kwargs(), "record_types": types}

    def perform(self, form):
        d = form.cleaned_data
        resident = actions.resident_by_id_number(actor=self.request.user, id_number=d["id_number"], action="add",
                                                 model=CreditRecord)
        return actions.record_create(actor=self.request.user, resident=resident, record_type=d["record_type"],
                                     fact_date=d["fact_date"], evidence=d["evidence"], source=d["source"],
                                     points=d["points"], attachment=d.get("attachment"))


class RecordDetailView(ObjectDetailView):
    selector = selectors.record_list
    template_name = "credit/record_detail.html"
    context_object_name = "record"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, record = self.request.user, self.object
        ctx["can_verify"] = (record.status == "pending" and record.entered_by_id != user.pk
                             and can(user, record, "verify"))
        ctx["reject_form"] = forms.RejectForm()
        ctx["attachments"] = attachments_of(record)
        return ctx


@login_required
@require_POST
def record_verify(request, pk):
    record = get_object_or_404(selectors.record_list(user=request.user), pk=pk)
    try:
        actions.record_verify(actor=request.user, record_id=record.pk)
        messages.success(request, gettext("已核实，该记录开始计分。"))
    except (ValidationError, Conflict) as exc:
        _errors(request, exc)
    return HttpResponseRedirect(record.get_absolute_url())


@login_required
@require_POST
def record_reject(request, pk):
    record = get_object_or_404(selectors.record_list(user=request.user), pk=pk)
    try:
        actions.record_reject(actor=request.user, record_id=record.pk, reason=request.POST.get("reason", ""))
        messages.success(request, gettext("已驳回，理由已保存。"))
    except (ValidationError, Conflict) as exc:
        _errors(request, exc)
    return HttpResponseRedirect(record.get_absolute_url())


# --- reviews ---------------------------------------------------------------------------------------

class ReviewListView(ObjectListView):
    """The secretary's page: hundreds at once, differences from the last grade first."""

    selector = selectors.review_list
    filterset_class = ReviewFilterSet
    template_name = "credit/review_list.html"
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


@login_required
@require_POST
def review_bulk(request):
    ids = request.POST.getlist("reviews")
    action = request.POST.get("action")
    back = request.POST.get("next") or reverse("credit:review_list")
    if not back.startswith("/"):
        back = reverse("credit:review_list")
    try:
        if action == "approve":
            n = actions.reviews_approve(actor=request.user, review_ids=ids)
            messages.success(request, gettext("已审批 %(n)d 条评议，进入公示。") % {"n": n})
        elif action == "agree":
            n = actions.reviews_agree_computed(actor=request.user, review_ids=ids,
                                               opinion=request.POST.get("opinion") or gettext("村评议会同意系统计算等级"))
            messages.success(request, gettext("已为 %(n)d 条评议记录评议意见。") % {"n": n})
        else:
            messages.error(request, gettext("请选择要执行的操作。"))
    except (ValidationError, Conflict) as exc:
        _errors(request, exc)
    except ValueError:
        messages.error(request, gettext("所选评议无效。"))
    return HttpResponseRedirect(back)


class ReviewDetailView(ObjectDetailView):
    selector = selectors.review_list
    template_name = "credit/review_detail.html"
    context_object_name = "review"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, review = self.request.user, self.object
        ctx["explanation"] = explain(review.resident, standard=review.standard)
        ctx["events"] = review.events.select_related("actor")
        ctx["objections"] = review.objections.select_related("raised_by", "answered_by")
        ctx["can_opinion"] = review.status == "draft" and can(user, review, "opinion")
        ctx["can_approve"] = review.status == "opinion" and can(user, review, "approve")
        ctx["opinion_form"] = forms.OpinionForm(initial={"grade": review.computed_grade})
        ctx["send_back_form"] = forms.SendBackForm()
        return ctx


class ReviewOpinionView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.OpinionForm
    success_message = _("评议意见已保存，待书记审批。")
    extra_context = {"title": _("填写评议意见")}

    def load(self, pk):
        self.review = get_object_or_404(selectors.review_list(user=self.request.user), pk=pk)

    def perform(self, form):
        d = form.cleaned_data
        return actions.review_give_opinion(actor=self.request.user, review_id=self.review.pk, opinion=d["opinion"],
                                           grade=d["grade"], adjust_reason=d["adjust_reason"])


@login_required
@require_POST
def review_approve(request, pk):
    review = get_object_or_404(selectors.review_list(user=request.user), pk=pk)
    try:
        actions.reviews_approve(actor=request.user, review_ids=[review.pk])
        messages.success(request, gettext("已审批，进入公示。"))
    except (ValidationError, Conflict) as exc:
        _errors(request, exc)
    return HttpResponseRedirect(review.get_absolute_url())


class ReviewSendBackView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.SendBackForm
    success_message = _("已退回村评议会重新评议。")
    extra_context = {"title": _("退回重新评议")}

    def load(self, pk):
        self.review = get_object_or_404(selectors.review_list(user=self.request.user), pk=pk)

    def perform(self, form):
        return actions.review_send_back(actor=self.request.user, review_id=self.review.pk,
                                        reason=form.cleaned_data["reason"])


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
            })
        ctx["rows"] = rows
        ctx["objection_form"] = forms.ObjectionForm()
        ctx["today"] = timezone.localdate()
        return ctx


class ObjectionCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.ObjectionForm
    success_message = _("异议已提交；答复前，该等级不会生效。")
    extra_context = {"title": _("对公示等级提出异议")}

    def load(self, pk):
        self.review = get_object_or_404(selectors.review_list(user=self.request.user), pk=pk)

    def perform(self, form):
        actions.objection_raise(actor=self.request.user, review_id=self.review.pk, reason=form.cleaned_data["reason"])
        return reverse("credit:my_credit")


class MyConsentCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.ConsentForm
    success_message = _("授权已登记。")
    extra_context = {"title": _("授权银行/信用社查询我的信用等级")}

    def load(self, **kwargs):
        self.resident = selectors.my_residents(user=self.request.user).first()
        if self.resident is None:
            raise Http404

    def perform(self, form):
        d = form.cleaned_data
        actions.consent_record(actor=self.request.user, resident=self.resident, unit=d["unit"], purpose=d["purpose"],
                               valid_until=d["valid_until"], evidence=d["evidence"])
        return reverse("credit:my_credit")


class ConsentListView(ObjectListView):
    selector = selectors.consent_list
    filterset_class = ConsentFilterSet
    template_name = "credit/consent_list.html"
    title = _("查询授权")


class ConsentCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.StaffConsentForm
    success_message = _("授权已登记。")
    extra_context = {"title": _("登记居民查询授权")}

    def perform(self, form):
        d = form.cleaned_data
        resident = actions.resident_by_id_number(actor=self.request.user, id_number=d["id_number"], action="add",
                                                 model=Consent)
        actions.consent_record(actor=self.request.user, resident=resident, unit=d["unit"], purpose=d["purpose"],
                               valid_until=d["valid_until"], evidence=d["evidence"])
        return reverse("credit:consent_list")


@login_required
@require_POST
def consent_revoke(request, pk):
    consent = get_object_or_404(selectors.consent_list(user=request.user), pk=pk)
    try:
        actions.consent_revoke(actor=request.user, consent_id=consent.pk)
        messages.success(request, gettext("授权已撤回。"))
    except Conflict as exc:
        _errors(request, exc)
    return HttpResponseRedirect(reverse("credit:my_credit") if consent.resident.user_id == request.user.pk
                                else reverse("credit:consent_list"))


# --- objections ------------------------------------------------------------------------------------

class ObjectionListView(ObjectListView):
    selector = selectors.objection_list
    filterset_class = ObjectionFilterSet
    template_name = "credit/objection_list.html"
    title = _("异议处理")


class ObjectionDetailView(ObjectDetailView):
    selector = selectors.objection_list
    template_name = "credit/objection_detail.html"
    context_object_name = "objection"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_answer"] = self.object.status == "open" and can(self.request.user, self.object, "answer")
        ctx["answer_form"] = forms.AnswerForm()
        return ctx


class ObjectionAnswerView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.AnswerForm
    success_message = _("已答复异议。")
    extra_context = {"title": _("答复异议")}

    def load(self, pk):
        self.objection = get_object_or_404(selectors.objection_list(user=self.request.user), pk=pk)

    def perform(self, form):
        d = form.cleaned_data
        return actions.objection_answer(actor=self.request.user, objection_id=self.objection.pk, answer=d["answer"],
                                        decision=d["decision"], new_grade=d["new_grade"])


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
    template_name = "governance/form.html"
    form_class = forms.CheckForm
    extra_context = {"title": _("查询信用等级（参军、入党等）")}

    def perform(self, form):
        d = form.cleaned_data
        resident = actions.resident_by_id_number(actor=self.request.user, id_number=d["id_number"], action="check",
                                                 model=GradeCheck)
        return actions.grade_check(actor=self.request.user, resident=resident, purpose=d["purpose"])


class UnitCheckView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.UnitCheckForm
    extra_context = {"title": _("金融机构查询信用等级（需本人授权）")}

    def load(self, **kwargs):
        self.units = selectors.user_units(user=self.request.user)
        if not self.units.exists():
            raise Http404

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "units": self.units}

    def get_initial(self):
        units = list(self.units[:2])
        return {"unit": units[0] if len(units) == 1 else None,
                "purpose": selectors.check_purpose_list(user=self.request.user).filter(code="loan").first()}

    def perform(self, form):
        d = form.cleaned_data
        return actions.grade_check_by_unit(actor=self.request.user, unit=d["unit"], id_number=d["id_number"],
                                           purpose=d["purpose"])


class CheckDetailView(ObjectDetailView):
    selector = selectors.check_list
    template_name = "credit/check_detail.html"
    context_object_name = "check"


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

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_change"] = can(self.request.user, self.object, "change")
        return ctx


class WorkerCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.WorkerForm
    success_message = _("已登记到家嫂名册。")
    extra_context = {"title": _("登记家嫂")}

    def perform(self, form):
        d = form.cleaned_data
        resident = actions.resident_by_id_number(actor=self.request.user, id_number=d["id_number"], action="add",
                                                 model=DomesticWorker)
        return actions.worker_register(actor=self.request.user, resident=resident, skills=d["skills"],
                                       certificates=d["certificates"], stars=d["stars"], available=d["available"])


class WorkerEditView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.WorkerEditForm
    success_message = _("已保存。")
    extra_context = {"title": _("修改家嫂信息")}

    def load(self, pk):
        self.worker = get_object_or_404(selectors.worker_list(user=self.request.user), pk=pk)

    def get_initial(self):
        w = self.worker
        return {"skills": w.skills, "certificates": w.certificates, "stars": w.stars, "available": w.available}

    def perform(self, form):
        d = form.cleaned_data
        return actions.worker_update(actor=self.request.user, worker_id=self.worker.pk, skills=d["skills"],
                                     certificates=d["certificates"], stars=d["stars"], available=d["available"])


class WorkerRequestListView(ObjectListView):
    selector = selectors.worker_request_list
    filterset_class = WorkerRequestFilterSet
    template_name = "credit/request_list.html"
    title = _("家嫂用工需求")


class WorkerRequestCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = forms.WorkerRequestForm
    success_message = _("需求已登记，推荐名单如下。")
    extra_context = {"title": _("登记家嫂用工需求")}

    def get_form_kwargs(self):
        from governance.selectors import region_list

        regions = region_list(user=self.request.user).filter(level__lte=Region.Level.VILLAGE).order_by("path")
        return {**super().get_form_kwargs(), "regions": regions}

    def perform(self, form):
        d = form.cleaned_data
        return actions.worker_request_create(actor=self.request.user, region=d["region"], employer=d["employer"],
                                             skill=d["skill"], note=d["note"])


class WorkerRequestDetailView(ObjectDetailView):
    selector = selectors.worker_request_list
    template_name = "credit/request_detail.html"
    context_object_name = "req"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["shortlist"], ctx["minimum"] = selectors.shortlist(user=self.request.user, request=self.object)
        return ctx


