"""The authorization matrix, generated from the URL conf.

Every API route and every page is classified: public, login-only (a list or form that is scoped by
its selector), or an object endpoint whose model is known. For object endpoints, township A's people
get 404 on township B's object; lists return only what each persona may see (checked against the
model's ScopeSpec, read independently of the SQL that restrict() builds); anonymous callers are
refused everywhere but login. A new route that cannot be classified fails here.
"""
from __future__ import annotations

import importlib
from importlib.util import find_spec

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from governance.models import RoleAssignment
from governance.urls import DOMAIN_APPS

from . import matrix, matrix_core  # noqa: F401  (registers the core models)

for _app in DOMAIN_APPS:
    if find_spec(f"{_app}.tests.matrix"):
        importlib.import_module(f"{_app}.tests.matrix")

A_SIDE = ["township_head_a", "township_staff_a", "village_secretary_a1", "village_assistant_a1",
          "grid_leader_a1", "unit_staff_a", "resident_a1"]
ALL_PERSONAS = ["county_admin", *A_SIDE, "township_head_b", "township_staff_b", "village_secretary_b1",
                "grid_leader_b1", "resident_b1"]


def walk(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) if p.namespace else namespace
            yield from walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            p.matrix_namespace = namespace
            yield prefix + str(p.pattern), p


def classify():
    """-> (api_routes, pages, problems). Each route: dict(name, route, view, kind, model)."""
    api, pages, problems = [], [], []
    for route, p in walk():
        if route.startswith(("admin/", "static/")) or route.endswith(r"\.(?P<format>[a-z0-9]+)/?$"):
            continue
        if "(?P<format>" in route:
            continue
        view = p.callback
        cls = getattr(view, "cls", None)
        name = p.name or ""
        entry = {"name": name, "route": route, "view": view, "pattern": p}
        if name in matrix.PUBLIC_URL_NAMES:
            continue
        if cls is not None and hasattr(view, "actions"):  # a DRF viewset route
            qs = getattr(cls, "queryset", None)
            model = getattr(qs, "model", None)
            if model is None or model not in matrix.FACTORIES or not hasattr(model, "scope_spec"):
                problems.append(f"API {route} ({name}): model {model} has no scope_spec or matrix factory")
                continue
            entry.update(kind="detail" if "<pk>" in route or "(?P<pk>" in route else "list", model=model,
                         methods=sorted(m for m in view.actions if m in cls.http_method_names))
            api.append(entry)
            continue
        if route.startswith("api/"):
            if name in matrix.LOGIN_URL_NAMES:
                entry.update(kind="login", model=None)
                api.append(entry)
            else:
                problems.append(f"API {route} ({name}): not a scoped viewset and not registered as a page")
            continue
        kwargs = [k for k in p.pattern.converters]
        if name in matrix.LOGIN_URL_NAMES:
            full_name = f"{p.matrix_namespace}:{name}" if p.matrix_namespace else name
            entry.update(kind="login", model=None, url=reverse(full_name, kwargs=matrix.PAGE_KWARGS.get(name) or None))
            pages.append(entry)
            continue
        if not kwargs:
            problems.append(f"page {route} ({name}): no object in its URL and not registered with register_pages()")
            continue
        models_by_kwarg = {}
        view_class = getattr(view, "view_class", None)
        for k in kwargs:
            model = matrix.KWARG_MODELS.get(f"{name}:{k}") or matrix.KWARG_MODELS.get(k)
            if model is None and k == "pk" and view_class is not None and getattr(view_class, "selector", None):
                model = view_class.selector(user=AnonymousUser()).model
            if model is None or model not in matrix.FACTORIES:
                problems.append(f"page {route} ({name}): cannot tell which model <{k}> names; register_kwarg() it")
                break
            models_by_kwarg[k] = model
        else:
            entry.update(kind="object", models=models_by_kwarg)
            pages.append(entry)
    return api, pages, problems


API, PAGES, PROBLEMS = classify()


def test_every_route_is_classified():
    assert not PROBLEMS, "\n".join(PROBLEMS)
    assert any(e["kind"] == "list" for e in API) and any(e["kind"] == "object" for e in PAGES)


