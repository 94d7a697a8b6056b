"""Pages of the core: configuration on the generic views (governance.generic); every write is one action."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from . import actions, selectors
from .filtersets import AuditEntryFilterSet, HouseholdFilterSet, RegionFilterSet, ResidentFilterSet, RoleAssignmentFilterSet
from .forms import HouseholdForm, LookupForm, ResidentForm, RevealForm
from .generic import ActionFormView, ButtonView, ObjectDetailView, ObjectListView
from .scoping import can, load_for


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "governance/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        from .villager import is_villager, villager_home

        if is_villager(user):
            ctx.update(villager_home(user))
            ctx["notifications"] = selectors.notification_list(user=user)[:5]
            return ctx
        ctx["roots"] = selectors.user_root_regions(user=user)
        ctx["assignments"] = selectors.my_role_assignments(user=user)
        ctx["jobs"] = selectors.job_status_list(user=user)
        ctx["notifications"] = selectors.notification_list(user=user)[:10]
        return ctx

    def get_template_names(self):
        from .villager import is_villager

        return ["governance/home_villager.html"] if is_villager(self.request.user) else [self.template_name]


# --- Regions -------------------------------------------------------------------------------------

class RegionListView(ObjectListView):
    selector = selectors.region_list
    filterset_class = RegionFilterSet
    template_name = "governance/region_list.html"
    title = _("区域")

    def get_base_queryset(self):
        qs = super().get_base_queryset()
        if not self.request.GET:
            return qs.filter(pk__in=selectors.user_root_regions(user=self.request.user).values("pk"))
        return qs


class RegionDetailView(ObjectDetailView):
    selector = selectors.region_list
    template_name = "governance/region_detail.html"
    context_object_name = "region"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, region = self.request.user, self.object
        ctx["children"] = selectors.region_children(user=user, region=region)
        ctx["ancestors"] = selectors.region_list(user=user).filter(pk__in=region.ancestors().values("pk"))
        residents = selectors.resident_list(user=user).filter(region__in=region.subtree().values("pk"))
        ctx["resident_count"] = residents.count()
        ctx["household_count"] = selectors.household_list(user=user).filter(
            region__in=region.subtree().values("pk")).count()
        ctx["panels"] = region_panels(user=user, region=region)
        return ctx


def region_panels(*, user, region):
    """Sections other apps contribute to a region's page (registered in governance.panels)."""
    from .panels import panels_for

    return panels_for(user=user, region=region)


# --- Households ----------------------------------------------------------------------------------

class HouseholdListView(ObjectListView):
    selector = selectors.household_list
    filterset_class = HouseholdFilterSet
    template_name = "governance/household_list.html"
    title = _("户")


class HouseholdDetailView(ObjectDetailView):
    selector = selectors.household_list
    template_name = "governance/household_detail.html"
    context_object_name = "household"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["members"] = selectors.resident_list(user=self.request.user).filter(household=self.object)
        ctx["can_change"] = can(self.request.user, self.object, "change")
        return ctx


class HouseholdCreateView(ActionFormView):
    form_class = HouseholdForm
    action = actions.household_create
    title = _("登记新户")
    submit_label = _("登记")
    success_message = _("已登记新户。")


class HouseholdEditView(ActionFormView):
    object_selector = selectors.household_list
    object_arg = "household_id"
    form_class = HouseholdForm
    form_object_arg = "instance"
    action = actions.household_update
    title = _("修改户信息")
    success_message = _("已保存。")

    def action_kwargs(self, form):
        d = super().action_kwargs(form)
        d.pop("number", None)  # shown, not changed
        return d


# --- Residents -----------------------------------------------------------------------------------

class ResidentListView(ObjectListView):
    selector = selectors.resident_list
    filterset_class = ResidentFilterSet
    template_name = "governance/resident_list.html"
    title = _("居民")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "lookup_form": LookupForm()}


