"""Errors an action raises for the interfaces to turn into a clear message (form error, 400, 409)."""
from django.utils.translation import gettext_lazy as _


class Conflict(Exception):
    """The object changed under the user (someone else pressed the same button first): HTTP 409."""

    default_message = _("该记录已被他人处理，请刷新后查看最新状态。")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))
