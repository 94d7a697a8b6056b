"""Villager mode (issue #17): for a person who is only a villager, the portal is their own pages.

A resident account holds the role 群众 and nothing else. For them only the pages an app declares as a
villager's exist — their orders, issues, credit grade, the village's notices and topics, wishes — every
other page answers "not found" (the staff screens are not theirs to see, even empty), and the menu lists
only these. Each app declares its villager pages in its AppConfig.ready(), next to its menu entries:

    villager.pages("grids:issue_list", "grids:issue_report", "grids:issue_detail", ...)

The API keeps its own scoping (a villager's token reads what their scope allows); this is about pages.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .scoping import Role, user_roles

_pages: set[str] = set()

# The core's pages every signed-in person has: home, sign-in and out, password, language, notices.
CORE_PAGES = {"home", "login", "logout", "password_change", "set_language", "notification_list",
              "notifications_mark_read", "attachment_download", "picker",
              "household_detail", "resident_detail",  # their own household and record (owner scope)
              "service_worker", "web_manifest"}  # the installable app (governance/offline.py)


def pages(*url_names: str) -> None:
    _pages.update(url_names)


def allowed(url_name: str) -> bool:
    return url_name in CORE_PAGES or url_name in _pages


def is_villager(user) -> bool:
    """Signed in, not staff of anything: their only role is 群众 (or none at all)."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser or user.is_staff:
        return False
    return user_roles(user) <= {Role.RESIDENT}


class VillagerModeMiddleware:
    """Answers "not found" for every page that is not a villager's, to a villager (the portal's 404 page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or request.path.startswith(("/api/", "/static/", "/open311/")):
            return None
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        if not name or allowed(name) or match.url_name in ("set_language",) or not is_villager(request.user):
            return None
        if name.startswith("admin:"):
            return None  # the admin site refuses non-staff on its own (to its login page)
        from .middleware import error_page

        return error_page(request, 404)


# The villager's home: the few things they come for, as large buttons (only those that exist for them).
ACTIONS = [
    ("services:menu_list", "bi-bag-plus", _("我要办事"), _("从服务清单下单，村里派人办")),
    ("grids:issue_report", "bi-megaphone", _("我要反映"), _("路灯坏了、水渠堵了……拍张照就能报")),
    ("services:order_mine", "bi-receipt", _("我的订单"), _("看办到哪一步了")),
    ("grids:issue_list", "bi-chat-square-text", _("我的诉求"), _("我反映的事，处理进度")),
    ("credit:my_credit", "bi-award", _("我的信用"), _("信用等级和加减分说明")),
    ("deliberation:topic_list", "bi-people", _("村里议事"), _("参加表决、发表意见（在外地也能参加）")),
    ("credit:notice_list", "bi-megaphone-fill", _("公示"), _("本村信用评议公示")),
    ("services:errand_list", "bi-person-walking", _("全程代办"), _("请村里帮忙代办的事")),
]


def villager_home(user) -> dict:
    from django.urls import NoReverseMatch, reverse
    from .models import Resident
    from .places import place_name

    me = Resident.objects.filter(user=user).select_related("household", "region").first()
    tiles = []
    for url_name, icon, label, hint in ACTIONS:
        if not allowed(url_name):
            continue
        try:
            tiles.append({"url": reverse(url_name), "icon": icon, "label": label, "hint": hint})
        except NoReverseMatch:
            continue
    if me is not None:
        tiles.insert(2, {"url": me.household.get_absolute_url(), "icon": "bi-house-heart", "label": _("我的家"),
                         "hint": _("家庭成员和登记信息")})
    return {"me": me, "my_place": place_name(me.region) if me else "", "tiles": tiles}
