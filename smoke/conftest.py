"""The smoke suite's shared fixtures: one demo county built by the real `seed_demo`, on SQLite, per session.

Every test then runs inside a transaction that is rolled back, so the journeys do not see each other's
writes and all start from the same demo county.
"""
import io
import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# 1,700 is the smallest county in which every app's demo has rows: the services demo hands out errands
# to the first 1,600 residents it draws and 微心愿 to the next ones.
DEMO_RESIDENTS = 1700


def pytest_configure(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.sqlite3":
        pytest.exit(f"The smoke suite runs on the embedded default (SQLite), not {engine}: `make smoke`.",
                    returncode=3)


def pytest_unconfigure(config):
    from django.conf import settings

    if getattr(settings, "SMOKE_VAR_DIR_IS_TEMPORARY", False):
        shutil.rmtree(settings.VAR_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated as `make run` migrates it, holding the demo county `make run` builds."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("seed_demo", residents=DEMO_RESIDENTS, stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _rolled_back(db):
    """Every journey runs in a transaction rolled back at its end: each starts from the same demo county."""


@pytest.fixture(autouse=True)
def _chinese_by_default():
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def login():
    """login(username) -> a test client signed in through the login page with the demo password."""
    from django.conf import settings
    from django.test import Client

    def sign_in(username: str) -> Client:
        client = Client()
        resp = client.post("/accounts/login/", {"username": username, "password": settings.DEMO_PASSWORD})
        assert resp.status_code == 302, f"{username} could not log in with the demo password"
        return client

    return sign_in

