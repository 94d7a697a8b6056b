"""The grid member's field kit (issue #17): 我的联系户, the one-screen visit, photos and location, and the
idempotency key that makes a retried upload from the phone's queue write nothing twice."""
import datetime as dt
import threading
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from governance.models import Attachment, Resident
from grids import actions, selectors
from grids.models import Grid, Issue, Visit

from .factories import category, make_household, staffed_grid

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200
QUEUED = {"HTTP_X_OFFLINE_QUEUE": "1"}


def led_grid(tree, personas, n=3):
    """A1g led by a party member (the grid leader's account is not linked to a resident) with n households."""
    grid, (leader, other) = staffed_grid(tree.A1g)
    Grid.objects.filter(pk=grid.pk).update(leader=leader)
    homes = []
    for i in range(n):
        home = make_household(tree.A1g, address=f"幸福路{i}号")
        actions.responsibility_assign(actor=personas.grid_leader_a1, grid_id=grid.pk, household=home, member=leader)
        homes.append(home)
    foreign = make_household(tree.A1g, address="别人联系的户")
    actions.responsibility_assign(actor=personas.grid_leader_a1, grid_id=grid.pk, household=foreign, member=other)
    return grid, leader, homes


def test_my_households_are_the_members_own_the_longest_unvisited_first(tree, personas, web):
    grid, leader, (h0, h1, h2) = led_grid(tree, personas)
    today = timezone.localdate()
    for home, days in ((h0, 3), (h1, 40)):
        Visit.objects.create(grid=grid, household=home, member=leader, recorded_by=personas.grid_leader_a1,
                             notes="走访", visited_on=today - dt.timedelta(days=days))
    Visit.objects.create(grid=grid, household=h0, member=leader, recorded_by=personas.grid_leader_a1,
                         notes="更早", visited_on=today - dt.timedelta(days=90))
    rows = list(selectors.field_households(user=personas.grid_leader_a1))
    assert rows == [h2, h1, h0]  # never visited, 40 days ago, 3 days ago (its latest visit counts)
    assert rows[2].last_visit == today - dt.timedelta(days=3)
    page = web(personas.grid_leader_a1).get("/grids/field/").content.decode()
    assert "别人联系的户" not in page and page.index("幸福路2号") < page.index("幸福路1号") < page.index("幸福路0号")
    assert "从未走访" in page and f'/grids/field/visit/?household={h2.pk}' in page


def test_a_member_linked_to_their_own_resident_record_sees_their_households(tree, personas):
    grid, leader, homes = led_grid(tree, personas)
    Resident.objects.filter(pk=leader.pk).update(user=personas.village_secretary_a1)
    assert selectors.field_member(user=personas.village_secretary_a1) == leader
    assert set(selectors.field_households(user=personas.village_secretary_a1)) == set(homes)


def test_someone_without_duty_has_no_households(tree, personas, web):
    led_grid(tree, personas)
    assert selectors.field_member(user=personas.grid_leader_b1) is None
    resp = web(personas.grid_leader_b1).get("/grids/field/")
    assert resp.status_code == 200 and list(resp.context["object_list"]) == []


@pytest.mark.parametrize("n", [5, 60])
def test_my_households_cost_the_same_at_5_and_60(tree, personas, web, django_assert_max_num_queries, n):
    grid, leader, homes = led_grid(tree, personas, n=n)
    for home in homes:
        Visit.objects.create(grid=grid, household=home, member=leader, recorded_by=personas.grid_leader_a1, notes="x")
    client = web(personas.grid_leader_a1)
    with django_assert_max_num_queries(12):
        assert client.get("/grids/field/").status_code == 200


def test_the_visit_form_preselects_the_member_today_and_the_household(tree, personas, web):
    grid, leader, (h0, *_rest) = led_grid(tree, personas)
    resp = web(personas.grid_leader_a1).get(f"/grids/field/visit/?household={h0.pk}")
    form = resp.context["form"]
    assert form["member"].value() == leader.pk and form["visited_on"].value() == timezone.localdate()
    assert form["household"].value() == h0.pk
    page = resp.content.decode()
    assert 'accept="image/*"' in page and 'capture="environment"' in page and "data-offline-queue" in page
    assert [h.pk for h in form.fields["household"].queryset] == [h.pk for h in selectors.field_households(
        user=personas.grid_leader_a1)]  # only the member's own households are offered
    old = web(personas.grid_leader_a1).get("/grids/visits/add/").context["form"]
    assert old["member"].value() == leader.pk  # the staff visit form preselects the member too


def test_a_queued_visit_raising_an_issue_with_a_photo_and_a_location_is_written_once(tree, personas, web):
    grid, leader, (h0, *_rest) = led_grid(tree, personas)
    key = uuid.uuid4()
    client = web(personas.grid_leader_a1)

    def send():
        return client.post("/grids/field/visit/", {
            "household": h0.pk, "member": leader.pk, "visited_on": timezone.localdate().isoformat(),
            "notes": "屋顶漏雨，需要修缮", "raise_issue": "on", "category": category().pk, "issue_title": "屋顶漏雨",
            "latitude": "31.820591", "longitude": "117.227239", "idempotency_key": str(key),
            "photo": SimpleUploadedFile("roof.jpg", JPEG, content_type="image/jpeg")}, **QUEUED)

    first, again = send(), send()
    assert first.status_code == again.status_code == 201, first.content
    assert first.json()["url"] == "/grids/field/"
    visit = Visit.objects.get()
    assert (visit.member, visit.household, str(visit.latitude), str(visit.longitude)) == (
        leader, h0, "31.820591", "117.227239")
    issue = Issue.objects.get()
    assert visit.issue == issue and issue.household == h0 and issue.title == "屋顶漏雨"
    assert Attachment.objects.filter(object_id=str(issue.pk)).count() == 1


