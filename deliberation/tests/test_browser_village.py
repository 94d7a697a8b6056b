"""四议两公开, 财务公开 and 自建自管 in real Chromium: the secretary at 1366 px, a villager on a 390 px phone."""
import os
import random

import pytest

from deliberation import demo
from deliberation.models import LedgerMonth, Procedure, SelfBuildProject
from governance.demo import DemoContext

from .factories import make_villager

SHOTS = os.environ.get("SCREENSHOT_DIR")


def _no_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.browser
def test_secretary_and_villager_read_the_procedure_the_accounts_and_a_project(page, tree, personas):
    for i in range(12):
        make_villager(tree.A1g)
    users = {"village_secretary": personas.village_secretary_a1, "resident": personas.resident_a1,
             "township_staff": personas.township_staff_a}
    demo.seed(DemoContext(rng=random.Random(3), county=tree.C, users=users))
    procedure = Procedure.objects.filter(topic__region=tree.A1, status="publish").first()
    month = LedgerMonth.objects.filter(region=tree.A1, status="published").order_by("-month").first()
    project = SelfBuildProject.objects.get(region=tree.A1, status="accepted")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.login(personas.village_secretary_a1.username)
    page.goto(procedure.get_absolute_url())
    assert "待决议公开" in page.inner_text("#procedure-status")
    assert page.locator("#procedure-actions [data-verb]", has_text="决议公开").count() == 1  # its dialog holds the word too
    SHOTS and page.screenshot(path=f"{SHOTS}/secretary-procedure.png", full_page=True)
    page.goto(month.get_absolute_url())
    assert "村级运转经费" in page.inner_text("#category-totals")
    SHOTS and page.screenshot(path=f"{SHOTS}/secretary-ledger.png", full_page=True)
    page.click("form[action='/accounts/logout/'] button")

    page.set_viewport_size({"width": 390, "height": 844})
    page.login(personas.resident_a1.username)
    page.goto("/deliberation/ledger/")
    assert _no_overflow(page)
    page.click(f"a[href='{month.get_absolute_url()}']")
    assert page.locator("#total-income").count() == 1 and _no_overflow(page)
    SHOTS and page.screenshot(path=f"{SHOTS}/resident-ledger.png", full_page=True)
    page.goto(project.get_absolute_url())
    assert "乡镇验收合格" in page.inner_text("#project-check") and _no_overflow(page)
    SHOTS and page.screenshot(path=f"{SHOTS}/resident-self-build.png", full_page=True)
    page.goto(procedure.get_absolute_url())
    assert page.locator("#procedure-actions").count() == 0 and _no_overflow(page)
    SHOTS and page.screenshot(path=f"{SHOTS}/resident-procedure.png", full_page=True)
    assert not page.console_errors and not page.external_requests
