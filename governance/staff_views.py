"""Accounts and roles a county runs itself (issue #18): pages over governance.actions' role_* and account_*.

Every page is a declared list, detail, form or button over the scoped selectors: an account or a role outside
the user's scope is not found (404); the rules (rank, term, 三员分立) live in the actions."""
from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from . import actions, selectors
from .filtersets import AccountFilterSet, RoleAssignmentFilterSet
from .forms import (AccountCreateForm, OptionalReasonForm, ReasonRequiredForm, RoleEndForm, RoleGrantForm,
                    RoleProposeForm, RoleTransferForm)
from .generic import ActionFormView, ButtonView, ObjectDetailView, ObjectListView
from .models import RoleAssignment


class _LinkOnce:
    """The one-time set-password link is shown once, in the message that ends the step (never stored, never
    e-mailed by the portal: the administrator hands it over)."""

    def get_success_url_for(self, result):
        link = self.request.build_absolute_uri(result.set_password_link)
        messages.info(self.request, _("一次性设置密码链接（只显示这一次，请当面或通过内部渠道交给本人）：%(link)s") % {"link": link})
        self.request._no_store = True
        return super().get_success_url_for(result)


class AccountListView(ObjectListView):
    selector = selectors.account_list
    filterset_class = AccountFilterSet
    template_name = "governance/account_list.html"
    title = _("账号管理")


class AccountDetailView(ObjectDetailView):
    selector = selectors.account_list
    template_name = "governance/account_detail.html"

    def get_context_data(self, **kwargs):
        from .scoping import can

        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["roles"] = selectors.account_roles(user=user, account=self.object)
        ctx["can_change"] = can(user, self.object, "change") and self.object.user_id != user.pk
        return ctx


class AccountCreateView(_LinkOnce, ActionFormView):
    form_class = AccountCreateForm
    action = actions.account_create
    title = _("新建账号")
    submit_label = _("创建")
    success_message = _("已创建账号；首次登录须设置密码。")


class AccountResetPasswordView(_LinkOnce, ActionFormView):
    object_selector = selectors.account_list
    object_action = "change"
    object_arg = "profile_id"
    form_class = OptionalReasonForm
    action = actions.account_reset_password
    title = _("重置密码：%(object)s")
    submit_label = _("重置并生成一次性链接")
    success_message = _("原密码已失效，全部令牌已撤销。")


class AccountDisableView(ActionFormView):
    object_selector = selectors.account_list
    object_action = "change"
    object_arg = "profile_id"
    form_class = OptionalReasonForm
    action = actions.account_set_active
    title = _("停用账号：%(object)s")
    submit_label = _("停用")
    success_message = _("账号已停用。")

    def action_kwargs(self, form):
        return {**super().action_kwargs(form), "active": False}


class AccountEnableView(AccountDisableView):
    title = _("启用账号：%(object)s")
    submit_label = _("启用")
    success_message = _("账号已启用。")

    def action_kwargs(self, form):
        return {**super().action_kwargs(form), "active": True}


class RoleAssignmentDetailView(ObjectDetailView):
    selector = selectors.role_assignment_list
    template_name = "governance/role_assignment_detail.html"

    def get_context_data(self, **kwargs):
        from .scoping import can

        ctx = super().get_context_data(**kwargs)
        a, user = self.object, self.request.user
        mine = a.user_id == user.pk
        ctx["can_change"] = not mine and can(user, a, "change")
        ctx["is_active"] = a.status == RoleAssignment.Status.ACTIVE
        ctx["is_proposed"] = a.status == RoleAssignment.Status.PROPOSED
        ctx["history"] = selectors.role_assignment_list(user=user).filter(user_id=a.user_id).order_by("-starts_on", "-id")
        return ctx


class RoleGrantView(ActionFormView):
    form_class = RoleGrantForm
    action = actions.role_grant
    title = _("任命角色")
    submit_label = _("任命")
    success_message = _("已任命，即时生效。")


class RoleProposeView(ActionFormView):
    form_class = RoleProposeForm
    action = actions.role_propose
    title = _("提名网格员 / 村助理")
    submit_label = _("提交乡镇确认")
    success_message = _("已提名，等待乡镇确认。")


class RoleEndView(ActionFormView):
    object_selector = selectors.role_assignment_list
    object_action = "change"
    object_arg = "assignment_id"
    form_class = RoleEndForm
    action = actions.role_end
    title = _("免职 / 结束任期：%(object)s")
    submit_label = _("结束任期")
    success_message = _("任期已结束。")


class RoleTransferView(ActionFormView):
    object_selector = selectors.role_assignment_list
    object_action = "change"
    object_arg = "assignment_id"
    form_class = RoleTransferForm
    action = actions.role_transfer
    title = _("调动：%(object)s")
    submit_label = _("调动")
    success_message = _("已调动：原任期结束，新任期开始。")


class RoleConfirmView(ButtonView):
    object_selector = selectors.role_assignment_list
    object_action = "change"
    object_arg = "assignment_id"
    action = actions.role_confirm
    title = _("确认提名：%(object)s")
    success_message = _("已确认，即时生效。")


class RoleRejectView(ActionFormView):
    object_selector = selectors.role_assignment_list
    object_action = "change"
    object_arg = "assignment_id"
    form_class = ReasonRequiredForm
    action = actions.role_reject
    title = _("不予确认：%(object)s")
    submit_label = _("不予确认")
    success_message = _("已退回提名。")


__all__ = ["AccountListView", "AccountDetailView", "AccountCreateView", "AccountResetPasswordView",
           "AccountDisableView", "AccountEnableView", "RoleAssignmentDetailView", "RoleGrantView", "RoleProposeView",
           "RoleEndView", "RoleTransferView", "RoleConfirmView", "RoleRejectView", "RoleAssignmentFilterSet"]