def expected_visible(user, obj) -> bool:
    """The ScopeSpec read by hand: a role's region subtree, or ownership."""
    model = type(obj)
    spec = model.scope_spec
    roles = spec.roles_for("view")
    assignments = list(RoleAssignment.objects.filter(user=user, active=True, role__in=roles).select_related("region"))
    if spec.region is None and assignments:
        return True
    if spec.region and assignments:
        if spec.region == "self":
            paths = [obj.path]
        else:
            paths = list(model.objects.filter(pk=obj.pk).values_list(f"{spec.region}__path", flat=True))
        if any(p and p.startswith(a.region.path) for p in paths for a in assignments):
            return True
    if spec.owner and "view" in spec.owner_actions:
        return model.objects.filter(pk=obj.pk, **{spec.owner: user}).exists()
    return False


@pytest.fixture
def world(tree, personas):
    """One object of every registered model on each side: A's in A1's group, B's in B1's compound."""
    objects = {}
    for model, factory in matrix.FACTORIES.items():
        objects[model] = {"a": factory(tree.A1g, "a", tree, personas), "b": factory(tree.B1g, "b", tree, personas)}
    return objects


def fill(route: str, pk) -> str:
    import re

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", str(pk), route).replace("^", "").replace("$", "")


LIST_ROUTES = [e for e in API if e["kind"] == "list"]
DETAIL_ROUTES = [e for e in API if e["kind"] == "detail"]


@pytest.mark.parametrize("entry", LIST_ROUTES, ids=[e["route"] for e in LIST_ROUTES])
def test_lists_return_only_what_each_persona_may_see(entry, world, personas, api):
    model = entry["model"]
    created = world[model]
    for name in ALL_PERSONAS:
        user = getattr(personas, name)
        resp = api(user).get(fill(entry["route"], 0), {"page_size": 500})
        assert resp.status_code == 200, (name, resp.status_code, resp.content[:300])
        body = resp.json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        ids = {row["id"] for row in rows}
        for obj in model.objects.filter(pk__in=ids):
            assert expected_visible(user, obj), f"{name} sees {model.__name__} #{obj.pk} outside their scope"
        for side, obj in created.items():
            if obj is not None and expected_visible(user, obj):
                assert obj.pk in ids, f"{name} should see {model.__name__} of side {side} in {entry['route']}"


@pytest.mark.parametrize("entry", DETAIL_ROUTES, ids=[e["route"] for e in DETAIL_ROUTES])
def test_detail_endpoints_answer_404_across_townships(entry, world, personas, api):
    obj_b = world[entry["model"]]["b"]
    url = fill(entry["route"], obj_b.pk)
    for name in A_SIDE:
        user = getattr(personas, name)
        if expected_visible(user, obj_b):
            continue
        client = api(user)
        for method in entry["methods"]:
            resp = getattr(client, method)(url, {}, format="json")
            assert resp.status_code == 404, f"{name} {method.upper()} {url} -> {resp.status_code}"


@pytest.mark.parametrize("entry", API, ids=[e["route"] for e in API])
def test_anonymous_is_refused_by_the_api(entry, world, api):
    pk = world[entry["model"]]["a"].pk if entry.get("model") else 0
    url = fill(entry["route"], pk)
    for method in entry.get("methods") or ["get"]:
        resp = getattr(api(None), method)(url, {}, format="json")
        assert resp.status_code in (401, 403), f"anonymous {method.upper()} {url} -> {resp.status_code}"


OBJECT_PAGES = [e for e in PAGES if e["kind"] == "object"]


@pytest.mark.parametrize("entry", OBJECT_PAGES, ids=[e["route"] for e in OBJECT_PAGES])
def test_pages_answer_404_across_townships(entry, world, personas, web):
    import re

    objs = {k: world[m]["b"] for k, m in entry["models"].items()}
    url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(objs[m.group(1)].pk), entry["route"])
    for name in A_SIDE:
        user = getattr(personas, name)
        if any(expected_visible(user, o) for o in objs.values()):
            continue
        client = web(user)
        get, post = client.get(url), client.post(url, {})
        assert {get.status_code, post.status_code} <= {404, 405} and 404 in {get.status_code, post.status_code}, (
            f"{name} on {url}: GET {get.status_code}, POST {post.status_code}"
        )


@pytest.mark.parametrize("entry", PAGES, ids=[e["route"] for e in PAGES])
def test_anonymous_is_sent_to_login(entry, world, web):
    import re

    if entry["kind"] == "object":
        objs = {k: world[m]["a"] for k, m in entry["models"].items()}
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(objs[m.group(1)].pk), entry["route"])
    else:
        url = entry["url"]
    for resp in (web(None).get(url), web(None).post(url, {})):
        assert resp.status_code in (302, 405) and (resp.status_code == 405 or "/accounts/login/" in resp["Location"]), (
            f"anonymous on {url}: {resp.status_code}"
        )
