"""services/ at county scale: 100,000 orders in realistic states (a pool of them dispatched to the demo
`unit_staff`'s unit, for the accept load test), and the order-accept API under wrk against a bare view
reading one row (the issue's baseline) and a bare view writing what an accept writes, by hand (its floor).

The load test runs gunicorn (2 workers, DEBUG off, settings `bench.settings`, which add the bare view
on a bench-only URL) and wrk (32 connections, 30 s, a Lua script giving every request a fresh order);
the pool is reset with SQL before each run, so every run accepts orders that are really waiting.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from bench.cases import Case
from bench.measure import summarize

from .models import Order

ORDERS = 100_000
POOL = 40_000  # dispatched to the bench unit, accepted by the load test (a run takes a few thousand)
POOL_PREFIX = "BA"  # pool orders' numbers: BA + 8 digits
OTHER_PREFIX = "BO"
ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "accept.lua"
DURATION, CONNECTIONS, THREADS, WORKERS = 30, 32, 2, 2


def _bench_unit():
    """The unit the demo `unit_staff` works for, and that unit's items in its township."""
    from centers.models import Unit
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="unit_staff")
    unit = Unit.objects.filter(staff=user, active=True).order_by("pk").first()
    assert unit is not None, "the demo unit_staff has no unit"
    return user, unit


_ORDER_COLUMNS = """number, item_title, item_description, category_name, work_hours, accept_hours, dispatch_hours,
    channel, contact_name, note, status, stage_deadline, completion_note, rating, rating_comment, created_at,
    updated_at, closed_at, accepted_by_id, item_id, placed_by_id, region_id, resident_id, unit_id"""


