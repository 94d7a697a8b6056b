"""A villager signs in with a one-time SMS code (issue #19): the code goes out through the outbox and the worker,
the database never holds it (nor the number) in clear, and the pages never tell who is registered."""
import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.models import AuditEntry, Resident, RoleAssignment
from governance.scoping import Role
from governance.tests.fixtures import make_resident
from governance.villager import is_villager
from outreach import actions
from outreach.models import Delivery, LocalMessage, Notice, SignInCode

SIGN_IN, CODE = "/outreach/sign-in/", "/outreach/sign-in/code/"
SENT = "如果该号码已登记，验证码已发送"


def ask(client, phone, **extra):
    return client.post(SIGN_IN, {"phone": phone, **extra})


def received_code(gateway, phone) -> str:
    actions.deliveries_run()
    texts = [m["text"] for m in gateway.posts if m["to"] == phone]
    assert texts, f"no SMS to {phone}"
    return re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1]).group(1)


def text_in_database(needle: str) -> list[str]:
    """Every text column of the sign-in's rows (the request, its notice and delivery, the audit trail) holding
    `needle`."""
    found = []
    for model in (SignInCode, Notice, Delivery, AuditEntry, LocalMessage):
        for row in model.objects.all():
            for field in model._meta.concrete_fields:
                value = getattr(row, field.attname)
                if needle in str(value if not isinstance(value, dict) else __import__("json").dumps(value,
                                                                                                     ensure_ascii=False)):
                    found.append(f"{model.__name__}.{field.name}")
    return found


@pytest.fixture
def villager(tree):
    return make_resident(tree.A1g, phone="13912345678", name="王大妈")


def test_it_signs_a_registered_villager_in_with_the_code_sent_through_the_outbox(client, villager, sms_gateway):
    page = client.get(f"{SIGN_IN}?next=/grids/issues/")
    assert page.status_code == 200 and "获取验证码" in page.content.decode()
    resp = ask(client, "139 1234 5678")
    assert resp.status_code == 302 and resp["Location"] == CODE
    assert SENT in client.get(CODE).content.decode()
    delivery = Delivery.objects.get(notice__event="outreach.sign_in_code")
    assert delivery.resident == villager and delivery.state == Delivery.State.QUEUED and delivery.secret

    code = received_code(sms_gateway, "13912345678")
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT and delivery.secret == ""  # erased once sent
    assert "5分钟内有效" in sms_gateway.posts[-1]["text"]

    resp = client.post(CODE, {"code": code})
    assert resp.status_code == 302 and resp["Location"] == "/grids/issues/"
    villager.refresh_from_db()
    user = villager.user
    assert user is not None and is_villager(user) and not user.has_usable_password()
    assert RoleAssignment.objects.filter(user=user, role=Role.RESIDENT, region=villager.region.parent).exists()
    assert user.profile.region == villager.region.parent and not user.profile.must_change_password
    assert "1391234" not in user.username and "5678" not in user.username
    assert client.get("/").context["villager_mode"] is True
    assert client.get("/grids/issues/").status_code == 200
    assert client.get("/residents/").status_code == 404  # a staff page does not exist for a villager
    assert client.get(SIGN_IN).status_code == 302  # signed in: sent on

    # the code and the number were never stored in clear, nor written to the audit trail
    assert text_in_database(code) == [] and text_in_database("13912345678") == []
    actions_audited = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"outreach.sign_in.code_sent", "outreach.sign_in.succeeded", "account.create"} <= actions_audited
    assert AuditEntry.objects.get(action="outreach.sign_in.code_sent").data["phone"] == "139****5678"

    # single use: the same code a second time (a new session) is refused
    client.logout()
    client.get(SIGN_IN)
    session = client.session
    session["outreach.sign_in.request"] = SignInCode.objects.get().pk
    session.save()
    assert "已使用" in client.post(CODE, {"code": code}).content.decode()


def test_a_second_sign_in_uses_the_same_account(client, villager, sms_gateway, settings):
    settings.OUTREACH_SIGN_IN_RESEND_SECONDS = 0
    accounts = get_user_model().objects.count()
    ask(client, "13912345678")
    client.post(CODE, {"code": received_code(sms_gateway, "13912345678")})
    first = Resident.objects.get(pk=villager.pk).user
    client.logout()
    ask(client, "13912345678")
    client.post(CODE, {"code": received_code(sms_gateway, "13912345678")})
    assert Resident.objects.get(pk=villager.pk).user == first and get_user_model().objects.count() == accounts + 1
    assert client.get("/").wsgi_request.user == first


def test_an_unknown_number_gets_the_same_answer_and_no_sms(client, villager, sms_gateway):
    known = ask(client, "13912345678")
    known_page = client.get(CODE).content.decode()
    other = type(client)()
    unknown = ask(other, "13700000000")
    assert unknown.status_code == known.status_code == 302 and unknown["Location"] == known["Location"]
    assert other.get(CODE).content.decode().replace(other.cookies["csrftoken"].value, "") .count(SENT) == 1
    assert SENT in known_page
    actions.deliveries_run()
    assert [m["to"] for m in sms_gateway.posts] == ["13912345678"]
    page = other.post(CODE, {"code": "123456"}).content.decode()
    assert "验证码不正确，还可以再试4次" in page  # exactly what a wrong code for a known number says


