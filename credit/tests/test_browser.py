"""A browser journey: the secretary approves the village's reviews at once; the villager sees the
notice with masked ID numbers and objects to their own grade."""
from pathlib import Path

import pytest
from django.conf import settings

from credit.models import Objection, Review, ReviewEvent

from .factories import make_review
from governance.tests.fixtures import make_resident


@pytest.mark.browser
def test_the_secretary_approves_in_bulk_and_the_villager_objects_in_the_browser(page, tree, personas):
    mine = make_review(personas.resident_a1.resident, status="opinion", grade="B", previous="A")
    others = [make_review(make_resident(tree.A1g, name=f"村民{i}"), status="opinion", previous="A") for i in range(5)]
    page.login("village_secretary_a1")
    page.goto("/credit/reviews/")
    first_row = page.locator("#review-table tbody tr").first
    assert "甲村民" in first_row.inner_text()  # the changed grade comes first
    page.check("#check-all")
    page.click("#bulk-approve-open")
    page.click("#bulk-approve button[type=submit]")
    page.wait_for_load_state()
    assert "已审批 6 条评议" in page.content()
    assert Review.objects.filter(status="notice").count() == 1 + len(others)

    page.context.clear_cookies()
    page.login("resident_a1")
    page.goto("/credit/notice/")
    table = page.locator("#notice-table").inner_text()
    assert "村民0" in table and personas.resident_a1.resident.id_masked in table
    page.goto("/credit/me/")
    page.fill("#objection-form textarea", "邻里纠纷已由村调解委员会调解结案")
    page.click("#objection-form button[type=submit]")
    page.wait_for_load_state()
    assert "异议已提交" in page.content()
    assert Objection.objects.get(review=mine).status == "open"
    # (console_errors is not asserted: the core serves no /favicon.ico, which the browser reports as a 404)
    assert not page.external_requests


SCREENS = Path(settings.BASE_DIR, "docs", "screens")


@pytest.mark.browser
def test_the_secretary_approves_twenty_from_home_in_one_dialog_with_no_page_between(page, tree, personas):
    """Issue #16's journey: home → pending reviews → tick all 20 → one dialog → 公示, and a message."""
    reviews = [make_review(make_resident(tree.A1g, name=f"待审{i:02d}"), status="opinion", previous="A")
               for i in range(20)]
    page.set_viewport_size({"width": 1366, "height": 768})
    page.login("village_secretary_a1")
    visited = []
    page.on("framenavigated", lambda f: f.parent_frame is None and visited.append(f.url))
    page.goto("/")
    page.click('[data-task="credit.reviews_to_approve"]')
    page.wait_for_load_state()
    assert page.locator("input[name=reviews]").count() == 20
    bar = page.locator("#bulk-bar")
    assert page.locator("#bulk-approve-open").is_disabled()  # nothing ticked yet
    page.check("#check-all")
    assert bar.locator("[data-bulk-count]").inner_text() == "20"
    bar.screenshot(path=str(SCREENS / "bulk-bar.png"))

    # Esc closes the dialog and nothing happens; the button gets the focus back
    page.click("#bulk-approve-open")
    dialog = page.locator("#bulk-approve")
    assert dialog.evaluate("d => d.open && d.matches(':modal')")
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open") and page.evaluate("document.activeElement.id") == "bulk-approve-open"
    assert Review.objects.filter(status="notice").count() == 0

    page.click("#bulk-approve-open")
    assert "确认审批选中的 20 条评议" in dialog.inner_text()
    page.screenshot(path=str(SCREENS / "bulk-approve-dialog.png"))
    page.keyboard.press("Tab")  # focus stays inside the dialog
    assert dialog.evaluate("d => d.contains(document.activeElement)")
    dialog.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已审批 20 条评议，进入公示。" in page.locator(".alert-success").inner_text()
    assert Review.objects.filter(pk__in=[r.pk for r in reviews], status="notice", notice_until__isnull=False).count() == 20
    assert ReviewEvent.objects.filter(review__in=reviews, to_status="notice").count() == 20
    # no confirmation page in between: home, the list, the bulk endpoint's redirect back to the list
    assert not [u for u in visited if "/approve/" in u or u.rstrip("/").endswith("/bulk")], visited
    assert not page.external_requests
