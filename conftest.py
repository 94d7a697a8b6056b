"""Session checks: the suite runs against real PostgreSQL and Redis, or not at all."""
import os
import socket

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def pytest_configure(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit(f"The tests need PostgreSQL; DATABASE_URL points to {db['ENGINE']}.", returncode=3)
    host, port = db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)
    if not _reachable(host, port):
        pytest.exit(
            f"PostgreSQL is not reachable at {host}:{port} — start it: "
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
            returncode=3,
        )
    from urllib.parse import urlparse

    broker = urlparse(settings.CELERY_BROKER_URL)
    if broker.scheme.startswith("redis") and not _reachable(broker.hostname or "127.0.0.1", broker.port or 6379):
        pytest.exit(
            f"Redis is not reachable at {broker.hostname}:{broker.port} — start it: "
            'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
            returncode=3,
        )


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Every test starts in the portal's default language, whatever the previous one switched to."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


pytest_plugins = ["governance.tests.fixtures"]
