"""The authorization matrix, generated from the URL conf.

Every API route and every page is classified: public, login-only (a list or form that is scoped by
its selector), or an object endpoint whose model is known. For object endpoints, township A's people
get 404 on township B's object, and the sibling village's people and A1's second villager get 404 on
A1's; API lists return only what each persona may see, and HTML list pages (the rows their table renders)
and Excel exports (the .xlsx read back) exactly that (checked against the model's ScopeSpec, read
independently of the SQL that restrict() builds; a page showing a part of the scope says which with
register_narrowed());
anonymous callers are refused everywhere but login. A new route that cannot be classified fails here.
The world (tree, personas, one object of every model on each side) is built once for the module.
"""
from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from governance import exports
from governance.generic import ObjectListView

from . import matrix
from .fixtures import ADMINISTRATORS, add_administrators, add_neighbours, build_personas, build_tree
from .matrix import visible_pks

matrix.load_all()

A_SIDE = ["township_head_a", "township_staff_a", "village_secretary_a1", "village_assistant_a1",
          "grid_leader_a1", "unit_staff_a", "resident_a1", "department_staff_a"]
# A's objects sit in A1's group: the sibling village's people and A1's second villager are A's outsiders.
NEIGHBOURS = ["village_secretary_a2", "grid_leader_a2", "resident_a1_2"]
ALL_PERSONAS = ["county_admin", *A_SIDE, *NEIGHBOURS, "township_head_b", "township_staff_b", "village_secretary_b1",
                "grid_leader_b1", "resident_b1", "department_staff_b", *ADMINISTRATORS]


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
            if model is None and k == "pk" and view_class is not None:
                # a list/detail names its object by `selector`, a declared action view by `object_selector`
                source = getattr(view_class, "object_selector", None) or getattr(view_class, "selector", None)
                if source is not None:
                    model = source(user=AnonymousUser()).model
            if model is None or model not in matrix.FACTORIES:
                problems.append(f"page {route} ({name}): cannot tell which model <{k}> names; register_kwarg() it")
                break
            models_by_kwarg[k] = model
        else:
            entry.update(kind="object", models=models_by_kwarg)
            pages.append(entry)
    return api, pages, problems


API, PAGES, PROBLEMS = classify()
LIST_PAGES = [e for e in PAGES if e["kind"] == "login" and isinstance(getattr(e["view"], "view_class", None), type)
              and issubclass(e["view"].view_class, ObjectListView)]
EXPORTS = [export.key for export in exports.all_exports()]


def test_every_route_is_classified():
    assert not PROBLEMS, "\n".join(PROBLEMS)
    assert any(e["kind"] == "list" for e in API) and any(e["kind"] == "object" for e in PAGES)
    assert LIST_PAGES and EXPORTS


def expected_visible(user, obj) -> bool:
    return obj.pk in visible_pks(user, type(obj))


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The tree, the personas with their neighbours, and one object of every registered model on each side
    (A's in A1's group, B's in B1's compound) — built once for the module inside a transaction that is
    rolled back at its end; each test runs in a savepoint inside it (pytest-django's `db`), so what a test
    writes is gone before the next one."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            tree = build_tree()
            people = add_administrators(tree, add_neighbours(tree, build_personas(tree)))
            objects = {model: {"a": factory(tree.A1g, "a", tree, people), "b": factory(tree.B1g, "b", tree, people)}
                       for model, factory in matrix.FACTORIES.items()}
            root = get_user_model().objects.create_superuser("matrix_root", password="pw-test-1234")
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    matrix.forget_visible()
    yield SimpleNamespace(tree=tree, personas=people, objects=objects, root=root)
    matrix.forget_visible()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def world(matrix_world, db):
    return matrix_world.objects


@pytest.fixture
def personas(matrix_world, db):
    """The shared personas (`governance.tests.fixtures.personas`) and their neighbours, built once per module."""
    return matrix_world.personas


def fill(route: str, pk) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", str(pk), route).replace("^", "").replace("$", "")


LIST_ROUTES = [e for e in API if e["kind"] == "list" and "get" in e["methods"]]
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
def test_detail_endpoints_answer_404_across_townships_and_villages(entry, world, personas, api):
    for side, names in (("b", A_SIDE), ("a", NEIGHBOURS)):
        obj = world[entry["model"]][side]
        url = fill(entry["route"], obj.pk)
        for name in names:
            user = getattr(personas, name)
            if expected_visible(user, obj):
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
def test_pages_answer_404_across_townships_and_villages(entry, world, personas, web):
    for side, names in (("b", A_SIDE), ("a", NEIGHBOURS)):
        objs = {k: world[m][side] for k, m in entry["models"].items()}
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(objs[m.group(1)].pk), entry["route"])
        for name in names:
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
    if entry["kind"] == "object":
        objs = {k: world[m]["a"] for k, m in entry["models"].items()}
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(objs[m.group(1)].pk), entry["route"])
    else:
        url = entry["url"]
    for resp in (web(None).get(url), web(None).post(url, {})):
        assert resp.status_code in (302, 405) and (resp.status_code == 405 or "/accounts/login/" in resp["Location"]), (
            f"anonymous on {url}: {resp.status_code}"
        )


