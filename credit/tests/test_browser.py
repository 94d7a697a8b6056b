"""A browser journey: the secretary approves the village's reviews at once; the villager sees the
notice with masked ID numbers and objects to their own grade."""
import pytest

from credit.models import Objection, Review

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
    page.select_option("#bulk-action", "approve")
    page.click("#bulk-submit")
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
