from django.conf import settings

from .navigation import menu_for
from .scoping import Role, user_roles


def portal(request):
    user = getattr(request, "user", None)
    ctx = {"PORTAL_NAME": settings.PORTAL_NAME, "unread_notifications": 0, "my_roles": []}
    if user is not None and user.is_authenticated:
        from .selectors import unread_count

        roles = user_roles(user)
        ctx["unread_notifications"] = unread_count(user=user)
        ctx["my_roles"] = [Role(r).label for r in Role.values if r in roles]
        ctx["my_role_codes"] = roles
        ctx["is_county"] = Role.COUNTY_ADMIN in roles or user.is_superuser
        ctx["menu"] = menu_for(user, roles)
        ctx["villager_mode"] = not user.is_superuser and not user.is_staff and roles <= {Role.RESIDENT}
    return ctx
