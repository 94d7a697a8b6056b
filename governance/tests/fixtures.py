"""The shared test base: a small region tree, personas on both sides of it, and factories.

Township A holds villages A1 and A2; township B holds village B1. Personas sit at each level of A,
and the same local roles sit in B, so every test can ask "does the other side get a 404?".
"""
from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from governance import pii
from governance.models import Household, Region, Resident, RoleAssignment
from governance.scoping import Role

_seq = itertools.count(1)


def valid_id_number(n: int | None = None, birth: str = "19800101") -> str:
    """A GB 11643-valid number, unique per call."""
    n = next(_seq) if n is None else n
    first17 = f"341122{birth}{n % 1000:03d}"
    if n >= 1000:  # vary the birth date to stay unique beyond 1,000 numbers
        day = 1 + (n // 1000) % 28
        first17 = f"341122{birth[:6]}{day:02d}{n % 1000:03d}"
    return first17 + pii.id_check_char(first17)


def make_region(parent: Region | None, code: str, name: str, kind: str) -> Region:
    """As region_create does, without the actor checks: apps' hooks run (a township gets its centers)."""
    from governance import hooks

    region = Region(parent=parent, code=code, name=name, kind=kind)
    region.full_clean()
    region.save()
    hooks.run(hooks.region_created, actor=None, region=region)
    return region


def make_household(region: Region, **kw) -> Household:
    n = next(_seq)
    return Household.objects.create(region=region, number=kw.pop("number", f"T{n:08d}"),
                                    address=kw.pop("address", f"{n}号"), **kw)


def make_resident(region: Region, household: Household | None = None, **kw) -> Resident:
    household = household or make_household(region)
    id_number = kw.pop("id_number", None) or valid_id_number()
    phone = kw.pop("phone", "13800138000")
    r = Resident(household=household, region=region, name=kw.pop("name", f"居民{next(_seq)}"), **kw)
    r.set_id_number(id_number)
    r.set_phone(phone)
    r.save()
    return r


def make_user(username: str, role: str | None = None, region: Region | None = None, **kw):
    user = get_user_model().objects.create_user(username, password="pw-test-1234", **kw)
    if role:
        RoleAssignment.objects.create(user=user, role=role, region=region)
    return user


def build_tree() -> SimpleNamespace:
    """The small region tree (what the `tree` fixture holds), for fixtures of a wider scope."""
    C = make_region(None, "341122000000", "测试县", Region.Kind.COUNTY)
    A = make_region(C, "341122001000", "甲镇", Region.Kind.TOWNSHIP)
    A1 = make_region(A, "341122001001", "甲一村", Region.Kind.VILLAGE)
    A1g = make_region(A1, "341122001001001", "甲一村第1组", Region.Kind.GROUP)
    A2 = make_region(A, "341122001002", "甲二村", Region.Kind.VILLAGE)
    A2g = make_region(A2, "341122001002001", "甲二村第1组", Region.Kind.GROUP)
    B = make_region(C, "341122002000", "乙街道", Region.Kind.SUBDISTRICT)
    B1 = make_region(B, "341122002001", "乙一社区", Region.Kind.COMMUNITY)
    B1g = make_region(B1, "341122002001001", "乙一社区锦绣小区", Region.Kind.COMPOUND)
    B1b = make_region(B1g, "341122002001001001", "1号楼", Region.Kind.BUILDING)
    return SimpleNamespace(C=C, A=A, A1=A1, A1g=A1g, A2=A2, A2g=A2g, B=B, B1=B1, B1g=B1g, B1b=B1b)


@pytest.fixture
def tree(db):
    return build_tree()


def build_personas(tree) -> SimpleNamespace:
    """Users by name (what the `personas` fixture holds); `resident_a1`/`resident_b1` are villagers with a
    login of their own."""
    p = SimpleNamespace(
        county_admin=make_user("county_admin", Role.COUNTY_ADMIN, tree.C),
        township_head_a=make_user("township_head_a", Role.TOWNSHIP_HEAD, tree.A),
        township_staff_a=make_user("township_staff_a", Role.TOWNSHIP_STAFF, tree.A),
        village_secretary_a1=make_user("village_secretary_a1", Role.VILLAGE_SECRETARY, tree.A1),
        village_assistant_a1=make_user("village_assistant_a1", Role.VILLAGE_ASSISTANT, tree.A1),
        grid_leader_a1=make_user("grid_leader_a1", Role.GRID_LEADER, tree.A1g),
        unit_staff_a=make_user("unit_staff_a", Role.UNIT_STAFF, tree.A),
        resident_a1=make_user("resident_a1", Role.RESIDENT, tree.A1),
        township_head_b=make_user("township_head_b", Role.TOWNSHIP_HEAD, tree.B),
        township_staff_b=make_user("township_staff_b", Role.TOWNSHIP_STAFF, tree.B),
        village_secretary_b1=make_user("village_secretary_b1", Role.VILLAGE_SECRETARY, tree.B1),
        grid_leader_b1=make_user("grid_leader_b1", Role.GRID_LEADER, tree.B1g),
        resident_b1=make_user("resident_b1", Role.RESIDENT, tree.B1),
        # Staff of two county departments (issue #20): linked to a department by the departments app's tests.
        department_staff_a=make_user("department_staff_a", Role.DEPARTMENT_STAFF, tree.C),
        department_staff_b=make_user("department_staff_b", Role.DEPARTMENT_STAFF, tree.C),
    )
    make_resident(tree.A1g, user=p.resident_a1, name="甲村民")
    make_resident(tree.B1b, user=p.resident_b1, name="乙居民")
    return p


@pytest.fixture
def personas(tree):
    return build_personas(tree)


@pytest.fixture
def api():
    """api(user) -> a DRF client logged in as that user (None: anonymous)."""
    from rest_framework.test import APIClient

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return client_for


@pytest.fixture
def web(client):
    """web(user) -> a Django test client logged in as that user (None: anonymous)."""
    from django.test import Client

    def client_for(user=None):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return client_for


# --- A real Celery worker ---------------------------------------------------------------------

@pytest.fixture
def celery_worker_process(transactional_db, settings):
    """Start a real `celery worker` process on the Redis broker, against this test's database.

    The queue name is unique to this test run, so parallel runs on one Redis never steal each
    other's tasks. Yields a handle with .enqueue(task, *args) and .stop(kill=False).
    """
    import os
    import signal
    import subprocess
    import sys
    import time
    import uuid

    from django.db import connection

    from governance.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "governance.settings_test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "CELERY_QUEUE": queue,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "governance", "worker", "--pool", "solo", "--without-heartbeat",
         "--without-gossip", "--without-mingle", "-Q", queue, "--loglevel", "WARNING"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )

    class Handle:
        process = proc

        def enqueue(self, task, *args, **kwargs):
            return task.apply_async(args=args, kwargs=kwargs, queue=queue)

        def stop(self, kill: bool = False):
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()

        def wait_for(self, predicate, timeout: float = 30.0, interval: float = 0.2) -> bool:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if predicate():
                    return True
                if proc.poll() is not None:
                    raise RuntimeError(f"celery worker exited: {proc.stdout.read().decode(errors='replace')[-2000:]}")
                time.sleep(interval)
            return False

    handle = Handle()
    yield handle
    handle.stop()
    with app.connection_for_write() as conn:  # drop what this run left in its queue
        conn.default_channel.queue_delete(queue)


