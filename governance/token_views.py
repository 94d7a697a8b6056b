"""我的令牌 (my API tokens) and the password change: pages over governance.tokens."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import tokens


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100, required=False,
                           help_text=gettext_lazy("例如：台账同步脚本"))


def _page(request, *, form=None, new_token=None, new_key=None, status=200):
    response = render(request, "governance/token_list.html", {
        "title": _("我的令牌"),
        "tokens": tokens.api_token_list(user=request.user),
        "form": form or TokenCreateForm(),
        "new_token": new_token,
        "new_key": new_key,
        "lifetime_hours": tokens.lifetime().total_seconds() // 3600,
    }, status=status)
    return response


@never_cache
@login_required
def token_list(request):
    return _page(request)


@never_cache
@login_required
@require_POST
def token_create(request):
    """Answers with the page itself, the key on it this once: it is never stored, nor put in a URL,
    a message or the session."""
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    token, key = tokens.api_token_create(actor=request.user, name=form.cleaned_data["name"])
    return _page(request, new_token=token, new_key=key)


@login_required
@require_POST
def token_revoke(request, pk):
    token = tokens.api_token_revoke(actor=request.user, token_id=pk)
    messages.success(request, _("令牌 %(prefix)s… 已撤销，使用它的程序将无法再访问。") % {"prefix": token.prefix})
    return HttpResponseRedirect(reverse("token_list"))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own view (the session stays signed in); the change revokes every API token through
    the password validators' `password_changed` hook (tokens.RevokeTokensOnPasswordChange)."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("密码已修改，您的全部 API 令牌已失效。"))
        return response
