"""A township head's journey in a real browser: switch to coordinated mode, then staff of another
center take an item that normal mode kept from them."""
import pytest

from centers.models import CenterKind, WorkItem

from . import factories as f


@pytest.mark.browser
def test_a_head_switches_mode_and_another_centers_cadre_takes_the_item(page, tree, personas):
    social = f.staff(tree.A, CenterKind.SOCIAL_AFFAIRS, username="social_cadre")
    item = f.work_item(tree.A, title="修复甲一村桥头塌方")

    page.login("social_cadre")
    page.goto(f"/centers/queue/{item.pk}/")
    assert page.locator("text=我来承办").count() == 0
    assert page.locator("text=平时按分工：只有建设发展中心的派驻干部可以承办").count() == 1

    page.context.clear_cookies()
    page.login("township_head_a")
    page.goto(tree.A.get_absolute_url())
    page.click("text=切换模式")
    page.select_option("#id_to_mode", "coordinated")
    page.fill("#id_reason", "防汛应急，全镇统筹")
    page.click("main button:has-text(\"切换\")")
    page.wait_for_load_state()
    assert "防汛应急，全镇统筹" in page.content()
    assert page.locator("strong.text-danger", has_text="紧时有统筹").count() == 1

    page.context.clear_cookies()
    page.login("social_cadre")
    page.goto(f"/centers/queue/{item.pk}/")
    page.click("text=我来承办")
    page.click("dialog[open] button[type=submit]")  # asked once, in the step's dialog (issue #16)
    page.wait_for_load_state()
    assert "已承办该事项" in page.content()
    item.refresh_from_db()
    assert item.status == WorkItem.Status.IN_PROGRESS and item.assignee == social
    assert not page.external_requests  # offline intranet: nothing leaves the server
