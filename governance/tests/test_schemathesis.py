"""Schemathesis against the live OpenAPI schema, signed in as the county (who may see everything):
no 5xx, every response matches the schema, status codes and content types are documented."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as oa

from .test_matrix import matrix_world, personas, world  # noqa: F401  (one object of every model on both sides)


@pytest.fixture
def api_schema(db, world):  # noqa: F811
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from governance.wsgi import application

    # As Django's test client does: the in-process WSGI calls must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")

# The API is split into one test per part and kind, so that pytest-xdist can share them between its
# workers (one parametrized test is one item, run by one worker). A read draws 8 examples; a write —
# whose examples, since the verbs document their own bodies, are mostly valid and run the action —
# draws 4. Each case is signed in afresh (a case may log its token out).
PARTS = {
    "governance": r"^/api/v1/(governance|auth|me)/",
    "credit": r"^/api/v1/credit/",
    "services": r"^/api/v1/services/",
    "centers": r"^/api/v1/centers/",
    "grids": r"^/api/v1/grids/",
    "deliberation": r"^/api/v1/deliberation/",
    "departments": r"^/api/v1/departments/",
}
KINDS = {"reads": (["GET"], 8), "writes": (["POST", "PUT", "PATCH", "DELETE"], 4)}


def _conforms(case, personas):  # noqa: F811
    from governance.tokens import api_token_create

    _token, key = api_token_create(actor=personas.county_admin)  # a fresh one: a case may log it out
    case.call_and_validate(
        headers={"Authorization": f"Token {key}"},
        # use_after_free / ensure_resource_availability judge ids across operations, which a scoped
        # API answers with a correct 404; ignored_auth re-sends our own valid token header. The
        # authorization matrix covers anonymous and out-of-scope callers on every route instead.
        # positive_data_acceptance / negative_data_rejection expect the schema alone to decide
        # validity; ours adds rules no schema can state (GB 11643 check digits, region codes that
        # extend their parent's), and filters ignore empty values as django-filter does.
        excluded_checks=[oa.use_after_free, oa.ensure_resource_availability, oa.ignored_auth,
                         oa.positive_data_acceptance, oa.negative_data_rejection],
    )


def _make(part_regex, methods, examples):
    @schema.include(path_regex=part_regex, method=methods).parametrize()
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def test(case, personas):  # noqa: F811
        _conforms(case, personas)

    return test


for _part, _regex in PARTS.items():
    for _kind, (_methods, _examples) in KINDS.items():
        globals()[f"test_{_part}_api_{_kind}_conform_to_the_schema"] = _make(_regex, _methods, _examples)


def test_every_api_path_belongs_to_a_part(api_schema):
    """A new app's API must be added to PARTS, or the tests above would silently skip it."""
    import re

    paths = list(api_schema.raw_schema["paths"])
    assert len(paths) > 100
    assert [p for p in paths if not any(re.match(r, p) for r in PARTS.values())] == []
