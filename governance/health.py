"""Liveness, readiness and Prometheus metrics for the load balancer and the monitoring (issue #22).

- `/healthz/live/`: public, touches nothing — "this process answers". A load balancer restarts or drains
  an app server that fails it.
- `/healthz/ready/`: django-health-check checks of what a request needs — the database, the cache, the
  broker, a worker's heartbeat (the `heartbeat` beat job's JobStatus), free disk, and the replica's lag
  when DATABASE_REPLICA_URL configures one. 200 when all pass, 500 with the failing check named.
- `/metrics/`: Prometheus text (django-prometheus' request counters and latency histograms when
  METRICS_ENABLED is on, plus this module's gauges read from the database at scrape time, so every
  app server reports the same figures: queue depth, job durations, escalations, notifications).

Readiness and metrics say how the system is built: only loopback callers (the host's own agent, nginx
on the same host) or a caller presenting HEALTH_TOKEN (`Authorization: Bearer …`) may read them; anyone
else gets a 404, as if they did not exist. Neither ever names a person.
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime
import hmac
import ipaddress
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from health_check import checks
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView


def may_read(request) -> bool:
    """Loopback callers, or the bearer of HEALTH_TOKEN (compared in constant time)."""
    token = getattr(settings, "HEALTH_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
def live(request):
    return JsonResponse({"status": "ok"})


# --- Checks ---------------------------------------------------------------------------------------
# Synchronous checks run in the event loop's executor threads: each closes the database connections
# its thread opened, or every probe would leave one behind.

class ClosesConnections:
    def run(self):
        try:
            return super().run()
        finally:
            connections.close_all()


@dataclasses.dataclass
class Database(ClosesConnections, checks.Database):
    pass


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker takes connections (Redis in production; the embedded filesystem broker's folder)."""

    def run(self):
        from governance.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:
            raise ServiceUnavailable("broker unreachable") from exc


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """A worker ran the `heartbeat` beat job recently: beat and at least one worker are alive."""

    max_age: int = dataclasses.field(default=180, repr=False)

    def run(self):
        try:
            self._run()
        finally:
            connections.close_all()

    def _run(self):
        from governance.models import JobStatus

        row = JobStatus.objects.filter(name="heartbeat").values_list("last_finished_at", flat=True).first()
        if row is None:
            raise ServiceUnavailable("no worker heartbeat yet")
        age = (timezone.now() - row).total_seconds()
        if age > self.max_age:
            raise ServiceUnavailable(f"worker heartbeat {int(age)} s old")


@dataclasses.dataclass
class Disk(HealthCheck):
    """Free space where uploads, exports and logs are written."""

    path: str = dataclasses.field(default="", repr=False)
    max_percent: float = dataclasses.field(default=90.0, repr=False)

    def run(self):
        path = Path(self.path or settings.MEDIA_ROOT)
        while not path.exists() and path != path.parent:  # not created yet: the disk it will be on
            path = path.parent
        usage = shutil.disk_usage(path)
        percent = 100.0 * usage.used / usage.total
        if percent > self.max_percent:
            raise ServiceWarning(f"disk {percent:.0f}% full")


def replica_lag_seconds(alias: str = "replica") -> float | None:
    """Seconds the replica's last replayed transaction is behind now (0 when it has replayed everything
    the primary sent); None when no replica is configured or it does not answer."""
    if alias not in connections.databases:
        return None
    try:
        with connections[alias].cursor() as cur:
            cur.execute(
                "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
            )
            return float(cur.fetchone()[0])
    except Exception:
        return None


@dataclasses.dataclass
class ReplicaLag(HealthCheck):
    """The read replica answers and is less than REPLICA_MAX_LAG_SECONDS behind. A lagging replica is a
    warning, not an outage: reads fall back to the primary (governance/dbrouter.py)."""

    max_lag: float = dataclasses.field(default=30.0, repr=False)

    def run(self):
        try:
            lag = replica_lag_seconds()
        finally:
            connections.close_all()
        if lag is None:
            raise ServiceWarning("replica does not answer")
        if lag > self.max_lag:
            raise ServiceWarning(f"replica {lag:.0f} s behind")


def readiness_checks():
    checks = [
        (Database, {"alias": "default"}),
        "health_check.checks.Cache",
        Broker,
        (WorkerHeartbeat, {"max_age": settings.HEALTH_HEARTBEAT_MAX_AGE}),
        (Disk, {"max_percent": settings.HEALTH_DISK_MAX_PERCENT}),
    ]
    if "replica" in settings.DATABASES:
        checks.append((ReplicaLag, {"max_lag": settings.REPLICA_MAX_LAG_SECONDS}))
    return checks


