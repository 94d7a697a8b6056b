"""The field kit on a phone, in real Chromium (issue #17): the grid leader opens 我的联系户, loses the signal,
logs two visits (one raising an issue, with a photo taken on the phone), the signal returns and the server
holds exactly those two visits and one issue with the (resized) photo; an upload whose answer is lost is
sent again and still writes one visit; the app is installable (manifest, service worker)."""
import struct
import time
import zlib
from pathlib import Path

import pytest
from django.conf import settings

from governance.models import Attachment
from governance.tests.test_desk_browser import desk_world, signed_in  # noqa: F401  (the desk's world and login)
from grids import actions
from grids.models import Grid, Issue, Visit

from .factories import category, make_household, staffed_grid

PHONE = {"width": 390, "height": 844}
SCREENS = Path(settings.BASE_DIR, "docs", "screens")


def noisy_png(width: int, height: int) -> bytes:
    """A camera-sized picture that does not compress (so the phone's JPEG is the smaller one)."""
    import os

    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


@pytest.fixture
def field_world(desk_world):
    """The desk's world, with the grid leader's grid led by a party member who looks after three households."""
    p = desk_world
    grid, (leader, _other) = staffed_grid(p.grid_leader_a1.role_assignments.get().region)
    Grid.objects.filter(pk=grid.pk).update(leader=leader)
    homes = [make_household(grid.region, address=f"幸福路{i}号") for i in range(3)]
    for home in homes:
        actions.responsibility_assign(actor=p.grid_leader_a1, grid_id=grid.pk, household=home, member=leader)
    p.homes, p.leader = homes, leader
    return p


def _outbox(pg) -> list:
    return pg.evaluate("() => window.portalOutbox.all().then(items => items.map(i => i.status))")


def _wait(predicate, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def _controlled(pg) -> bool:
    return pg.evaluate("""() => navigator.serviceWorker.ready.then(() => new Promise(resolve => {
        if (navigator.serviceWorker.controller) { resolve(true); return; }
        navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true));
        setTimeout(() => resolve(!!navigator.serviceWorker.controller), 5000);
    }))""")


def _fill_visit(pg, home, notes, *, issue_title=None, photo=None):
    pg.select_option("#id_household", str(home.pk))
    pg.fill("#id_notes", notes)
    if photo is not None:
        pg.set_input_files("#id_photo", files=[{"name": "roof.png", "mimeType": "image/png", "buffer": photo}])
    if issue_title:
        pg.check("#id_raise_issue")
        pg.select_option("#id_category", str(category().pk))
        pg.fill("#id_issue_title", issue_title)
    pg.click("form[data-offline-queue] button[type=submit]")


@pytest.mark.browser
def test_visits_logged_without_signal_are_sent_once_when_it_returns(browser, live_server, field_world):
    p = field_world
    h0, h1, h2 = p.homes
    context, pg, errors = signed_in(browser, live_server, "grid_leader_a1", **PHONE, phone=True,
                                    geolocation={"latitude": 31.820591, "longitude": 117.227239},
                                    permissions=["geolocation"])
    pg.goto("/grids/field/")
    assert _controlled(pg), "the service worker does not control the page"
    cards = pg.locator(".field-household")
    assert cards.count() == 3 and "从未走访" in cards.first.inner_text()
    SCREENS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENS / "phone-field-kit.png"), full_page=True)
    pg.goto(f"/grids/field/visit/?household={h0.pk}")
    assert pg.locator("#id_member").input_value() == str(p.leader.pk)  # the member preselected
    assert pg.locator("#id_photo").get_attribute("capture") == "environment"
    assert not pg.locator("#id_category").is_visible()  # the issue's fields only when asked for
    pg.wait_for_timeout(500)  # the worker keeps this page and its files (field.js)

    context.set_offline(True)
    photo = noisy_png(1800, 1200)
    _fill_visit(pg, h0, "屋顶漏雨，老人独居", issue_title="屋顶漏雨需修缮", photo=photo)
    pg.wait_for_selector(".outbox-flash.alert-warning")
    _fill_visit(pg, h1, "送药上门，身体尚好")
    assert _wait(lambda: _outbox(pg) == ["waiting", "waiting"]), _outbox(pg)
    pg.wait_for_selector("[data-outbox] .outbox-item >> nth=1")
    pg.screenshot(path=str(SCREENS / "phone-field-visit-offline.png"), full_page=True)
    assert not Visit.objects.filter(household__in=p.homes).exists()
    assert not Issue.objects.filter(title="屋顶漏雨需修缮").exists()
    pg.goto("/grids/field/")  # a page opened before: read from the phone without a connection
    assert pg.locator(".field-household").count() == 3
    pg.wait_for_selector("[data-outbox]:not([hidden])")
    assert "2" in pg.locator("[data-outbox-count]").inner_text()
    pg.screenshot(path=str(SCREENS / "phone-field-outbox.png"), full_page=True)

    context.set_offline(False)
    assert _wait(lambda: _outbox(pg) == []), _outbox(pg)
    visits = list(Visit.objects.filter(household__in=p.homes).order_by("household__address"))
    assert [(v.household, v.member) for v in visits] == [(h0, p.leader), (h1, p.leader)]
    issue = Issue.objects.get(title="屋顶漏雨需修缮")
    assert visits[0].issue == issue and visits[1].issue is None and issue.household == h0
    assert (str(visits[0].latitude), str(visits[0].longitude)) == ("31.820591", "117.227239")  # where the phone was
    attachment = Attachment.objects.get(object_id=str(issue.pk))
    assert attachment.mime == "image/jpeg" and attachment.size < len(photo)  # resized on the phone
    assert not Attachment.objects.filter(object_id=str(visits[1].pk)).exists()
    assert not [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e and "Failed to fetch" not in e], errors
    context.close()