def narrowed(name: str, user, model, pks: set) -> set:
    """What a list page or export should show the user: their scope, narrowed as the page declares."""
    shows = matrix.NARROWED.get(name)
    return set(shows(user, model.objects.filter(pk__in=pks)).values_list("pk", flat=True)) if shows else pks


def page_rows(client, url: str, params: dict):
    """-> (model, objects) a list page shows, page after page: the rows its table renders (`object_list`)."""
    shown, number = [], 1
    while True:
        resp = client.get(url, {**params, "page": number})
        assert resp.status_code == 200, (url, resp.status_code)
        shown += list(resp.context["object_list"])
        page = resp.context.get("page_obj")
        if not (page and page.has_next()):
            return resp.context["view"].object_list.model, shown
        number += 1


@pytest.mark.parametrize("entry", LIST_PAGES, ids=[e["name"] for e in LIST_PAGES])
def test_list_pages_show_exactly_what_each_persona_may_see(entry, world, personas, web):
    params = matrix.LIST_PARAMS.get(entry["name"], {})
    for name in ALL_PERSONAS:
        user = getattr(personas, name)
        if villager_refused(user, entry["url"]):
            assert web(user).get(entry["url"], params).status_code == 404, (name, entry["url"])
            continue
        model, rows = page_rows(web(user), entry["url"], params)
        shown = [obj.pk for obj in rows]
        assert len(shown) == len(set(shown)), f"{name} on {entry['url']}: a row shown twice"
        expected = narrowed(entry["name"], user, model, visible_pks(user, model))
        assert set(shown) == expected, (
            f"{name} on {entry['url']} ({model.__name__}): outside their scope {sorted(set(shown) - expected)}, "
            f"missing {sorted(expected - set(shown))}")


def villager_refused(user, url: str) -> bool:
    """Villager mode (governance/villager.py): a page that is not a villager's is "not found" for a villager."""
    from django.urls import resolve

    from governance import villager

    match = resolve(url.split("?")[0])
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    return villager.is_villager(user) and not villager.allowed(name)


def sheet_rows(data: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows(min_row=2)]


@pytest.mark.parametrize("key", EXPORTS)
def test_exports_hold_exactly_what_each_persona_may_see(key, world, personas, web, matrix_world, tmp_path):
    """The .xlsx read back holds the rows of exactly the objects the persona may see: the expected file is the
    same export written from the unrestricted list (the superuser's), cut to the pks the ScopeSpec allows."""
    export = exports.get(key)
    everything = export.selector(user=matrix_world.root)
    name = f"export:{key}"
    before = everything.model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for persona in ALL_PERSONAS:
        user = getattr(personas, persona)
        # what existed when the export ran: exporting the audit log adds its own entry, after the file is written
        existed = everything.model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        resp = web(user).get(reverse("export_list", kwargs={"key": key}), matrix.LIST_PARAMS.get(name, {}))
        if villager_refused(user, reverse("export_list", kwargs={"key": key})):
            assert resp.status_code == 404, (persona, key, resp.status_code)  # exports are staff work
            continue
        assert resp.status_code == 200, (persona, key, resp.status_code)
        got = sheet_rows(b"".join(resp.streaming_content))
        if existed > before:  # the export adds rows to what it exports (the audit log): read the scope afresh
            matrix._VISIBLE.pop((user.pk, everything.model, "view"), None)
        pks = {pk for pk in narrowed(name, user, everything.model, visible_pks(user, everything.model)) if pk <= existed}
        path = tmp_path / f"{persona}.xlsx"
        exports.write_xlsx(export, everything.filter(pk__in=pks).order_by("pk"), path)
        want = sheet_rows(path.read_bytes())
        assert got == want, (f"{persona} exports {key}: {len(got)} rows, {len(want)} expected; outside their scope "
                             f"{[r for r in got if r not in want][:3]}, missing {[r for r in want if r not in got][:3]}")