def build(*, residents: int) -> None:
    """Idempotent: the pool once, then other orders up to ORDERS in all (states as in the demo's mix)."""
    started = time.monotonic()
    user, unit = _bench_unit()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        made_pool = made_other = 0
        if not Order.objects.filter(number__startswith=POOL_PREFIX).exists():
            # Residents of the unit's township, each ordering an item the unit provides there.
            cur.execute(f"""
            WITH items AS (
                SELECT i.id, i.title, i.description, c.name AS category, i.work_hours, i.accept_hours, i.dispatch_hours,
                       t.path AS tpath, row_number() OVER (ORDER BY i.id) - 1 AS rn
                FROM services_menuitem i JOIN services_menuitem_units mu ON mu.menuitem_id = i.id AND mu.unit_id = %(unit)s
                JOIN centers_workcategory c ON c.id = i.category_id JOIN governance_region t ON t.id = i.township_id
                WHERE i.status = 'active'
            ), n_items AS (SELECT count(*) AS n FROM items),
            res AS (
                SELECT p.id, p.region_id, row_number() OVER (ORDER BY p.id) - 1 AS rn
                FROM governance_resident p JOIN governance_region r ON r.id = p.region_id
                WHERE r.path LIKE (SELECT t.path FROM governance_region t JOIN items ON items.tpath = t.path LIMIT 1) || '%%'
            ), n_res AS (SELECT count(*) AS n FROM res)
            INSERT INTO services_order ({_ORDER_COLUMNS})
            SELECT %(prefix)s || lpad(gs::text, 8, '0'), it.title, it.description, it.category, it.work_hours,
                   it.accept_hours, it.dispatch_hours, 'grid', '', '基准：等待接单的订单', 'dispatched',
                   %(now)s + make_interval(hours => it.accept_hours), '', NULL, '', %(now)s - interval '1 day',
                   %(now)s - interval '12 hours', NULL, NULL, it.id, NULL, r.region_id, r.id, %(unit)s
            FROM generate_series(1, %(n)s) gs CROSS JOIN n_items CROSS JOIN n_res
            JOIN items it ON it.rn = gs %% n_items.n
            JOIN res r ON r.rn = (gs::bigint * 7919) %% n_res.n
            """, {"unit": unit.pk, "prefix": POOL_PREFIX, "n": POOL, "now": now})
            made_pool = cur.rowcount
            assert made_pool == POOL, f"pool: {made_pool} orders (does the unit provide an active item?)"
        missing = ORDERS * residents // 500_000 - Order.objects.count()
        offset = Order.objects.filter(number__startswith=OTHER_PREFIX).count()
        if missing > 0:
            # Everyone else: an item of the resident's own township, a unit providing it, the demo's mix of
            # states (55 % confirmed, 8 % completed, 12 % accepted, 8 % dispatched, 12 % placed, 5 % cancelled).
            cur.execute(f"""
            WITH items AS (
                SELECT i.id, i.title, i.description, c.name AS category, i.work_hours, i.accept_hours, i.dispatch_hours,
                       t.path AS tpath, (SELECT min(unit_id) FROM services_menuitem_units mu WHERE mu.menuitem_id = i.id) AS unit_id,
                       row_number() OVER (PARTITION BY t.path ORDER BY i.id) - 1 AS rn,
                       count(*) OVER (PARTITION BY t.path) AS cnt
                FROM services_menuitem i JOIN centers_workcategory c ON c.id = i.category_id
                JOIN governance_region t ON t.id = i.township_id WHERE i.status = 'active'
            ),
            res AS (
                SELECT p.id, p.region_id, substr(r.path, 1, 9) AS tpath, row_number() OVER (ORDER BY p.id) - 1 AS rn
                FROM governance_resident p JOIN governance_region r ON r.id = p.region_id
            ), n_res AS (SELECT count(*) AS n FROM res),
            src AS (
                SELECT gs AS n, CASE WHEN gs %% 100 < 55 THEN 'confirmed' WHEN gs %% 100 < 63 THEN 'completed'
                    WHEN gs %% 100 < 75 THEN 'accepted' WHEN gs %% 100 < 83 THEN 'dispatched'
                    WHEN gs %% 100 < 95 THEN 'placed' ELSE 'cancelled' END AS status,
                    %(now)s - make_interval(hours => 2 + (gs * 37) %% (24 * 360)) AS created
                FROM generate_series(%(offset)s + 1, %(offset)s + %(n)s) gs
            )
            INSERT INTO services_order ({_ORDER_COLUMNS})
            SELECT %(prefix)s || lpad(s.n::text, 8, '0'), it.title, it.description, it.category, it.work_hours,
                   it.accept_hours, it.dispatch_hours, 'grid', '', '基准：群众订单', s.status,
                   CASE s.status WHEN 'placed' THEN s.created + make_interval(hours => it.dispatch_hours)
                       WHEN 'dispatched' THEN s.created + make_interval(hours => 6 + it.accept_hours)
                       WHEN 'accepted' THEN s.created + make_interval(hours => 12 + it.work_hours)
                       WHEN 'completed' THEN s.created + make_interval(hours => 48 + 24 * 7) END,
                   CASE WHEN s.status IN ('completed', 'confirmed') THEN '已按要求办理完毕' ELSE '' END,
                   CASE WHEN s.status = 'confirmed' THEN (ARRAY[5,5,5,5,5,5,4,4,4,3])[1 + s.n %% 10] END,
                   CASE WHEN s.status = 'confirmed' THEN '满意' ELSE '' END,
                   s.created, s.created + interval '30 hours',
                   CASE WHEN s.status IN ('confirmed', 'cancelled') THEN s.created + interval '30 hours' END,
                   NULL, it.id, NULL, r.region_id, r.id,
                   CASE WHEN s.status IN ('dispatched', 'accepted', 'completed', 'confirmed') THEN it.unit_id END
            FROM src s CROSS JOIN n_res
            JOIN res r ON r.rn = (s.n::bigint * 7919) %% n_res.n
            JOIN items it ON it.tpath = r.tpath AND it.rn = s.n %% it.cnt
            WHERE it.unit_id IS NOT NULL
            """, {"prefix": OTHER_PREFIX, "n": missing, "now": now, "offset": offset})
            made_other = cur.rowcount
        if made_pool or made_other:
            # Each bench order's history so far: placed, and dispatched for the pool.
            cur.execute("""
                INSERT INTO services_orderevent (order_id, from_status, to_status, at, note, unit_id, actor_id)
                SELECT o.id, '', 'placed', o.created_at, '', NULL, NULL FROM services_order o
                WHERE (o.number LIKE 'BA%%' OR o.number LIKE 'BO%%')
                  AND NOT EXISTS (SELECT 1 FROM services_orderevent e WHERE e.order_id = o.id)
            """)
            cur.execute("""
                INSERT INTO services_orderevent (order_id, from_status, to_status, at, note, unit_id, actor_id)
                SELECT o.id, 'placed', 'dispatched', o.updated_at, '', o.unit_id, NULL FROM services_order o
                WHERE o.number LIKE 'BA%%'
                  AND NOT EXISTS (SELECT 1 FROM services_orderevent e WHERE e.order_id = o.id AND e.to_status = 'dispatched')
            """)
            cur.execute("ANALYZE services_order; ANALYZE services_orderevent")
    if made_pool or made_other:
        print(f"  services: {made_pool} pool + {made_other} orders in {time.monotonic() - started:.0f} s", flush=True)