@pytest.mark.browser
def test_an_upload_whose_answer_is_lost_is_sent_again_and_written_once(browser, live_server, field_world):
    p = field_world
    context, pg, errors = signed_in(browser, live_server, "grid_leader_a1", **PHONE, phone=True,
                                    service_workers="block")  # the route sees every request
    handled = []

    def drop_first_answer(route):
        if route.request.method != "POST":
            return route.continue_()
        if not handled:
            handled.append(route.fetch().status)  # the server writes the visit …
            return route.abort("connectionreset")  # … and the phone never hears back
        return route.continue_()

    pg.route("**/grids/field/visit/**", drop_first_answer)
    pg.goto(f"/grids/field/visit/?household={p.homes[2].pk}")
    _fill_visit(pg, p.homes[2], "路面塌陷，已提醒绕行", issue_title="路面塌陷")
    pg.wait_for_selector(".outbox-flash.alert-warning")  # the send failed: kept to be sent again
    assert _outbox(pg) == ["waiting"]
    mine = Visit.objects.filter(household__in=p.homes)
    assert handled == [201] and mine.count() == 1  # written, the answer lost
    pg.click("[data-outbox-send]")
    assert _wait(lambda: _outbox(pg) == []), _outbox(pg)
    assert mine.count() == 1 and Issue.objects.filter(title="路面塌陷").count() == 1
    context.close()


@pytest.mark.browser
def test_the_app_is_installable(browser, live_server, field_world):
    context, pg, errors = signed_in(browser, live_server, "grid_leader_a1", **PHONE, phone=True)
    pg.goto("/grids/field/")
    assert _controlled(pg)
    manifest = pg.evaluate("() => fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone" and manifest["short_name"] and manifest["theme_color"] == "#b71c1c"
    assert {"192x192", "512x512"} <= {i["sizes"] for i in manifest["icons"]}
    scope = pg.evaluate("() => navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == live_server.url + "/"
    cdp = context.new_cdp_session(pg)
    found = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # a Playwright context is an incognito profile: Chromium says so, and nothing else may stand in the way
    assert [e["errorId"] for e in found if e["errorId"] != "in-incognito"] == [], found
    app = cdp.send("Page.getAppManifest")
    assert not app.get("errors"), app
    context.close()