FORM_PERSONAS = ["county_admin", "township_head_a", "township_staff_a", "village_secretary_a1", "village_assistant_a1",
                 "grid_leader_a1", "unit_staff_a", "resident_a1"]


def _form_fields_out_of_scope(resp, user) -> list[str]:
    from django import forms as django_forms

    from governance.scoping import is_scoped_for

    form = resp.context.get("form") if resp.context is not None else None
    if form is None or not hasattr(form, "fields"):
        return []
    return [name for name, field in form.fields.items()
            if isinstance(field, django_forms.ModelChoiceField) and field.queryset is not None
            and not is_scoped_for(field.queryset, user)]


@pytest.mark.parametrize("entry", PAGES, ids=[e["route"] for e in PAGES])
def test_every_form_offers_only_choices_restricted_for_its_user(entry, world, personas, web):
    """Whatever page renders a form (as any A-side persona that may open it), each of its model choices is a
    queryset restricted for that user or a declared beyond_scope() reach — never a bare Model.objects."""
    if entry["kind"] == "object":
        objs = {k: world[m]["a"] for k, m in entry["models"].items()}
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(objs[m.group(1)].pk), entry["route"])
    else:
        url = entry["url"]
    for name in FORM_PERSONAS:
        user = getattr(personas, name)
        resp = web(user).get(url)
        if resp.status_code != 200:
            continue
        bad = _form_fields_out_of_scope(resp, user)
        assert not bad, f"{name} on {url}: choices not restricted for the user: {bad}"


# --- 三员分立 (issue #18): each administrator reads only their own domain -------------------------------------
def _admin_domains():
    from governance.models import AccountProfile, ApiToken, AuditEntry, Notification, Region, RoleAssignment

    common = {Region, Notification, ApiToken}  # the region tree (names and codes), one's own notices and tokens
    return {"system_admin": common | {AccountProfile},
            "security_admin": common | {AccountProfile, RoleAssignment},
            "audit_admin": common | {AuditEntry}}


def _published(model) -> bool:
    """County-wide catalogues every villager reads (work categories, the credit standard, service menus): no
    personal data, the same for everyone."""
    from governance.scoping import Role

    spec = getattr(model, "scope_spec", None)
    return spec is not None and Role.RESIDENT in spec.roles_for("view") and spec.owner is None


# 公示: the credit review notice is published to the whole county (beyond_scope, masked), not read by a role
PUBLISHED_PAGES = {"notice_list"}


@pytest.mark.parametrize("entry", LIST_ROUTES, ids=lambda e: e["route"])
def test_the_three_administrators_read_nothing_outside_their_domain_in_the_api(entry, world, personas, api):
    for name, domain in _admin_domains().items():
        user = getattr(personas, name)
        resp = api(user).get(fill(entry["route"], 0))
        if entry["model"] in domain or _published(entry["model"]):
            continue
        assert resp.status_code in (200, 403, 404), (name, entry["route"], resp.status_code)
        if resp.status_code == 200:
            body = resp.json()
            rows = body.get("results", body) if isinstance(body, dict) else body
            rows = [r for r in rows if r.get("user") != user.pk]  # their own role assignments
            assert rows == [], (name, entry["route"], f"{len(rows)} rows of {entry['model'].__name__}")


@pytest.mark.parametrize("entry", LIST_PAGES, ids=lambda e: e["name"])
def test_the_three_administrators_read_nothing_outside_their_domain_on_pages(entry, world, personas, web):
    view_class = entry["view"].view_class
    if entry["name"] in PUBLISHED_PAGES or view_class.selector is None:  # no selector: its API list is checked
        return
    for name, domain in _admin_domains().items():
        user = getattr(personas, name)
        model = view_class.selector(user=user).model
        if model in domain or _published(model):
            continue
        resp = web(user).get(entry["url"])
        assert resp.status_code in (200, 403, 404), (name, entry["name"], resp.status_code)
        if resp.status_code == 200 and resp.context is not None and "object_list" in resp.context:
            rows = [o for o in resp.context["object_list"] if getattr(o, "user_id", None) != user.pk]
            assert rows == [], (name, entry["name"], model.__name__)
