import re

import pytest

from grids.models import EscalationLevel, Issue

from .factories import category


@pytest.mark.browser
def test_a_villager_reports_the_grid_escalates_and_the_village_sees_it_with_its_deadline(page, tree, personas):
    cat = category()
    page.login("resident_a1")
    page.goto("/grids/issues/report/")
    page.select_option("#id_category", str(cat.pk))
    page.fill("#id_title", "桥头护栏断了")
    page.fill("#id_description", "孩子上学经过很危险")
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url(re.compile(r"/grids/issues/\d+/$"))  # sent through the phone's outbox, then its page opens (issue #17)
    assert "桥头护栏断了" in page.locator("h1").inner_text()
    issue = Issue.objects.get(title="桥头护栏断了")

    page.context.clear_cookies()
    page.login("grid_leader_a1")
    page.goto(f"/grids/issues/{issue.pk}/")
    page.click("text=提级处置")  # the step's dialog, on the issue's page (issue #16)
    page.fill("dialog[open] [name=note]", "需要村里协调维修资金")
    page.click("dialog[open] button[type=submit]")
    page.wait_for_load_state()
    assert "需要村里协调维修资金" in page.locator("#timeline").inner_text()

    page.context.clear_cookies()
    page.login("village_secretary_a1")
    page.goto("/grids/issues/?level=2")
    row = page.locator("tr", has_text="桥头护栏断了")
    assert "剩余" in row.inner_text() and "村（社区）" in row.inner_text()
    issue.refresh_from_db()
    assert issue.level == EscalationLevel.VILLAGE
    assert not page.external_requests
