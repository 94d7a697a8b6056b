"""A villager signs in with the SMS code on a phone, in real Chromium (issue #19)."""
import re

import pytest

from governance.tests.fixtures import build_tree, make_resident
from governance.tests.test_desk_browser import AXE, AXE_RUN
from outreach import actions, tasks

WIDTH = """() => document.documentElement.scrollWidth"""


@pytest.mark.browser
def test_a_villager_signs_in_with_the_sms_code_on_a_phone(browser, live_server, transactional_db, sms_gateway,
                                                           monkeypatch):
    monkeypatch.setattr(tasks.deliver_due, "delay", lambda: None)  # the test plays the worker (below)
    tree = build_tree()
    resident = make_resident(tree.A1g, phone="13912345678", name="王大妈")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  base_url=live_server.url, locale="zh-CN", bypass_csp=True)
    pg = context.new_page()
    errors = []
    pg.on("console", lambda m: m.type == "error" and errors.append(m.text))
    problems = []

    def check(where):
        if pg.evaluate(WIDTH) > 390:
            problems.append(f"{where}: wider than the phone")
        pg.add_script_tag(path=str(AXE))
        problems.extend(f"{where}: {v}" for v in pg.evaluate(AXE_RUN))

    pg.goto("/accounts/login/?next=/grids/issues/")
    pg.click("text=村民用手机验证码登录")
    pg.wait_for_load_state()
    assert "/outreach/sign-in/" in pg.url
    check("sign-in")
    pg.fill("#id_phone", "139 1234 5678")
    pg.click("main button[type=submit], form button[type=submit]")
    pg.wait_for_load_state()
    assert "如果该号码已登记，验证码已发送" in pg.content()
    check("code")

    actions.deliveries_run()
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", sms_gateway.sms_to("13912345678")[0]["text"]).group(1)
    pg.fill("#id_code", code)
    pg.click("main button[type=submit], form button[type=submit]")
    pg.wait_for_load_state()
    assert pg.url.endswith("/grids/issues/")
    resident.refresh_from_db()
    assert resident.user is not None
    pg.goto("/")
    assert pg.locator(".portal-sidenav a.sidenav-link").count() > 0 or "我要办事" in pg.content()
    assert not errors, errors  # (before the deliberate 404 below, which the console reports)
    assert pg.goto("/residents/").status == 404  # staff pages do not exist for the villager
    context.close()
    assert not problems, "\n".join(problems)
