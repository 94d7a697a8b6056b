import pytest

from .fixtures import make_resident


@pytest.mark.browser
def test_a_village_secretary_sees_their_villagers_and_not_another_village(page, tree, personas):
    ours = make_resident(tree.A1g, name="本村张三")
    theirs = make_resident(tree.B1g, name="外村李四")
    page.login("village_secretary_a1")
    page.goto("/residents/")
    table = page.locator("#resident-table")
    assert "本村张三" in table.inner_text()
    assert "外村李四" not in table.inner_text()
    # The ID number is masked in the list.
    assert ours.id_masked in table.inner_text()
    page.goto(f"/residents/{theirs.pk}/")
    assert "未找到" in page.content()
    assert not page.external_requests


@pytest.mark.browser
def test_the_county_dashboard_draws_its_charts_locally(page, tree, personas):
    make_resident(tree.A1g)
    make_resident(tree.B1g)
    page.login("county_admin")
    page.goto("/dashboard/")
    page.wait_for_selector("#charts svg")
    assert page.locator("#charts svg").count() >= 1
    assert "甲镇" in page.inner_text("#section-people")
    assert not page.console_errors, page.console_errors
    assert not page.external_requests, page.external_requests
