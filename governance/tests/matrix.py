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


def load_all() -> None:
    """Import the core's and every domain app's `tests/matrix.py`, so every factory is registered."""
    import importlib
    from importlib.util import find_spec

    from governance.urls import DOMAIN_APPS

    for app in ("governance", *DOMAIN_APPS):
        if find_spec(f"{app}.tests.matrix"):
            importlib.import_module(f"{app}.tests.matrix")
    importlib.import_module("governance.tests.matrix_core")
