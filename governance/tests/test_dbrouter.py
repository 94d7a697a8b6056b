"""The read-replica router (issue #22), in a fresh process with DATABASE_REPLICA_URL set (settings read it once).
The "replica" is a second connection to the same test database here: which alias each read uses is what is
tested; a real streaming replica is the topology test's."""
import os
import subprocess
import sys

import pytest

CODE = r"""
import django; django.setup()
from django.db import connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from governance import dbrouter
from governance.models import Region

assert Region.objects.all().db == "default"                    # outside replica_reads: the primary
with dbrouter.replica_reads():
    assert Region.objects.all().db == "replica"
    list(Region.objects.all()[:1])                               # the replica answers (lag 0 here)
    with transaction.atomic():
        assert Region.objects.all().db == "default"             # inside a transaction: the primary
seen = []
def view(request):
    seen.append(Region.objects.all().db)
    return HttpResponse("ok")
mw = dbrouter.ReplicaReadMiddleware(view)
rf = RequestFactory()
mw(rf.get("/dashboard/")); mw(rf.get("/households/"))
resp = mw(rf.post("/households/add/"))
pin = resp.cookies[dbrouter.PIN_COOKIE]
assert int(pin["max-age"]) == 30 and pin["httponly"]
pinned = rf.get("/dashboard/"); pinned.COOKIES[dbrouter.PIN_COOKIE] = "1"
mw(pinned)
assert seen == ["replica", "default", "default", "default"], seen
from governance.health import replica_lag_seconds
assert replica_lag_seconds() == 0.0
assert connections["default"].settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True   # DATABASE_PGBOUNCER
assert connections["replica"].settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is False  # the replica, direct
from django.test import Client
body = Client().get("/healthz/ready/").json()
assert [v for k, v in body.items() if k.startswith("ReplicaLag")] == ["OK"], body
assert "governance_replica_lag_seconds 0.0" in Client().get("/metrics/").content.decode()
print("LAG", connections["replica"].settings_dict["NAME"])
"""

LAGGING = r"""
import django; django.setup()
from governance import dbrouter
from governance.models import Region
with dbrouter.replica_reads():
    assert Region.objects.all().db == "default"   # lag 0 is above a threshold of -1: the primary
"""


def run(code, **extra):
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DATABASE_REPLICA_URL": url,
           "DJANGO_SETTINGS_MODULE": "governance.settings", **extra}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


@pytest.mark.django_db(transaction=True)
def test_dashboards_read_the_replica_writers_and_transactions_the_primary():
    assert "LAG" in run(CODE, DATABASE_PGBOUNCER="true")


@pytest.mark.django_db(transaction=True)
def test_a_replica_behind_the_threshold_sends_reads_to_the_primary():
    run(LAGGING, REPLICA_MAX_LAG_SECONDS="-1")


def test_without_a_replica_url_there_is_no_router():
    from django.conf import settings

    assert "replica" not in settings.DATABASES and not settings.DATABASE_ROUTERS
    assert settings.DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] is False
