"""The navigation bar, by role. Each app registers its entries in its AppConfig.ready()."""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import get_language


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset[str]  # empty: every signed-in user
    group: str = ""
    order: int = 100
    url_kwargs: tuple = ()


_items: list[MenuItem] = []
# The menu depends only on the roles held, superuser or not, the language and the URL prefix: built once
# per combination (every page shows it; building it took ~50 reverse() and ~100 translations a page).
_built: dict[tuple, list[dict]] = {}


def register(label, url_name: str, *, roles=(), group="", order: int = 100, **url_kwargs) -> None:
    _items.append(MenuItem(label=label, url_name=url_name, roles=frozenset(roles), group=group, order=order,
                           url_kwargs=tuple(url_kwargs.items())))
    _built.clear()


def menu_for(user, roles: set[str]) -> list[dict]:
    """[{"group": label, "items": [(label, url)]}] in registration order of groups (do not mutate: shared)."""
    key = (frozenset(roles), bool(user.is_superuser), get_language(), get_script_prefix())
    menu = _built.get(key)
    if menu is None:
        menu = _built[key] = _build(roles, user.is_superuser)
    return menu


def _build(roles, superuser: bool) -> list[dict]:
    from .scoping import Role
    from .villager import allowed

    villager = not superuser and set(roles) <= {Role.RESIDENT}
    groups: dict[str, list] = {}
    for item in sorted(_items, key=lambda i: i.order):
        if item.roles and not (item.roles & roles) and not superuser:
            continue
        if villager and not allowed(item.url_name):  # villager mode: only a villager's own pages
            continue
        try:
            url = reverse(item.url_name, kwargs=dict(item.url_kwargs) or None)
        except NoReverseMatch:
            continue
        groups.setdefault(str(item.group), []).append((str(item.label), url))
    return [{"group": g, "items": items} for g, items in groups.items()]