def test_a_queued_visit_with_bad_input_is_a_400_that_says_why_and_writes_nothing(tree, personas, web):
    grid, leader, (h0, *_rest) = led_grid(tree, personas)
    resp = web(personas.grid_leader_a1).post("/grids/field/visit/", {
        "household": h0.pk, "visited_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(), "notes": "x",
        "idempotency_key": str(uuid.uuid4())}, **QUEUED)
    assert resp.status_code == 400 and "走访日期不能晚于今天" in resp.json()["message"]
    assert not Visit.objects.exists()


def test_a_photo_without_an_issue_goes_with_the_visit_and_its_grid_staff_may_open_it(tree, personas, web):
    grid, leader, (h0, *_rest) = led_grid(tree, personas)
    visit = actions.visit_log(actor=personas.grid_leader_a1, household=h0, member=leader, notes="送药上门",
                              photo=SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg"))
    attachment = Attachment.objects.get(object_id=str(visit.pk))
    assert attachment.region == tree.A1g
    assert web(personas.village_secretary_a1).get(f"/attachments/{attachment.pk}/").status_code == 200
    assert web(personas.grid_leader_b1).get(f"/attachments/{attachment.pk}/").status_code == 404


def test_another_persons_key_is_refused(tree, personas):
    grid, leader, (h0, *_rest) = led_grid(tree, personas)
    key = uuid.uuid4()
    actions.visit_log(actor=personas.grid_leader_a1, household=h0, notes="走访", idempotency_key=key)
    with pytest.raises(Exception) as refused:
        actions.visit_log(actor=personas.village_secretary_a1, household=h0, notes="走访", idempotency_key=key)
    assert "提交标识" in str(refused.value) and Visit.objects.count() == 1


def test_a_location_half_given_or_out_of_range_is_refused(tree, personas):
    grid, leader, (h0, *_rest) = led_grid(tree, personas)
    from django.core.exceptions import ValidationError

    for lat, lng in ((31, None), (91, 117)):
        with pytest.raises(ValidationError):
            actions.visit_log(actor=personas.grid_leader_a1, household=h0, notes="走访", latitude=lat, longitude=lng)
    assert not Visit.objects.exists()


def test_a_villagers_queued_report_sent_twice_is_one_issue(tree, personas, web):
    key = str(uuid.uuid4())
    client = web(personas.resident_a1)
    data = {"category": category().pk, "title": "路灯坏了", "description": "村口路灯一周不亮", "idempotency_key": key}
    assert [client.post("/grids/issues/report/", data, **QUEUED).status_code for _ in range(2)] == [201, 201]
    assert Issue.objects.filter(idempotency_key=key).count() == 1 == Issue.objects.count()
    assert client.post("/grids/issues/report/", {**data, "idempotency_key": ""}).status_code == 302  # a browser's


@pytest.mark.django_db(transaction=True)
def test_two_sends_of_one_key_at_the_same_moment_write_one_visit_and_one_issue(transactional_db):
    """The phone retries while the first upload is still being written: both requests pass the "seen this
    key?" check, the unique key makes the second wait for the first, then fail and return the first's visit."""
    import importlib

    from django.apps import apps

    from governance.tests.fixtures import build_personas, build_tree

    importlib.import_module("centers.migrations.0004_default_rules").add(apps, None)
    tree = build_tree()
    personas = build_personas(tree)
    actions.grids_sync()
    grid, leader, (h0, *_rest) = led_grid(tree, personas, n=1)
    key, results, barrier = uuid.uuid4(), [], threading.Barrier(2)
    original = actions.replayed

    def racing_replayed(model, k, actor, owner_field):  # both pass the first check before either writes
        found = original(model, k, actor, owner_field)
        if found is None and k is not None and threading.current_thread().name.startswith("send"):
            try:
                barrier.wait(timeout=5)
            except threading.BrokenBarrierError:
                pass
        return found

    def send():
        try:
            results.append(actions.visit_log(actor=personas.grid_leader_a1, household=h0, member=leader,
                                             notes="同时到达", raise_issue=True, category=category(),
                                             idempotency_key=key))
        finally:
            connection.close()

    actions.replayed = racing_replayed
    try:
        threads = [threading.Thread(target=send, name=f"send-{i}") for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        actions.replayed = original
    assert len(results) == 2 and results[0].pk == results[1].pk
    assert Visit.objects.count() == 1 and Issue.objects.count() == 1
    assert results[0].issue_id == results[1].issue_id == Issue.objects.get().pk


def test_the_manifest_and_the_service_worker_are_served_for_the_whole_site(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["display"] == "standalone" and data["theme_color"] == "#b71c1c" and data["start_url"].startswith("/")
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("text/javascript")
    assert sw["Service-Worker-Allowed"] == "/" and b"addEventListener(\"fetch\"" in b"".join(sw.streaming_content
                                                                                            if sw.streaming else [sw.content])


def test_the_offline_page_speaks_the_language_of_whoever_installed_the_worker(client):
    """The page the worker shows for a page never kept: Chinese by default, English for an English browser."""
    zh = client.get("/sw.js").content.decode()
    assert '"title": "没有网络"' in zh and '"lang": "zh-CN"' in zh
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.get("/sw.js").content.decode()
    assert '"title": "No connection"' in en and '"lang": "en"' in en and "My households" in en
    assert client.get("/manifest.webmanifest").json()["lang"] == "en"
