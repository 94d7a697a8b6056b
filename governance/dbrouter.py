"""Reads from a PostgreSQL streaming replica (issue #22). On only when DATABASE_REPLICA_URL is set.

- What reads the replica: code inside `replica_reads()` — `ReplicaReadMiddleware` wraps GET/HEAD requests
  whose path starts with one of REPLICA_READ_PATHS (dashboards, exports by default). Everything else, every
  write and every read inside a transaction, goes to the primary.
- No "my change vanished": a request that changed something (POST/PUT/PATCH/DELETE) sets a short cookie,
  and for REPLICA_PIN_SECONDS that browser's reads stay on the primary.
- Lag: the replica's replay lag (governance.health.replica_lag_seconds, pg_last_xact_replay_timestamp) is
  measured at most every REPLICA_LAG_CHECK_SECONDS per process; above REPLICA_MAX_LAG_SECONDS, or when the
  replica does not answer, reads fall back to the primary.
"""
from __future__ import annotations

import contextvars
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "gov_primary"
_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)
_lag = {"at": 0.0, "value": None}


@contextmanager
def replica_reads():
    token = _reads.set(True)
    try:
        yield
    finally:
        _reads.reset(token)


def replica_usable() -> bool:
    if REPLICA not in connections.databases:
        return False
    now = time.monotonic()
    if now - _lag["at"] >= settings.REPLICA_LAG_CHECK_SECONDS:
        from .health import replica_lag_seconds

        _lag["value"], _lag["at"] = replica_lag_seconds(REPLICA), now
    lag = _lag["value"]
    return lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reads.get() and not connections["default"].in_atomic_block and replica_usable():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method in ("GET", "HEAD") and PIN_COOKIE not in request.COOKIES
                and request.path.startswith(tuple(settings.REPLICA_READ_PATHS))):
            with replica_reads():
                return self.get_response(request)
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS, httponly=True,
                                samesite="Lax", secure=not settings.DEBUG)
        return response
