"""The navigation bar, by role. Each app registers its entries in its AppConfig.ready()."""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset[str]  # empty: every signed-in user
    group: str = ""
    order: int = 100
    url_kwargs: tuple = ()


_items: list[MenuItem] = []


def register(label, url_name: str, *, roles=(), group="", order: int = 100, **url_kwargs) -> None:
    _items.append(MenuItem(label=label, url_name=url_name, roles=frozenset(roles), group=group, order=order,
                           url_kwargs=tuple(url_kwargs.items())))


def menu_for(user, roles: set[str]) -> list[dict]:
    """[{"group": label, "items": [(label, url)]}] in registration order of groups."""
    groups: dict[str, list] = {}
    for item in sorted(_items, key=lambda i: i.order):
        if item.roles and not (item.roles & roles) and not user.is_superuser:
            continue
        try:
            url = reverse(item.url_name, kwargs=dict(item.url_kwargs) or None)
        except NoReverseMatch:
            continue
        groups.setdefault(str(item.group), []).append((item.label, url))
    return [{"group": g, "items": items} for g, items in groups.items()]
