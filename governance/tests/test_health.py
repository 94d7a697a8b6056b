"""Liveness, readiness, metrics and JSON-lines logs (issue #22). Real PostgreSQL; the heartbeat row is the one
the worker's `heartbeat` beat job writes (checks run in threads, hence transactional_db)."""
import datetime
import io
import json
import logging

import pytest
from django.test import RequestFactory
from django.utils import timezone

from governance.logging import JsonFormatter, RequestIdFilter, RequestIdMiddleware
from governance.models import JobStatus, Notification

from .fixtures import make_user
from .test_jobs_failsafe import broker  # noqa: F401 (the fixture)

FAR = {"REMOTE_ADDR": "203.0.113.7"}  # not loopback


def get_ready(client):
    """GET /healthz/ready/ from a fresh thread: the view is async, and a session's Playwright browser (the browser
    tests share the worker process) leaves an event loop in this thread, where async_to_sync refuses to run.
    The tests that call it are transactional, so the other thread sees their rows."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def call():
        try:
            return client.get("/healthz/ready/")
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call).result()


def beat(age_seconds: float):
    JobStatus.objects.update_or_create(
        name="heartbeat",
        defaults={"last_started_at": timezone.now() - datetime.timedelta(seconds=age_seconds + 1),
                  "last_finished_at": timezone.now() - datetime.timedelta(seconds=age_seconds)},
    )


@pytest.mark.django_db
def test_liveness_is_public_and_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        resp = client.get("/healthz/live/", **FAR)
    assert resp.status_code == 200 and resp.json() == {"status": "ok"}
    assert "no-cache" in resp["Cache-Control"]


@pytest.mark.django_db
def test_readiness_and_metrics_refuse_strangers(client, settings):
    settings.HEALTH_TOKEN = "s3cret-token"
    for url in ("/healthz/ready/", "/metrics/"):
        assert client.get(url, **FAR).status_code == 404
        assert client.get(url, HTTP_AUTHORIZATION="Bearer wrong", **FAR).status_code == 404
    assert client.get("/metrics/", HTTP_AUTHORIZATION="Bearer s3cret-token", **FAR).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_readiness_passes_with_a_fresh_heartbeat_and_names_a_stale_one(client, settings):
    beat(10)
    resp = get_ready(client)
    body = resp.json()
    assert resp.status_code == 200, body
    assert set(body.values()) == {"OK"}
    assert any(k.startswith("Database") for k in body) and any(k.startswith("Broker") for k in body)
    assert any(k.startswith("WorkerHeartbeat") for k in body) and any(k.startswith("Disk") for k in body)

    beat(settings.HEALTH_HEARTBEAT_MAX_AGE + 60)
    resp = get_ready(client)
    assert resp.status_code == 500
    assert any("heartbeat" in v and v != "OK" for v in resp.json().values())

    JobStatus.objects.filter(name="heartbeat").delete()
    settings.HEALTH_DISK_MAX_PERCENT = 0.0  # any used disk is "full"
    body = get_ready(client).json()
    assert any("no worker heartbeat" in v for v in body.values())
    assert any("disk" in v and "full" in v for v in body.values())


@pytest.mark.django_db(transaction=True)
def test_readiness_reports_a_broker_that_is_down(client, broker):
    beat(1)
    broker.down()
    resp = get_ready(client)
    assert resp.status_code == 500
    assert any("broker unreachable" in v for v in resp.json().values())


@pytest.mark.django_db(transaction=True)
def test_metrics_report_jobs_notifications_and_scheduled_job_durations(client):
    user = make_user("metrics_u")
    Notification.objects.create(user=user, title="t1")
    Notification.objects.create(user=user, title="t2")
    beat(5)
    resp = client.get("/metrics/")
    assert resp.status_code == 200
    text = resp.content.decode()
    assert "governance_notifications_total 2.0" in text
    assert 'governance_scheduled_job_duration_seconds{job="heartbeat"} 1.0' in text
    assert "governance_escalations_total" in text
    assert "python_info" in text  # prometheus_client's default collectors: the same registry django-prometheus uses


def _capture():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("governance.access")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    app_logger = logging.getLogger("governance.test_health")
    app_logger.addHandler(handler)
    app_logger.setLevel(logging.INFO)
    return stream, (logger, app_logger), handler


def test_json_lines_carry_the_request_id_and_mask_personal_data():
    stream, loggers, handler = _capture()
    try:
        def view(request):
            logging.getLogger("governance.test_health").info("looked up %s", "110101199003071234")
            from django.http import HttpResponse

            return HttpResponse("ok")

        mw = RequestIdMiddleware(view)
        resp = mw(RequestFactory().get("/residents/110101199003071234/", HTTP_X_REQUEST_ID="abc-123"))
        assert resp["X-Request-ID"] == "abc-123"
        bad = mw(RequestFactory().get("/x/", HTTP_X_REQUEST_ID="not safe\nid"))
        assert bad["X-Request-ID"] != "not safe\nid" and len(bad["X-Request-ID"]) == 32
    finally:
        for lg in loggers:
            lg.removeHandler(handler)
            lg.setLevel(logging.NOTSET)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert "110101199003071234" not in stream.getvalue()
    app_line, access, second = lines[0], lines[1], lines[3]
    assert app_line["request_id"] == "abc-123" and app_line["logger"] == "governance.test_health"
    assert "1101**********1234" in app_line["message"]
    assert access["logger"] == "governance.access" and access["status"] == 200 and access["method"] == "GET"
    assert access["request_id"] == "abc-123" and "1101**********1234" in access["path"]
    assert isinstance(access["duration_ms"], float)
    assert second["logger"] == "governance.access" and second["request_id"] == bad["X-Request-ID"]


@pytest.mark.django_db(transaction=True)
def test_switched_on_by_env_request_metrics_and_json_access_log():
    """METRICS_ENABLED and LOG_FORMAT=json in a fresh process (settings read them once, at start)."""
    import os
    import subprocess
    import sys

    from django.conf import settings as dj
    from django.db import connection

    db = connection.settings_dict
    env = {**os.environ, "METRICS_ENABLED": "1", "LOG_FORMAT": "json", "LOG_LEVEL": "INFO",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "assert c.get('/healthz/live/').status_code == 200\n"
        "m = c.get('/metrics/').content.decode()\n"
        "assert 'django_http_requests_total_by_method_total{method=\"GET\"}' in m, m[:2000]\n"
        "assert 'django_http_requests_latency_seconds_by_view_method_bucket' in m\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "governance.settings"},
                         cwd=dj.BASE_DIR, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    access = [json.loads(line) for line in out.stderr.splitlines() if '"governance.access"' in line]
    assert [a["path"] for a in access] == ["/healthz/live/", "/metrics/"]
    assert all(len(a["request_id"]) == 32 for a in access)