def test_five_wrong_codes_lock_the_request_until_a_new_code(client, villager, sms_gateway):
    ask(client, "13912345678")
    code = received_code(sms_gateway, "13912345678")
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        assert f"还可以再试{left}次" in client.post(CODE, {"code": wrong}).content.decode()
    assert "已输错5次，已锁定，请重新获取验证码" in client.post(CODE, {"code": wrong}).content.decode()
    page = client.post(CODE, {"code": code}).content.decode()  # now even the right one
    assert "已锁定" in page and not client.get("/").wsgi_request.user.is_authenticated
    assert SignInCode.objects.get().failures == 5
    assert AuditEntry.objects.filter(action="outreach.sign_in.failed").count() == 5


def test_an_expired_code_is_refused(client, villager, sms_gateway):
    ask(client, "13912345678")
    code = received_code(sms_gateway, "13912345678")
    SignInCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert "验证码已过期" in client.post(CODE, {"code": code}).content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_a_code_the_worker_reaches_too_late_is_not_sent(client, villager, sms_gateway):
    ask(client, "13912345678")
    Notice.objects.update(created_at=timezone.now() - dt.timedelta(minutes=6))
    actions.deliveries_run()
    assert sms_gateway.posts == [] and Delivery.objects.get().state == Delivery.State.UNDELIVERABLE
    assert Delivery.objects.get().secret == ""


def test_a_code_is_not_held_by_the_quiet_hours(client, villager, sms_gateway, settings):
    settings.SMS_QUIET_HOURS = f"{(timezone.localtime().hour) % 24}-{(timezone.localtime().hour + 1) % 24}"
    ask(client, "13912345678")
    assert received_code(sms_gateway, "13912345678")


def test_the_rate_limits_per_number_and_per_address(client, villager, sms_gateway, settings):
    assert ask(client, "13912345678").status_code == 302
    page = ask(client, "13912345678").content.decode()
    assert "获取验证码太频繁" in page and "秒后再试" in page
    assert SignInCode.objects.count() == 1
    settings.OUTREACH_SIGN_IN_RESEND_SECONDS, settings.OUTREACH_SIGN_IN_PER_NUMBER_DAY = 0, 2
    assert ask(client, "13912345678").status_code == 302
    assert "今天获取验证码的次数已达上限" in ask(client, "13912345678").content.decode()
    # the same limits for a number nobody registered: the limit is no probe either
    for _i in range(2):
        assert ask(client, "13700000000").status_code == 302
    assert "今天获取验证码的次数已达上限" in ask(client, "13700000000").content.decode()
    settings.OUTREACH_SIGN_IN_PER_IP_HOUR = 4
    assert "此网络获取验证码的次数过多" in ask(client, "13600000000").content.decode()
    assert SignInCode.objects.count() == 4
    limited = AuditEntry.objects.filter(action="outreach.sign_in.limited")
    assert sorted(limited.values_list("reason", flat=True)) == ["ip_hour", "number_day", "number_day", "resend"]
    assert all("1391234" not in str(e.data) and "1370000" not in str(e.data) for e in limited)


def test_a_malformed_number_gets_a_clear_message_and_nothing_is_written(client, db):
    page = ask(client, "12345").content.decode()
    assert "手机号应为11位" in page and SignInCode.objects.count() == 0


def test_a_number_registered_for_two_residents_is_refused_with_what_to_do(client, tree, sms_gateway):
    accounts = get_user_model().objects.count()
    make_resident(tree.A1g, phone="13811112222", name="张一")
    make_resident(tree.A2g, phone="13811112222", name="张二")
    ask(client, "13811112222")
    code = received_code(sms_gateway, "13811112222")
    page = client.post(CODE, {"code": code}).content.decode()
    assert "登记在多位居民名下" in page and "村委会" in page
    assert get_user_model().objects.count() == accounts and not client.get("/").wsgi_request.user.is_authenticated
    assert AuditEntry.objects.get(action="outreach.sign_in.refused").data["reason"] == "duplicate"


def test_a_resident_whose_account_is_staff_must_use_the_password(client, tree, personas, sms_gateway):
    make_resident(tree.A1g, phone="13833334444", user=personas.village_secretary_a1)
    ask(client, "13833334444")
    page = client.post(CODE, {"code": received_code(sms_gateway, "13833334444")}).content.decode()
    assert "请使用用户名和密码登录" in page and not client.get("/").wsgi_request.user.is_authenticated


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_an_outside_next_is_ignored(client, villager, sms_gateway, target):
    client.get(SIGN_IN, {"next": target})
    ask(client, "13912345678", next=target)
    resp = client.post(CODE, {"code": received_code(sms_gateway, "13912345678")})
    assert resp.status_code == 302 and resp["Location"] == "/"


def test_the_code_page_without_a_request_goes_back_to_the_number(client, db):
    assert client.get(CODE)["Location"] == SIGN_IN


def test_the_login_page_links_to_the_code_sign_in(client, db):
    page = client.get("/accounts/login/?next=/grids/issues/").content.decode()
    assert 'href="/outreach/sign-in/?next=/grids/issues/"' in page