class ReadinessView(HealthCheckView):
    """django-health-check's view, always answering JSON, only to those who may read it."""

    async def get(self, request, *args, **kwargs):
        if not may_read(request):
            raise Http404
        self.checks = readiness_checks()
        with self.get_executor() as executor:
            self.results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        # A lagging replica is reported but keeps the server in rotation: its reads go to the primary.
        failing = [r for r in self.results if r.error and not isinstance(r.check, ReplicaLag)]
        return self.render_to_response_json(500 if failing else 200)


ready = ReadinessView.as_view()


# --- Metrics --------------------------------------------------------------------------------------

class PortalCollector:
    """Gauges read from the database and the broker at scrape time (the same on every app server)."""

    def collect(self):
        from django.apps import apps
        from django.db.models import Count
        from prometheus_client.core import GaugeMetricFamily

        from governance.models import ExportJob, ImportJob, JobStatus, Notification

        jobs = GaugeMetricFamily("governance_background_jobs", "Export and import jobs by kind and status",
                                 labels=["kind", "status"])
        for kind, model in (("export", ExportJob), ("import", ImportJob)):
            for row in model.objects.values("status").annotate(n=Count("id")):
                jobs.add_metric([kind, row["status"]], row["n"])
        yield jobs

        last = GaugeMetricFamily("governance_scheduled_job_duration_seconds",
                                 "Duration of the last finished run of each scheduled job", labels=["job"])
        age = GaugeMetricFamily("governance_scheduled_job_age_seconds",
                                "Seconds since each scheduled job last finished", labels=["job"])
        now = timezone.now()
        for name, started, finished in JobStatus.objects.values_list("name", "last_started_at", "last_finished_at"):
            if started and finished and finished >= started:
                last.add_metric([name], (finished - started).total_seconds())
            if finished:
                age.add_metric([name], (now - finished).total_seconds())
        yield last
        yield age

        recent = now - datetime.timedelta(hours=24)
        done = ExportJob.objects.filter(status=ExportJob.Status.DONE, finished_at__gte=recent)
        durations = [(f - c).total_seconds() for c, f in done.values_list("created_at", "finished_at")[:10000]]
        exp = GaugeMetricFamily("governance_export_duration_seconds_max",
                                "Longest export that finished in the last 24 hours")
        exp.add_metric([], max(durations, default=0.0))
        yield exp

        notes = GaugeMetricFamily("governance_notifications_total", "Notifications sent (all time)")
        notes.add_metric([], Notification.objects.count())
        yield notes

        # the app whose history model declares its escalation kinds (grids' IssueEvent), not named here: the
        # core finds the apps through settings.DOMAIN_APPS and their models
        for event in (m for m in apps.get_models() if hasattr(m, "ESCALATIONS")):
            esc = GaugeMetricFamily("governance_escalations_total", "Issue escalations (manual and automatic)",
                                    labels=["kind"])
            for row in event.objects.filter(kind__in=event.ESCALATIONS).values("kind").annotate(n=Count("id")):
                esc.add_metric([row["kind"]], row["n"])
            yield esc

        depth = queue_depths()
        if depth:
            q = GaugeMetricFamily("governance_queue_depth", "Messages waiting in each Celery queue",
                                  labels=["queue"])
            for name, n in depth.items():
                q.add_metric([name], n)
            yield q

        lag = replica_lag_seconds()
        if lag is not None:
            g = GaugeMetricFamily("governance_replica_lag_seconds", "Read replica replay lag")
            g.add_metric([], lag)
            yield g


def queue_depths() -> dict[str, int]:
    """LLEN of each known queue on a Redis broker (Celery's Redis transport keeps a queue as a list)."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return {}
    import redis

    names = {settings.CELERY_TASK_DEFAULT_QUEUE, *getattr(settings, "CELERY_EXTRA_QUEUES", ())}
    try:
        client = redis.Redis.from_url(url, socket_timeout=2)
        return {name: int(client.llen(name)) for name in sorted(names)}
    except Exception:
        return {}


_registry = None


def _portal_registry():
    """django-prometheus' metrics live in prometheus_client's default REGISTRY; our collector is added
    there once (a second registration would raise)."""
    global _registry
    if _registry is None:
        from prometheus_client import REGISTRY

        REGISTRY.register(PortalCollector())
        _registry = REGISTRY
    return _registry


@never_cache
def metrics(request):
    if not may_read(request):
        raise Http404
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return HttpResponse(generate_latest(_portal_registry()), content_type=CONTENT_TYPE_LATEST)
