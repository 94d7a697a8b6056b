"""Where a detail or form page sits: the object's region path (县 › 乡镇 › 村 › 组), the list it belongs to,
the object, the step. Derived, not declared: the region from the model's ScopeSpec, the list from the page's
URL name (`grids:issue_resolve` → `grids:issue_list`), its label from the list view's title."""
from __future__ import annotations

from django.urls import NoReverseMatch, Resolver404, resolve, reverse


def _region_of(obj):
    spec = getattr(type(obj), "scope_spec", None)
    lookup = getattr(spec, "region", None)
    if not lookup:
        return None
    if lookup == "self":
        return obj
    target = obj
    for part in lookup.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


def _list_of(request, obj):
    """(label, url) of the list page this page belongs to, or None."""
    from . import villager

    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name:
        return None
    parts = match.url_name.split("_")
    ns = f"{match.namespace}:" if match.namespace else ""
    for k in range(len(parts), 0, -1):
        name = f"{ns}{'_'.join(parts[:k])}_list"
        if name == f"{ns}{match.url_name}":
            return None  # a list page has no list above it
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if villager.is_villager(request.user) and not villager.allowed(name):
            return None  # never a link to a page the villager lacks
        label = ""
        try:
            view_class = getattr(resolve(url).func, "view_class", None)
            label = str(getattr(view_class, "title", "") or "")
        except Resolver404:
            pass
        if not label and obj is not None:
            label = str(type(obj)._meta.verbose_name_plural)
        return (label, url) if label else None
    return None


def breadcrumbs(request, obj=None, *, leaf=None) -> list[dict]:
    """[{label, url}] — url None for the current page and the region names (plain text: a user may not see
    the regions above their own)."""
    from .models import Region

    crumbs = []
    region = _region_of(obj) if obj is not None else None
    if isinstance(region, Region):
        chain = list(region.ancestors().only("name", "level")) + [region]
        crumbs += [{"label": r.name, "url": None, "region": True} for r in chain if r.level > 1 or len(chain) == 1]
    listed = _list_of(request, obj)
    if listed:
        crumbs.append({"label": listed[0], "url": listed[1]})
    if obj is not None and obj is not region:
        url = obj.get_absolute_url() if leaf and hasattr(obj, "get_absolute_url") else None
        crumbs.append({"label": str(obj), "url": url})
    if leaf:
        crumbs.append({"label": str(leaf), "url": None})
    return crumbs if len(crumbs) > 1 else []
