from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def cell(obj, accessor: str):
    """`obj|cell:"a.b.get_kind_display"`: follow the dots, call what is callable; None shows as —."""
    value = obj
    for part in accessor.split("."):
        if value is None:
            break
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if callable(value):
            value = value()
    if value is None or value == "":
        return "—"
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if hasattr(value, "get_full_name"):
        return value.get_full_name() or value.username
    return value


@register.filter
def stars(n) -> str:
    return "★" * int(n or 0) + "☆" * (5 - int(n or 0))
