"""The mask holds against a curious insider: every attack of issue #14's first section, performed.

The screens show `3411**********4017` and an age. These tests try to rebuild the hidden digits the way
a township head did (birth date beside the mask, then an exact search to confirm each candidate), guess a
phone through the search, probe another township through registration, and look for numbers in URLs,
audit rows and log lines.
"""
from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.utils import timezone

from governance import pii
from governance.models import AuditEntry, Resident

from .fixtures import make_household, make_resident, valid_id_number


def candidates(masked: str, age: int, county: str = "341122") -> list[str]:
    """What an insider can derive from a masked ID and an age: every number consistent with both."""
    today = timezone.localdate()
    out = []
    day = dt.date(today.year - age - 1, 1, 1)
    while day <= today:
        years = today.year - day.year - ((today.month, today.day) < (day.month, day.day))
        if years == age:
            first17 = f"{county}{day:%Y%m%d}{masked[-4:-1]}"
            if pii.id_check_char(first17) == masked[-1]:
                out.append(first17 + masked[-1])
        day += dt.timedelta(days=1)
    return out


def test_no_role_sees_a_birth_date_beside_the_masked_number(tree, personas, web, api):
    birth = dt.date(1975, 6, 14)
    number = valid_id_number(birth=f"{birth:%Y%m%d}")
    r = make_resident(tree.A1g, id_number=number)
    shapes = (f"{birth:%Y-%m-%d}", f"{birth:%Y%m%d}", f"{birth:%Y/%m/%d}", "1975年6月14日", "birth")
    for user in (personas.grid_leader_a1, personas.township_head_a, personas.village_secretary_a1,
                 personas.county_admin):
        for body in (web(user).get(f"/residents/{r.pk}/").content.decode(),
                     web(user).get("/residents/").content.decode(),
                     api(user).get(f"/api/v1/governance/residents/{r.pk}/").content.decode(),
                     api(user).get("/api/v1/governance/residents/").content.decode()):
            assert not any(shape in body for shape in shapes), user
        assert api(user).get(f"/api/v1/governance/residents/{r.pk}/").json()["age"] == r.age


def test_the_residents_export_has_an_age_column_and_no_birth_date(tree, personas, web):
    from openpyxl import load_workbook

    birth = dt.date(1968, 3, 9)
    make_resident(tree.A1g, id_number=valid_id_number(birth=f"{birth:%Y%m%d}"))
    resp = web(personas.township_head_a).get("/exports/residents/")
    rows = list(load_workbook(io.BytesIO(b"".join(resp.streaming_content)), read_only=True).active.values)
    assert "年龄" in rows[0] and "出生日期" not in rows[0]
    flat = [str(v) for row in rows for v in row if v is not None]
    assert not any(s.startswith("1968-03-09") or s == "19680309" for s in flat)


def test_rebuilding_an_id_number_by_confirming_candidates_is_stopped_and_seen(tree, personas, web):
    """The township head's attack: derive the candidates from mask + age, confirm each by exact search."""
    number = valid_id_number(birth="19800517")
    r = make_resident(tree.A1g, id_number=number, name="目标")
    guesses = candidates(r.id_masked, r.age)
    assert number in guesses and len(guesses) > 30  # the age leaves dozens, not ~9
    guesses = [g for g in guesses if g != number] + [number]  # the attacker is unlucky: right one last
    client = web(personas.township_head_a)
    # The URL search no longer matches numbers at all.
    assert "目标" not in client.get("/residents/", {"q": number}).content.decode().split("<tbody>")[1]
    confirmed = False
    for guess in guesses:
        resp = client.post("/residents/lookup/", {"number": guess}, follow=True)
        confirmed = confirmed or resp.redirect_chain[-1][0] == r.get_absolute_url()
    assert not confirmed
    page = client.get("/residents/").content.decode()
    assert "过于频繁" in resp.content.decode() or "过于频繁" in page
    rows = AuditEntry.objects.filter(action="pii.lookup", actor=personas.township_head_a)
    assert sum(e.data.get("refused", 0) for e in rows) == 20  # the budget, and not one more answer
    assert rows.filter(data__limited=True).exists()
    # Filed under the head's township: the county sees the attempt, and so does the head's own audit view.
    assert set(rows.values_list("region", flat=True)) == {tree.A.pk}
    def audit_rows(user):
        page = web(user).get("/audit/", {"action": "pii.lookup"}).content.decode()
        return page.split("<tbody>")[1].split("</tbody>")[0]

    assert "township_head_a" in audit_rows(personas.county_admin)
    assert "township_head_a" in audit_rows(personas.township_head_a)
    assert "township_head_a" not in audit_rows(personas.township_head_b)
    for e in AuditEntry.objects.all():
        blob = f"{e.data} {e.reason} {e.object_repr}"
        assert not any(g in blob for g in guesses)


def test_guessing_a_phone_through_the_api_is_cut_off(tree, personas, api):
    make_resident(tree.A1g, phone="13912345678", name="有电话的人")
    client = api(personas.village_secretary_a1)
    answers = [client.post("/api/v1/governance/residents/lookup/", {"number": f"139{n:04d}5678"}, format="json")
               for n in range(30)]
    codes = [a.status_code for a in answers]
    assert codes[:20] == [200] * 20 and set(codes[20:]) == {429}
    assert all(a.json()["results"] == [] for a in answers[:20])
    assert "过于频繁" in answers[-1].json()["detail"]
    # The right number, tried after the budget is spent, is not confirmed either.
    late = client.post("/api/v1/governance/residents/lookup/", {"number": "13912345678"}, format="json")
    assert late.status_code == 429