class ResidentDetailView(ObjectDetailView):
    selector = selectors.resident_list
    template_name = "governance/resident_detail.html"
    context_object_name = "resident"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_change"] = can(user, self.object, "change")
        ctx["can_reveal"] = can(user, self.object, "reveal")
        ctx["reveal_form"] = RevealForm()
        ctx["panels"] = resident_panels(user=user, resident=self.object)
        return ctx


def resident_panels(*, user, resident):
    from .panels import resident_panels_for

    return resident_panels_for(user=user, resident=resident)


class ResidentCreateView(ActionFormView):
    object_selector = selectors.household_list  # the household the URL names
    object_arg = "household"
    form_class = ResidentForm
    form_object_arg = "household"
    action = actions.resident_create
    title = _("登记居民：%(object)s")
    submit_label = _("登记")
    success_message = _("已登记居民。")


class ResidentEditView(ActionFormView):
    object_selector = selectors.resident_list
    object_arg = "resident_id"
    form_class = ResidentForm
    form_object_arg = "instance"
    action = actions.resident_update
    title = _("修改居民：%(object)s")
    success_message = _("已保存。")


@login_required
@require_POST
def resident_reveal(request, pk):
    """Show the full ID number once, on this response only (never stored: no-store), the reveal audit-logged.
    Not a ButtonView: it answers with the number itself, not a redirect."""
    resident = load_for(selectors.resident_list(user=request.user), request.user, pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写查看完整身份证号的事由。"))
        return HttpResponseRedirect(resident.get_absolute_url())
    full = actions.resident_reveal_id(actor=request.user, resident_id=resident.pk, reason=form.cleaned_data["reason"])
    response = render(request, "governance/resident_reveal.html", {"resident": resident, "full_id": full})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def resident_lookup(request):
    """精确查找 by a full ID number or phone: a POST (the number is never in a URL), limited and audited."""
    from django.core.exceptions import ValidationError

    from . import lookups

    form = LookupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请输入完整的18位身份证号或11位手机号。"))
        return HttpResponseRedirect(reverse("resident_list"))
    try:
        resident = lookups.resident_lookup(actor=request.user, text=form.cleaned_data["number"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("resident_list"))
    if resident is None:
        messages.warning(request, _("您的管辖范围内没有该号码的居民。"))
        return HttpResponseRedirect(reverse("resident_list"))
    messages.success(request, _("已找到：%(n)s。") % {"n": resident.name})
    return HttpResponseRedirect(resident.get_absolute_url())


# --- Roles, audit, notifications -----------------------------------------------------------------

class RoleAssignmentListView(ObjectListView):
    selector = selectors.role_assignment_list
    filterset_class = RoleAssignmentFilterSet
    template_name = "governance/role_assignment_list.html"
    title = _("角色任命")


class AuditListView(ObjectListView):
    selector = selectors.audit_list
    filterset_class = AuditEntryFilterSet
    template_name = "governance/audit_list.html"
    title = _("审计日志")



class NotificationListView(ObjectListView):
    selector = selectors.notification_list
    template_name = "governance/notification_list.html"
    title = _("通知")


class NotificationsMarkReadView(ButtonView):
    """全部标为已读: every unread notification of the user's."""

    action = actions.notification_mark_read
    title = _("全部标为已读")
    submit_label = _("全部标为已读")
    success_message = _("通知已全部标为已读。")
    success_url = "notification_list"


@login_required
def attachment_download(request, pk):
    """An attachment is served to whoever may see the object it is attached to — nobody else (404)."""
    from django.http import FileResponse

    attachment = load_for(selectors.attachments_by_target(), request.user, pk)
    if not selectors.attachment_target_visible(user=request.user, attachment=attachment):
        raise Http404
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.mime,
                            as_attachment=attachment.mime == "application/pdf", filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def not_found(request, exception=None):
    """404 in the caller's language and format: JSON under /api/, the portal's page elsewhere."""
    message = _("对象不存在或不在您的管辖范围内。")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(message)}, status=404)
    return render(request, "404.html", {"message": message}, status=404)