# --- The load test ---------------------------------------------------------------------------------

def _reset_pool() -> list[int]:
    """Every pool order back to 待接单, its acceptance history and audit removed: each run starts alike."""
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Order)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("""
            WITH pool AS (SELECT id FROM services_order WHERE number LIKE 'BA%%' AND status <> 'dispatched')
            , ev AS (DELETE FROM services_orderevent e USING pool WHERE e.order_id = pool.id AND e.to_status <> 'placed'
                     AND e.to_status <> 'dispatched')
            , au AS (DELETE FROM governance_auditentry a USING pool
                     WHERE a.content_type_id = %(ct)s AND a.object_id = pool.id::text)
            UPDATE services_order o SET status = 'dispatched', accepted_by_id = NULL, updated_at = now(),
                   stage_deadline = now() + make_interval(hours => o.accept_hours)
            FROM pool WHERE o.id = pool.id
        """, {"ct": ct.pk})
        cur.execute("SELECT id FROM services_order WHERE number LIKE 'BA%%' ORDER BY id")
        return [r[0] for r in cur.fetchall()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env() -> dict:
    from django.conf import settings

    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "false", "SECURE_SSL_REDIRECT": "false",
        "SECRET_KEY": "bench-" + os.urandom(24).hex(), "PII_KEY": settings.PII_KEY,  # the key the data was built with
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING", "CELERY_TASK_ALWAYS_EAGER": "false",
    })
    return env


