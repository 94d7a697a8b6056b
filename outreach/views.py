from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from governance.generic import ActionFormView, ObjectDetailView, ObjectListView

from . import actions, forms, selectors


class NoticeListView(ObjectListView):
    selector = selectors.notice_list
    template_name = "outreach/notice_list.html"
    title = _("通知发送情况")


class NoticeDetailView(ObjectDetailView):
    selector = selectors.notice_list
    template_name = "outreach/notice_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["deliveries"] = selectors.delivery_list(user=self.request.user, notice=self.object)
        return ctx


class LocalOutboxView(ObjectListView):
    selector = selectors.local_message_list
    template_name = "outreach/local_outbox.html"
    title = _("本地发件箱（演示：短信与邮件）")


# --- Villager sign-in by SMS code (issue #19): anonymous pages, the pending request kept in the session ------
PENDING = "outreach.sign_in.request"
NEXT = "outreach.sign_in.next"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request, value) -> str:
    value = value or ""
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return ""


def _client_ip(request) -> str | None:
    from axes.helpers import get_client_ip_address  # the address as the login lockout reads it

    return get_client_ip_address(request) or None


class _SignInStep(FormView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return HttpResponseRedirect(_safe_next(request, request.GET.get("next")) or resolve_url(settings.LOGIN_REDIRECT_URL))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=_("手机验证码登录"), sent_message=actions.SENT_IF_REGISTERED,
                   code_minutes=actions._setting("CODE_MINUTES"))
        return ctx


class PhoneSignInView(_SignInStep):
    """Step 1: the number. Any well-formed number answers the same way (no probe of who is registered)."""

    template_name = "outreach/sign_in.html"
    form_class = forms.PhoneForm

    def get(self, request, *args, **kwargs):
        nxt = _safe_next(request, request.GET.get("next"))
        if nxt:
            request.session[NEXT] = nxt
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        request = self.request
        try:
            pending = actions.sign_in_code_send(phone=form.cleaned_data["phone"], ip=_client_ip(request))
        except ValidationError as e:
            for message in e.message_dict.get("phone", e.messages):
                form.add_error("phone", message)
            return self.form_invalid(form)
        nxt = _safe_next(request, request.POST.get("next"))
        if nxt:
            request.session[NEXT] = nxt
        request.session[PENDING] = pending.pk
        return HttpResponseRedirect(reverse("outreach:phone_sign_in_code"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["next"] = _safe_next(self.request, self.request.GET.get("next") or self.request.POST.get("next"))
        return ctx


class CodeSignInView(_SignInStep):
    """Step 2: the code. Right: signed in (their account made on the first time) and sent where `next` said."""

    template_name = "outreach/sign_in_code.html"
    form_class = forms.CodeForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated and not request.session.get(PENDING):
            return HttpResponseRedirect(reverse("outreach:phone_sign_in"))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        request = self.request
        try:
            user = actions.sign_in_code_verify(request_id=request.session[PENDING], code=form.cleaned_data["code"])
        except ValidationError as e:
            for message in e.message_dict.get("code", e.messages):
                form.add_error("code", message)
            return self.form_invalid(form)
        nxt = _safe_next(request, request.session.get(NEXT))
        login(request, user, backend=BACKEND)  # a new session key: the pending request is left behind
        for key in (PENDING, NEXT):
            request.session.pop(key, None)
        messages.success(request, _("登录成功。"))
        return HttpResponseRedirect(nxt or resolve_url(settings.LOGIN_REDIRECT_URL))


class PreferencesView(ActionFormView):
    """The signed-in person's own channels per kind of notice (issue #19), staff or villager."""

    template_name = "outreach/preferences.html"
    form_class = forms.PreferencesForm
    action = actions.preferences_set
    title = _("通知接收设置")
    submit_label = _("保存设置")
    success_message = _("通知接收设置已保存。")
    success_url = "outreach:preferences"

    def action_kwargs(self, form) -> dict:
        return {"choices": form.choices()}

    def get_context_data(self, **kwargs):
        from .models import Delivery

        ctx = super().get_context_data(**kwargs)
        ctx.update(rows=ctx["form"].rows(), channel_labels=[label for _v, label in Delivery.Channel.choices])
        return ctx
