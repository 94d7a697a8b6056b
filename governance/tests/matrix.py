"""The authorization matrix's registry: how to make one object of each model in a given region.

Each app registers its models in `<app>/tests/matrix.py` (imported by the matrix test):

    from governance.tests.matrix import register
    register(Issue, lambda region, tree, personas: make_issue(region=region))

`region` is a village-level or lower region (A1's group or B1's compound): the factory makes an
object that belongs there. An API endpoint or page whose model has no factory here fails the matrix.
"""
from __future__ import annotations

from typing import Callable

FACTORIES: dict[type, Callable] = {}

# URL names of pages/endpoints that are about no object and need only a login (lists scoped by
# their selector, forms, dashboards), or are public. Apps add theirs with `register_page`.
PUBLIC_URL_NAMES: set[str] = {"login", "logout", "set_language", "api_token", "api_schema", "api_docs"}
# Not login pages: liveness is public; readiness and metrics answer loopback or HEALTH_TOKEN only (their
# refusal to anyone else is tested in governance/tests/test_health.py).
PUBLIC_URL_NAMES |= {"health_live", "health_ready", "metrics"}
# The installable app's service worker and manifest: static files, public (issue #17).
PUBLIC_URL_NAMES |= {"service_worker", "web_manifest"}
LOGIN_URL_NAMES: set[str] = set()
# URL kwarg -> model, for pages whose object is named by a kwarg other than the view's own `pk`.
KWARG_MODELS: dict[str, type] = {}


def register(model: type, factory: Callable) -> None:
    FACTORIES[model] = factory


PAGE_KWARGS: dict[str, dict] = {}


def register_pages(*url_names: str, **sample_kwargs) -> None:
    """Pages about no object (lists, forms, dashboards): anonymous is sent to login, anyone else gets
    a scoped page. A page whose URL has a non-object kwarg (an export's key) gives a sample value."""
    LOGIN_URL_NAMES.update(url_names)
    for name in url_names:
        PAGE_KWARGS[name] = sample_kwargs


def register_kwarg(kwarg: str, model: type) -> None:
    KWARG_MODELS[kwarg] = model


# List pages and exports that show a part of what the user may see (their own orders, a queue of one
# status): url name, or "export:<key>" -> (user, obj) -> bool, the narrowing read by hand. Every other list
# page and export must show exactly the user's scope.
NARROWED: dict[str, Callable] = {}
# Query parameters a list page or export is read with in the matrix (a page that needs a filter to list).
LIST_PARAMS: dict[str, dict] = {}


def register_narrowed(name: str, shows: Callable, **params) -> None:
    NARROWED[name] = shows
    if params:
        LIST_PARAMS[name] = params


def visible_pks(user, model, action: str = "view") -> set:
    """The model's ScopeSpec read by hand, independently of the SQL that restrict() builds: the pks of `model`
    inside a subtree where the user holds one of the action's roles, or their own. Cached for one module's
    world (every matrix test rolls back to it); `forget_visible()` when the world changes."""
    from governance.models import RoleAssignment

    key = (user.pk, model, action)
    if key in _VISIBLE:
        return _VISIBLE[key]
    spec = model.scope_spec
    roots = [a.region.path for a in RoleAssignment.objects.filter(
        user=user, active=True, role__in=spec.roles_for(action)).select_related("region")]
    rows = model.objects.all()
    seen = set()
    if roots and spec.region is None:
        seen = set(rows.values_list("pk", flat=True))
    elif roots and spec.region:
        path = "path" if spec.region == "self" else f"{spec.region}__path"
        seen = {pk for pk, p in rows.values_list("pk", path) if p and any(p.startswith(r) for r in roots)}
    if spec.owner and action in spec.owner_actions:
        seen |= set(rows.filter(**{spec.owner: user}).values_list("pk", flat=True))
    _VISIBLE[key] = seen
    return seen


_VISIBLE: dict = {}


def forget_visible() -> None:
    _VISIBLE.clear()


def load_all() -> None:
    """Import the core's and every domain app's `tests/matrix.py`, so every factory is registered."""
    import importlib
    from importlib.util import find_spec

    from django.conf import settings

    for app in ("governance", *settings.DOMAIN_APPS):
        if find_spec(f"{app}.tests.matrix"):
            importlib.import_module(f"{app}.tests.matrix")
    importlib.import_module("governance.tests.matrix_core")