def _start_gunicorn(port: int) -> subprocess.Popen:
    gunicorn = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "gunicorn"
    if not gunicorn.exists():
        gunicorn = Path(shutil.which("gunicorn") or "gunicorn")
    log = open(Path(tempfile.gettempdir()) / "bench-gunicorn.log", "ab")
    proc = subprocess.Popen([str(gunicorn), "governance.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
                             "--error-logfile", "-", "--timeout", "60"],
                            cwd=ROOT, env=_server_env(), stdout=log, stderr=log, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/0/", timeout=2)
            return proc
        except urllib.error.HTTPError:
            return proc  # answering (a 404 for order 0 is an answer)
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not start: see " + log.name)


def _wrk(port: int, mode: str, ids_file: Path, token: str) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed: scripts/bench-deps.sh installs it (make bench runs it)")
    out = subprocess.run([wrk, "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{DURATION}s", "--latency",
                          "-s", str(LUA), f"http://127.0.0.1:{port}", "--", str(ids_file), str(THREADS), mode, token],
                         capture_output=True, text=True, timeout=DURATION + 60).stdout

    def grab(pattern, cast=float):
        m = re.search(pattern, out)
        return cast(m.group(1)) if m else None

    status = dict(re.findall(r"(ok|conflict|other|socket_errors)=(\d+)", out))
    return {"rps": grab(r"Requests/sec:\s+([\d.]+)"), "p50_ms": grab(r"LAT p50=(\d+)") / 1000,
            "p99_ms": grab(r"p99=(\d+)") / 1000, **{k: int(v) for k, v in status.items()}, "raw": out}


def order_accept_load(reps: int) -> dict:
    from governance.tokens import api_token_create

    user, _unit = _bench_unit()
    _token, token = api_token_create(actor=user, name="bench")  # the key exists only here: one per run
    ids_file = Path(tempfile.mkdtemp()) / "ids.txt"
    port = _free_port()
    server = _start_gunicorn(port)
    runs = {"accept": [], "write": [], "bare": []}
    try:
        for _ in range(max(1, reps)):
            for mode in runs:
                ids = _reset_pool()
                ids_file.write_text("\n".join(map(str, ids)) + "\n")
                connection.close()  # the reset's connection is not held while the server is loaded
                run = _wrk(port, mode, ids_file, token)
                run["accepted_in_db"] = Order.objects.filter(number__startswith=POOL_PREFIX, status="accepted").count()
                runs[mode].append(run)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        _reset_pool()
    ours, bare, write = runs["accept"], runs["bare"], runs["write"]
    import statistics

    med = lambda runs, key: statistics.median(r[key] for r in runs)  # noqa: E731
    rps_ours, rps_bare, rps_write = med(ours, "rps"), med(bare, "rps"), med(write, "rps")
    errors = sum(r.get("other", 0) + r.get("socket_errors", 0) for r in ours)
    conflicts = sum(r.get("conflict", 0) for r in ours)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "wrk-order-accept.txt").write_text(
        "\n\n".join(f"--- {mode} run {i + 1}\n{r['raw']}" for mode, rs in runs.items() for i, r in enumerate(rs)))
    # Times as seconds per request (1 / throughput) so the table's columns read alike; ratio = throughput ratio.
    result = summarize("order_accept_load", f"POST /api/v1/services/orders/<id>/accept/ (token), gunicorn -w {WORKERS}",
                       "bare Django view: one row as JSON, same server", [1 / r["rps"] for r in ours],
                       [1 / r["rps"] for r in bare], 2.0,
                       {"rps": round(rps_ours, 1), "baseline_rps": round(rps_bare, 1),
                        "throughput_ratio": round(rps_ours / rps_bare, 2), "throughput_goal": "≥ 0.5×",
                        # The floor of the work itself: the same writes by hand in a bare view (bench/urls.py).
                        "bare_write_rps": round(rps_write, 1), "bare_write_p99_ms": med(write, "p99_ms"),
                        "throughput_ratio_to_bare_write": round(rps_ours / rps_write, 2),
                        "bare_write_ratio_to_bare_read": round(rps_write / rps_bare, 2),
                        "p50_ms": med(ours, "p50_ms"), "p99_ms": med(ours, "p99_ms"),
                        "baseline_p50_ms": med(bare, "p50_ms"), "baseline_p99_ms": med(bare, "p99_ms"),
                        "accepted_2xx": sum(r.get("ok", 0) for r in ours), "conflicts_409": conflicts,
                        "errors": errors, "accepted_in_db": [r["accepted_in_db"] for r in ours],
                        "wrk": f"-t{THREADS} -c{CONNECTIONS} -d{DURATION}s, {len(ours)} runs each"})
    result["ok"] = rps_ours / rps_bare >= 0.5 and errors == 0 and conflicts == 0
    return result


CASES = [Case("order_accept_load", order_accept_load)]
