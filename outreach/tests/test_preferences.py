"""Each person's channels per kind of notice (issue #19): the fan-out honours them, legal weight always by SMS."""
import pytest
from django.core.exceptions import ValidationError

from governance.audit import notify
from governance.models import AuditEntry
from governance.tests.fixtures import make_resident, make_user
from outreach import actions, messages
from outreach.models import Delivery, Notice, NoticePreference

PLAIN = "test.plain"


@pytest.fixture
def plain_kind(monkeypatch):
    """A kind without legal weight (every event the apps emit today carries it): what a choice fully governs."""
    monkeypatch.setitem(messages.KINDS, PLAIN, messages.NoticeKind("普通通知", False, ("portal", "sms", "email")))


def _channels(notice, user):
    return sorted(notice.deliveries.filter(user=user).values_list("channel", flat=True))


def test_it_fans_out_as_before_to_a_person_without_a_preference(tree, personas, plain_kind):
    user = personas.resident_a1
    user.email = "a1@example.org"
    user.save()
    notify([user], title="t", event=PLAIN)
    assert _channels(Notice.objects.get(), user) == ["email", "portal", "sms"]


def test_it_writes_only_the_chosen_channels_and_always_the_portal_row(tree, personas, plain_kind):
    chooser, other = personas.resident_a1, make_user("other_villager", email="o@example.org")
    make_resident(tree.A1g, user=other)
    chooser.email = "a1@example.org"
    chooser.save()
    actions.preferences_set(actor=chooser, choices={PLAIN: ["email"]})
    notify([chooser, other], title="t", event=PLAIN)
    notice = Notice.objects.get()
    assert _channels(notice, chooser) == ["email", "portal"]
    assert _channels(notice, other) == ["email", "portal", "sms"]  # no preference: untouched
    actions.preferences_set(actor=chooser, choices={PLAIN: []})
    notify([chooser], title="t2", event=PLAIN)
    assert _channels(Notice.objects.get(title="t2"), chooser) == ["portal"]


def test_an_event_outside_the_registry_ignores_a_stored_choice(tree, personas):
    NoticePreference.objects.create(user=personas.resident_a1, event="other.event", channels=["portal"])
    notify([personas.resident_a1], title="t", event="other.event")
    assert _channels(Notice.objects.get(), personas.resident_a1) == ["portal", "sms"]


def test_a_notice_of_legal_weight_always_goes_by_sms_to_the_registered_phone(tree, personas):
    user = personas.resident_a1
    user.email = "a1@example.org"
    user.save()
    # even a row that says portal only (written past the action) cannot stop the SMS
    NoticePreference.objects.create(user=user, event="credit.notice", channels=["portal"])
    notify([user], title="公示", event="credit.notice", residents=[user.resident.pk])
    notice = Notice.objects.get()
    assert _channels(notice, user) == ["portal", "sms"]  # e-mail not chosen
    sms = notice.deliveries.get(channel="sms")
    assert sms.resident == user.resident and sms.state == Delivery.State.QUEUED


def test_the_action_adds_what_a_kind_always_goes_by_and_audits_no_personal_data(tree, personas):
    user = personas.resident_a1
    saved = actions.preferences_set(actor=user, choices={"credit.notice": ["email"], messages.SIGN_IN_EVENT: []})
    assert {p.event: p.channels for p in saved} == {"credit.notice": ["portal", "sms", "email"],
                                                   messages.SIGN_IN_EVENT: ["sms"]}
    actions.preferences_set(actor=user, choices={"credit.notice": []})  # again: updated, not doubled
    assert NoticePreference.objects.get(user=user, event="credit.notice").channels == ["portal", "sms"]
    entry = AuditEntry.objects.filter(action="outreach.preferences.set").latest("pk")
    assert entry.actor == user and entry.data == {"channels": {"credit.notice": ["portal", "sms"]}}


@pytest.mark.parametrize("choices", [
    {"no.such.kind": ["sms"]},
    {"credit.notice": ["fax"]},
    {messages.SIGN_IN_EVENT: ["email"]},  # a sign-in code only ever goes by SMS
    {"credit.notice": ["email"], "no.such.kind": []},  # one bad kind: the good one is not written either
])
def test_bad_input_is_refused_in_chinese_and_writes_nothing(tree, personas, choices):
    with pytest.raises(ValidationError) as e:
        actions.preferences_set(actor=personas.resident_a1, choices=choices)
    assert any(("未知" in m or "不能" in m) for m in e.value.message_dict["choices"])
    assert not NoticePreference.objects.exists()
    assert not AuditEntry.objects.filter(action="outreach.preferences.set").exists()


def test_a_villager_opens_the_page_saves_and_sees_the_choice(tree, personas, web):
    client = web(personas.resident_a1)
    home = client.get("/").content.decode()
    assert "/outreach/preferences/" in home  # in the villager's menu
    page = client.get("/outreach/preferences/").content.decode()
    assert "通知接收设置" in page and "信用等级评议公示" in page and "具有法律效力" in page
    assert 'id="pref-credit-notice-sms" name="credit.notice" value="sms" checked disabled' in page
    resp = client.post("/outreach/preferences/", {"credit.notice": ["portal"], "credit.objection_answer": ["email"]},
                       follow=True)
    body = resp.content.decode()
    assert resp.status_code == 200 and "通知接收设置已保存。" in body
    assert NoticePreference.objects.get(user=personas.resident_a1, event="credit.notice").channels == ["portal", "sms"]
    assert 'id="pref-credit-notice-email" name="credit.notice" value="email">' in body  # unchecked now
    assert 'id="pref-credit-objection_answer-email" name="credit.objection_answer" value="email" checked>' in body


def test_staff_have_the_page_too_and_see_only_their_own_choice(tree, personas, web):
    actions.preferences_set(actor=personas.resident_a1, choices={"credit.notice": []})
    page = web(personas.village_secretary_a1).get("/outreach/preferences/").content.decode()
    # no row of their own: every channel, as before
    assert 'id="pref-credit-notice-email" name="credit.notice" value="email" checked>' in page
    assert web(None).get("/outreach/preferences/").status_code == 302


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1366])
def test_the_page_fits_a_phone_and_passes_axe_in_chromium(browser, live_server, transactional_db, width):
    from governance.tests.fixtures import build_personas, build_tree
    from governance.tests.test_desk_browser import AXE, AXE_RUN

    personas = build_personas(build_tree())
    context = browser.new_context(viewport={"width": width, "height": 844}, base_url=live_server.url,
                                  locale="zh-CN", bypass_csp=True)
    pg = context.new_page()
    pg.goto("/accounts/login/")
    pg.fill("#id_username", personas.resident_a1.username)
    pg.fill("#id_password", "pw-test-1234")
    pg.press("#id_password", "Enter")
    pg.wait_for_load_state()
    pg.goto("/outreach/preferences/")
    assert pg.url.endswith("/outreach/preferences/"), pg.url
    assert pg.evaluate("() => document.documentElement.scrollWidth") <= width
    pg.add_script_tag(path=str(AXE))
    assert pg.evaluate(AXE_RUN) == []
    pg.uncheck("#pref-credit-notice-email")
    pg.click("main form button[type=submit]")
    pg.wait_for_load_state()
    assert "通知接收设置已保存。" in pg.content()
    pg.screenshot(path=f"/tmp/var-gov_h19b/preferences-{width}.png", full_page=True)
    assert NoticePreference.objects.get(user=personas.resident_a1, event="credit.notice").channels == ["portal", "sms"]
    context.close()
