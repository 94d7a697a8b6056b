"""The structure carries the scope: no view, form, serializer or export reads a model except through the
scoped bases and the loader (CONTRIBUTING.md).

A test that reads the code: in every interface module of the project, a model's manager is reached only as
`Model.objects.restrict(user, action)` (or `.none()`), or as a viewset's `queryset = Model.objects.all()`
declaration (the base restricts it); objects are fetched by `load_for`, never `get_object_or_404`; the old
hand-written loaders are gone. A line that must do otherwise says why with `# scope: <reason>`. Beside it,
the runtime half: the bases restrict what a careless selector returns, forms restrict their choices, and
the loader answers one policy — each shown here by the attack it stops.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["governance", *settings.DOMAIN_APPS]
INTERFACE_GLOBS = ["views.py", "*_views.py", "forms.py", "exports.py", "api/views.py", "api/serializers.py"]
ALLOWED_MANAGER_CALLS = {"restrict", "none"}
RETIRED = {"scoped_get", "ref", "_load", "_lock_issue", "require"}


def interface_modules() -> list[Path]:
    found = []
    for app in APPS:
        for pattern in INTERFACE_GLOBS:
            found += sorted((ROOT / app).glob(pattern))
    return found


def _explained(lines: list[str], node: ast.AST) -> bool:
    first, last = node.lineno, getattr(node, "end_lineno", node.lineno)
    return any("# scope:" in lines[n - 1] and lines[n - 1].split("# scope:", 1)[1].strip()
               for n in range(max(1, first - 1), last + 1))


def violations(path: Path) -> list[str]:
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    declared = set()  # `queryset = Model.objects.all()` in a class body: the scoped base restricts it
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and any(getattr(t, "id", "") == "queryset" for t in stmt.targets):
                declared.add(id(stmt.value))
                if isinstance(stmt.value, ast.Call):
                    declared.add(id(stmt.value.func))
                    declared.add(id(getattr(stmt.value.func, "value", None)))
    out = []
    rel = path.relative_to(ROOT)
    for node in ast.walk(tree):
        problem = None
        if isinstance(node, ast.Attribute) and node.attr in ("_base_manager", "_default_manager"):
            problem = f"{node.attr}: read through a selector (restrict) or load_for"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and node.value.attr == "objects":
            if node.attr not in ALLOWED_MANAGER_CALLS and id(node) not in declared:
                problem = f"{ast.unparse(node)}: start from Model.objects.restrict(user, action) or a selector"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "get_object_or_404":
            problem = "get_object_or_404: use scoping.load_for (one policy: 404 / 403 / 400 on the field)"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in RETIRED:
            problem = f"{node.func.id}(): retired, use scoping.load_for"
        if problem and not _explained(lines, node):
            out.append(f"{rel}:{node.lineno}: {problem}")
    return out


MODULES = interface_modules()


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_interfaces_read_only_through_the_scoped_bases(path):
    found = violations(path)
    assert not found, "\n".join(found)


def test_the_retired_loaders_are_gone():
    defined = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef) and node.name in RETIRED - {"require"}:
                    defined.append(f"{path.relative_to(ROOT)}:{node.lineno} def {node.name}")
    assert not defined, "\n".join(defined)


def test_the_check_finds_what_it_forbids(tmp_path):
    """The reader above is itself tested: each forbidden shape is found, an explained one is let through."""
    bad = tmp_path / "views.py"
    bad.write_text(
        "from django.shortcuts import get_object_or_404\n"
        "def a(request, pk):\n"
        "    return get_object_or_404(Order, pk=pk)\n"
        "def b(request):\n"
        "    return Order.objects.filter(status='x')\n"
        "def c(request):\n"
        "    return Order._base_manager.all()\n"
        "def d(request):\n"
        "    return Order.objects.get(pk=1)  # scope: a county-wide lookup table, public by law\n"
        "def e(request):\n"
        "    return Order.objects.restrict(request.user, 'view')\n"
        "class V:\n"
        "    queryset = Order.objects.all()\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = violations(bad)
    finally:
        ROOT = saved
    assert len(found) == 3, found
    assert any("get_object_or_404" in f for f in found)
    assert any("Order.objects.filter" in f for f in found)
    assert any("_base_manager" in f for f in found)


# --- The runtime half: each piece shown by the attack it stops ---------------------------------------

from django import forms as django_forms  # noqa: E402
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from django.http import Http404  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from governance.forms import ScopedForm  # noqa: E402
from governance.generic import ObjectDetailView, ObjectListView  # noqa: E402
from governance.models import Household, Region, Resident  # noqa: E402
from governance.scoping import beyond_scope, is_scoped_for, load_for, scoped  # noqa: E402

from .fixtures import make_household, make_resident  # noqa: E402


def careless_selector(*, user):
    """A selector written wrong: it forgets restrict() (as micro_work_list_base once did)."""
    return Household.objects.all().order_by("number")


class CarelessList(ObjectListView):
    selector = careless_selector
    template_name = "governance/household_list.html"


class CarelessDetail(ObjectDetailView):
    selector = careless_selector
    template_name = "governance/household_detail.html"


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_list_base_restricts_a_selector_that_forgot_to(tree, personas):
    mine, theirs = make_household(tree.A1g), make_household(tree.B1g)
    view = CarelessList()
    view.setup(_request(personas.village_secretary_a1))
    rows = set(view.get_queryset())
    assert mine in rows and theirs not in rows


def test_a_detail_base_answers_404_for_what_a_careless_selector_would_show(tree, personas):
    theirs = make_household(tree.B1g)
    view = CarelessDetail()
    view.setup(_request(personas.village_secretary_a1), pk=theirs.pk)
    with pytest.raises(Http404):
        view.get_object()


def test_a_selector_restricted_for_another_action_of_the_same_user_is_kept(tree, personas):
    """The dispatch queue is restrict(user, "dispatch"): the base does not widen or re-restrict it."""
    user = personas.village_secretary_a1
    qs = Household.objects.restrict(user, "change").filter(number__startswith="H")
    assert scoped(qs, user) is qs
    other = personas.village_secretary_b1
    assert not is_scoped_for(qs, other)  # another user's restriction is no restriction for this one
    assert set(scoped(qs, other)) <= set(Household.objects.restrict(other, "view"))


def test_the_mark_survives_the_chain_and_beyond_scope_needs_a_reason(tree, personas):
    user = personas.township_head_a
    qs = Household.objects.restrict(user, "view").select_related("region").filter(number__gt="").order_by("pk")
    assert is_scoped_for(qs.values("pk"), user) and is_scoped_for(qs.none(), user)
    with pytest.raises(ValueError):
        beyond_scope(Household.objects.all(), "")
    wide = beyond_scope(Household.objects.all(), "a test of the reach")
    assert is_scoped_for(wide.filter(pk__gt=0), user)


def test_load_for_answers_one_policy(tree, personas):
    resident = make_resident(tree.A1g)
    grid_leader, outsider = personas.grid_leader_a1, personas.village_secretary_b1
    assert load_for(Resident, grid_leader, resident.pk) == resident
    with pytest.raises(PermissionDenied):  # seen, but the grid leader may not reveal
        load_for(Resident, grid_leader, resident.pk, "reveal")
    with pytest.raises(Http404):  # out of sight: not found, whatever the action
        load_for(Resident, outsider, resident.pk, "reveal")
    with pytest.raises(Http404):
        load_for(Resident, outsider, resident.pk)
    with pytest.raises(ValidationError) as exc:  # a reference in a body: 400 on the field, same as a bad id
        load_for(Resident, outsider, resident.pk, field="resident")
    with pytest.raises(ValidationError) as missing:
        load_for(Resident, outsider, 10 ** 9, field="resident")
    assert exc.value.message_dict == missing.value.message_dict
    assert load_for(Resident, outsider, "", field="resident") is None
    with pytest.raises(Http404):
        load_for(Resident, grid_leader, "not-a-number")


def test_load_for_narrows_by_the_selector_and_locks(tree, personas, django_assert_num_queries):
    from django.db import transaction

    user = personas.village_secretary_a1
    household = make_household(tree.A1g, number="H-1")
    narrowed = Household.objects.restrict(user, "view").filter(number="H-2")
    with pytest.raises(Http404):
        load_for(narrowed, user, household.pk)
    with transaction.atomic(), django_assert_num_queries(1) as ctx:
        assert load_for(Household, user, household.pk, "change", lock=True, related=("region",)) == household
    assert "FOR UPDATE" in ctx.captured_queries[0]["sql"]


class _RegionForm(ScopedForm):
    region = django_forms.ModelChoiceField(queryset=Region.objects.all())


class _DeeperForm(_RegionForm):
    household = django_forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # set after the parent's __init__ (the usual shape): still restricted, by the subclass hook
        self.fields["household"].queryset = Household.objects.all()


def test_a_scoped_form_offers_and_accepts_only_choices_in_scope(tree, personas):
    user = personas.village_secretary_a1
    mine, theirs = make_household(tree.A1g), make_household(tree.B1g)
    form = _DeeperForm(user=user)
    assert tree.B not in set(form.fields["region"].queryset) and tree.A1 in set(form.fields["region"].queryset)
    offered = set(form.fields["household"].queryset)
    assert mine in offered and theirs not in offered
    posted = _DeeperForm({"region": tree.A1.pk, "household": theirs.pk}, user=user)
    assert not posted.is_valid() and "household" in posted.errors
