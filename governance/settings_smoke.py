"""Smoke settings: the embedded default `make run` uses — SQLite (WAL, IMMEDIATE transactions) and kombu's
filesystem broker — in a VAR_DIR of its own, for the SQLite smoke suite (smoke/, `make smoke`).

Only what a test must not share with a real run changes: the var dir (and so the database file, the broker's
folder and the media), fast password hashing, quiet logs. DATABASE_URL and CELERY_BROKER_URL are forced to
the embedded default, so a shell that exports the PostgreSQL/Redis ones still smoke-tests SQLite.
Celery is not eager: an enqueue writes a message into the filesystem broker, as under `make run`; the
smoke tests call the beat jobs' task functions themselves, as the worker would.
"""
import os
import tempfile

os.environ["DATABASE_URL"] = ""
os.environ["CELERY_BROKER_URL"] = ""
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ["DEBUG"] = "true"
# Never the developer's VAR_DIR: a `make run` worker there would take the smoke run's messages from its broker
# folder. SMOKE_VAR_DIR names a folder to keep (with --reuse-db while writing journeys); else a temporary
# one, removed when the session ends (smoke/conftest.py); exported, so a child process uses the same folder.
SMOKE_VAR_DIR_IS_TEMPORARY = not os.environ.get("SMOKE_VAR_DIR")
if SMOKE_VAR_DIR_IS_TEMPORARY:
    os.environ["SMOKE_VAR_DIR"] = tempfile.mkdtemp(prefix="governance-smoke-")
os.environ["VAR_DIR"] = os.environ["SMOKE_VAR_DIR"]
os.environ.setdefault("PII_KEY", "smoke-only-pii-key-0123456789abcdefghijklmnopqrstuv")
os.environ.setdefault("SECRET_KEY", "smoke-only-secret-key")

from .settings import *  # noqa: E402,F401,F403

assert DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"  # noqa: F405
assert CELERY_BROKER_URL.startswith("filesystem://")  # noqa: F405

# The test database is a file beside the live one (not pytest-django's in-memory default), so WAL and
# IMMEDIATE transactions behave as they do under `make run`.
DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "smoke-test.sqlite3")}  # noqa: F405
MEDIA_ROOT = str(VAR_DIR / "media")  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
