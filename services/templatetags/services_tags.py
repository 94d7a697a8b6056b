from django import template

from services.models import yuan as _yuan

register = template.Library()


@register.filter
def yuan(fen):
    """Integer fen → "1,234.50" (yuan); never through a float."""
    return _yuan(int(fen or 0))


@register.filter
def stars(n):
    return "★" * int(n or 0) + "☆" * (5 - int(n or 0)) if n else "—"