def _database_url(s: dict) -> str:
    user = s.get("USER") or "postgres"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


# --- A real browser -----------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context on the live server. `page.login(username)` signs in through the form;
    `page.console_errors` and `page.external_requests` collect what a user should never get."""
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    pg = context.new_page()
    pg.console_errors, pg.external_requests = [], []
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))

    def on_request(req):
        from urllib.parse import urlparse

        host = urlparse(req.url).hostname
        if req.url.startswith(("http:", "https:")) and host not in ("localhost", "127.0.0.1"):
            pg.external_requests.append(req.url)

    pg.on("request", on_request)

    def login(username, password="pw-test-1234"):
        pg.goto("/accounts/login/")
        pg.fill("#id_username", username)
        pg.fill("#id_password", password)
        pg.click("button[type=submit]")
        pg.wait_for_load_state()

    pg.login = login
    yield pg
    context.close()


# --- Neighbours: sibling villages of one township, two villagers of one village ---------------------------

def add_neighbours(tree, p: SimpleNamespace) -> SimpleNamespace:
    """To `personas`: A2's village secretary and grid leader (A1's sibling village in township A), and a
    second villager of A1 with a login. Each must see nothing of the other village or villager."""
    p.village_secretary_a2 = make_user("village_secretary_a2", Role.VILLAGE_SECRETARY, tree.A2)
    p.grid_leader_a2 = make_user("grid_leader_a2", Role.GRID_LEADER, tree.A2g)
    p.resident_a1_2 = make_user("resident_a1_2", Role.RESIDENT, tree.A1)
    make_resident(tree.A1g, user=p.resident_a1_2, name="甲村民二")
    return p


ADMINISTRATORS = ["system_admin", "security_admin", "audit_admin"]


def add_administrators(tree, p: SimpleNamespace) -> SimpleNamespace:
    """To `personas`: the three administrators of 三员分立 (issue #18), at the county. Each does only their own
    work — accounts, roles and policies, the audit log — and reads no resident's data."""
    p.system_admin = make_user("system_admin", Role.SYSTEM_ADMIN, tree.C)
    p.security_admin = make_user("security_admin", Role.SECURITY_ADMIN, tree.C)
    p.audit_admin = make_user("audit_admin", Role.AUDIT_ADMIN, tree.C)
    return p


@pytest.fixture
def administrators(tree, personas):
    """`personas` and the three administrators (see add_administrators)."""
    return add_administrators(tree, personas)


@pytest.fixture
def neighbours(tree, personas):
    """`personas` and their neighbours (see add_neighbours)."""
    return add_neighbours(tree, personas)
