from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def _span(seconds: float) -> str:
    hours = int(abs(seconds) // 3600)
    if hours >= 48:
        return _("%(d)d天%(h)d小时") % {"d": hours // 24, "h": hours % 24}
    if hours >= 1:
        return _("%(h)d小时") % {"h": hours}
    return _("%(m)d分钟") % {"m": max(1, int(abs(seconds) // 60))}


@register.filter
def time_left(issue):
    """'剩余 5小时' in green/amber, '已超时 3小时' in red; nothing for a finished issue."""
    if not issue.is_open:
        return ""
    seconds = (issue.deadline - timezone.now()).total_seconds()
    if seconds < 0:
        return format_html('<span class="badge bg-danger">{}</span>', _("已超时 %(t)s") % {"t": _span(seconds)})
    css = "bg-warning text-dark" if seconds < 6 * 3600 else "bg-success"
    return format_html('<span class="badge {}">{}</span>', css, _("剩余 %(t)s") % {"t": _span(seconds)})