def test_an_honest_lookup_finds_the_person_and_is_audited_without_the_number(tree, personas, api):
    number = valid_id_number()
    r = make_resident(tree.A1g, id_number=number, phone="13711112222")
    client = api(personas.village_assistant_a1)
    by_id = client.post("/api/v1/governance/residents/lookup/", {"number": number.lower()}, format="json").json()
    by_phone = client.post("/api/v1/governance/residents/lookup/", {"number": "137 1111 2222"}, format="json").json()
    assert [x["id"] for x in by_id["results"]] == [r.pk] == [x["id"] for x in by_phone["results"]]
    assert number not in str(by_id) and "13711112222" not in str(by_phone)
    entries = AuditEntry.objects.filter(action="pii.lookup", object_id=str(r.pk))
    assert entries.count() == 2
    assert all(number not in str(e.data) and "13711112222" not in str(e.data) for e in entries)


def test_a_lookup_outside_the_scope_answers_like_a_number_nobody_has(tree, personas, api):
    theirs = valid_id_number()
    make_resident(tree.B1g, id_number=theirs)
    nobody = valid_id_number()
    client = api(personas.township_head_a)
    a = client.post("/api/v1/governance/residents/lookup/", {"number": theirs}, format="json")
    b = client.post("/api/v1/governance/residents/lookup/", {"number": nobody}, format="json")
    assert a.status_code == b.status_code == 200 and a.json() == b.json() == {"results": []}


def test_registering_a_number_of_another_township_says_no_more_than_a_duplicate_at_home(tree, personas, api):
    mine, theirs = valid_id_number(), valid_id_number()
    make_resident(tree.A1g, id_number=mine)
    make_resident(tree.B1g, id_number=theirs)
    household = make_household(tree.A1g)
    client = api(personas.village_secretary_a1)
    at_home = client.post("/api/v1/governance/residents/", {"household": household.pk, "name": "甲",
                                                             "id_number": mine}, format="json")
    elsewhere = client.post("/api/v1/governance/residents/", {"household": household.pk, "name": "乙",
                                                               "id_number": theirs}, format="json")
    assert at_home.status_code == elsewhere.status_code == 400
    assert at_home.json() == elsewhere.json()
    assert "乙" not in str(elsewhere.json()) and Resident.objects.filter(name__in=["甲", "乙"]).count() == 0
    assert AuditEntry.objects.filter(action="pii.lookup", reason="resident.create",
                                     actor=personas.village_secretary_a1).count() == 2


def test_numbers_are_masked_in_the_web_servers_request_log(settings):
    from governance.pii import MaskPIIFilter

    number = valid_id_number()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("django.server")
    assert any(isinstance(f, MaskPIIFilter) for f in logger.filters)
    logger.addHandler(handler)
    try:
        logger.info('"GET /residents/?q=%s&phone=13912345678 HTTP/1.1" 200 123', number)
    finally:
        logger.removeHandler(handler)
    line = stream.getvalue()
    assert number not in line and "13912345678" not in line and number[:4] + "*" * 10 in line


@pytest.mark.worker
def test_gunicorns_access_log_masks_numbers_in_urls(tmp_path, live_server):
    """A real gunicorn, started the way production starts it (gunicorn.conf.py from the working directory)."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from django.conf import settings

    from governance.tests.fixtures import _database_url
    from django.db import connection

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "access.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "governance.settings_test",
           "DATABASE_URL": _database_url(connection.settings_dict)}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "governance.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1",
                             "--access-logfile", str(log)], cwd=settings.BASE_DIR, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    number = valid_id_number()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/?q={number}&p=13912345678", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        deadline = time.monotonic() + 10
        while "accounts/login" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    text = log.read_text()
    assert "accounts/login" in text
    assert number not in text and "13912345678" not in text and number[:4] + "*" * 10 in text


def test_a_file_of_guessed_numbers_is_refused_whole_without_saying_which_one_exists(tree, personas):
    """The same attack in bulk: every candidate of every resident in one import file."""
    from governance import lookups

    number = valid_id_number(birth="19800517")
    r = make_resident(tree.A1g, id_number=number)
    guesses = candidates(r.id_masked, r.age)
    for extra in range(6):  # more residents' candidates, to pass the file budget of 200 unknown numbers
        other = make_resident(tree.A1g, id_number=valid_id_number(birth=f"19{60 + extra}0312"))
        guesses += candidates(other.id_masked, other.age)
    assert len(guesses) > 200
    scope = Resident.objects.restrict(personas.township_head_a, "view")
    with pytest.raises(lookups.LookupLimited, match="过多"):
        lookups.exact_lookup(actor=personas.township_head_a, queryset=scope, numbers=guesses,
                             purpose="import.attendance", batch=True)
    entry = AuditEntry.objects.get(action="pii.lookup", actor=personas.township_head_a)
    assert entry.data["limited"] and entry.region_id == tree.A.pk and entry.object_id == ""
    # An honest file — the numbers of people really there, one typo — goes through, on its own ledger.
    found = lookups.exact_lookup(actor=personas.township_head_a, queryset=scope, numbers=[number, guesses[0]],
                                 purpose="import.attendance", batch=True)
    assert list(found) == [number] or guesses[0] == number
    assert lookups.budget(personas.township_head_a).refused == 0  # single lookups are not spent by files
