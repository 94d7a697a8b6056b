"""The dependency graph is enforced: governance <- centers <- grids, services, credit; governance <- deliberation.

The contracts live in `.importlinter` at the repository root and are checked by import-linter's
`lint-imports` (every import, lazy ones inside functions included). The guard tests below add a wrong
arrow to a copy of the tree and show that the same command then fails, naming the arrow.
"""
import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ["governance", *settings.DOMAIN_APPS, "bench"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    # --no-cache: no .import_linter_cache/ in the tree; cwd: import-linter puts it first on sys.path.
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_apps_import_only_downward():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory):
    """The project's Python packages and contracts, copied (sources only)."""
    base = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, base / package,
                        ignore=lambda _dir, names: [n for n in names if not (n.endswith(".py") or "." not in n)])
    shutil.copy(ROOT / ".importlinter", base / ".importlinter")
    return base


WRONG_ARROWS = {
    # module written into the copy: (its source, the arrow lint-imports must name)
    "the_core_importing_an_app_lazily": (
        "governance/wrong_arrow.py", "def f():\n    from grids.models import Issue\n    return Issue\n",
        "governance.wrong_arrow -> grids.models"),
    "centers_importing_upward": (
        "centers/wrong_arrow.py", "from services.models import Order\n", "centers.wrong_arrow -> services.models"),
    "one_app_importing_a_sibling": (
        "grids/wrong_arrow.py", "from credit import selectors\n", "grids.wrong_arrow -> credit.selectors"),
    "deliberation_importing_centers": (
        "deliberation/wrong_arrow.py", "import centers.models\n", "deliberation.wrong_arrow -> centers.models"),
    "product_code_importing_the_bench_helpers": (
        "services/wrong_arrow.py", "from bench.measure import summarize\n", "services.wrong_arrow -> bench.measure"),
    "product_code_importing_an_apps_benchmark": (
        "credit/wrong_arrow.py", "from . import bench\n", "credit.wrong_arrow -> credit.bench"),
}


@pytest.mark.parametrize("case", WRONG_ARROWS)
def test_a_wrong_arrow_fails_the_contract(tree_copy, case):
    relpath, source, arrow = WRONG_ARROWS[case]
    module = tree_copy / relpath
    module.write_text(source)
    try:
        result = lint_imports(tree_copy)
    finally:
        module.unlink()
    assert result.returncode == 1, result.stdout + result.stderr
    assert arrow in result.stdout, result.stdout


# --- The app list is written once -------------------------------------------------------------------

def domain_names_in(source: str, apps) -> list[tuple[int, str]]:
    """String literals in `source` that name a domain app or one of its modules ("grids", "grids.demo")."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if any(node.value == app or node.value.startswith(f"{app}.") for app in apps):
                found.append((node.lineno, node.value))
    return found


def test_the_core_names_no_domain_app_outside_the_one_list():
    # import-linter sees imports; an app named in a string (import_module(f"{app}…"), a tuple of labels)
    # is the other way the core could depend on an app: only settings.DOMAIN_APPS may name them.
    offenders = []
    for path in sorted((ROOT / "governance").rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[1] in {"tests", "migrations"} or rel.name == "settings.py":
            continue
        offenders += [f"{rel}:{line}: {value!r}" for line, value in
                      domain_names_in(path.read_text(), settings.DOMAIN_APPS)]
    assert not offenders, "name the apps through settings.DOMAIN_APPS:\n" + "\n".join(offenders)


def test_the_name_check_finds_an_app_named_in_a_string():
    source = 'for app in ("centers", "grids"):\n    import_module(f"{app}.demo")\nimport_module("credit.demo")\n'
    assert domain_names_in(source, settings.DOMAIN_APPS) == [(1, "centers"), (1, "grids"), (3, "credit.demo")]
    assert domain_names_in('_("信用")  # credit\nx = "servicesX"\n', settings.DOMAIN_APPS) == []
