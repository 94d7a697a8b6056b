import datetime as dt

import pytest
from django.utils import timezone

from credit import actions as credit_actions
from credit.tests.factories import make_review
from governance.audit import notify
from governance.tests.fixtures import make_resident, make_user
from outreach import actions
from outreach.models import Delivery, LocalMessage, Notice

S = Delivery.State


def _approve(personas, *residents):
    reviews = [make_review(r, status="opinion") for r in residents]
    credit_actions.reviews_approve(actor=personas.village_secretary_a1, review_ids=[r.pk for r in reviews])


def test_it_writes_one_sms_per_resident_on_notice_in_the_same_transaction(tree, personas):
    with_account = personas.resident_a1.resident
    without = make_resident(tree.A1g, phone="13900000001")
    _approve(personas, with_account, without)
    notice = Notice.objects.get(event="credit.notice")
    sms = notice.deliveries.filter(channel="sms")
    assert sorted(sms.values_list("resident_id", flat=True)) == sorted([with_account.pk, without.pk])
    assert set(sms.values_list("state", flat=True)) == {S.QUEUED}
    assert notice.deliveries.filter(channel="portal", user=personas.resident_a1, state=S.SENT).count() == 1


def test_a_failed_action_leaves_no_outbox_rows(tree, personas):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        notify([personas.resident_a1], title="t", residents=[personas.resident_a1.resident.pk])
        raise RuntimeError
    assert not Delivery.objects.exists() and not Notice.objects.exists()


def test_it_delivers_each_sms_once_to_the_gateway_with_the_delivery_as_message_id(tree, personas, sms_gateway):
    resident = make_resident(tree.A1g, phone="13900000002", id_number="110101199003077774")
    _approve(personas, resident)
    assert actions.deliveries_run() == 1
    d = Delivery.objects.get(channel="sms", resident=resident)
    assert d.state == S.SENT and d.attempts == 1 and d.sent_at
    [msg] = sms_gateway.sms_to("13900000002")
    assert msg["message_id"] == f"outreach-{d.pk}" and msg["auth"] == "Bearer test-key"
    assert msg["text"].startswith("【乡村治理】") and "公示" in msg["text"]
    assert "110101199003077774" not in msg["text"]
    assert actions.deliveries_run() == 0  # nothing is sent twice


def test_a_claim_a_killed_worker_left_is_sent_again_with_the_same_message_id(tree, personas, sms_gateway, settings):
    resident = make_resident(tree.A1g, phone="13900000003")
    _approve(personas, resident)
    d = Delivery.objects.get(channel="sms", resident=resident)
    # the worker claimed it, posted it, and died before recording the outcome
    assert actions.deliveries_claim(limit=10) == [d.pk]
    from outreach import channels

    channels.sms_send(delivery_id=d.pk, phone="13900000003", text="x")
    assert actions.deliveries_claim(limit=10) == []  # the lease still holds
    later = timezone.now() + dt.timedelta(seconds=settings.OUTREACH_LEASE_SECONDS + 1)
    assert actions.deliveries_claim(limit=10, now=later) == [d.pk]
    assert actions.delivery_send(delivery_id=d.pk) == S.SENT
    assert len(sms_gateway.posts) == 2 and len(sms_gateway.sms_to("13900000003")) == 1


def test_gateway_errors_are_retried_with_backoff_then_failed_with_the_reason(tree, personas, sms_gateway, settings):
    settings.OUTREACH_MAX_ATTEMPTS = 3
    sms_gateway.fail_with = 503
    resident = make_resident(tree.A1g, phone="13900000004")
    _approve(personas, resident)
    d = Delivery.objects.get(channel="sms", resident=resident)
    now = timezone.now()
    waits = []
    for attempt in range(3):
        actions.deliveries_claim(limit=10, now=now)
        state = actions.delivery_send(delivery_id=d.pk, now=now)
        d.refresh_from_db()
        if state == S.QUEUED:
            waits.append((d.next_attempt_at - now).total_seconds())
            now = d.next_attempt_at
    assert d.state == S.FAILED and d.attempts == 3 and "503" in d.last_error
    assert waits == [settings.OUTREACH_RETRY_BASE_SECONDS, 2 * settings.OUTREACH_RETRY_BASE_SECONDS]
    assert len(sms_gateway.posts) == 3


def test_a_gateway_timeout_is_a_retry_with_the_reason(tree, personas, sms_gateway, settings):
    settings.SMS_GATEWAY_TIMEOUT = 0.2
    sms_gateway.delay = 1.0
    resident = make_resident(tree.A1g, phone="13900000005")
    _approve(personas, resident)
    actions.deliveries_run(max_batches=1)
    d = Delivery.objects.get(channel="sms", resident=resident)
    assert d.state == S.QUEUED and d.attempts == 1 and d.last_error.startswith("短信网关无响应")


def test_an_invalid_or_missing_phone_is_undeliverable_never_dropped(tree, personas, sms_gateway):
    bad = make_resident(tree.A1g, phone="13900000006")
    bad.phone_cipher = __import__("governance.pii", fromlist=["encrypt"]).encrypt("12345")
    bad.save()
    none = make_resident(tree.A1g, phone="")
    _approve(personas, bad, none)
    actions.deliveries_run()
    states = dict(Delivery.objects.filter(channel="sms").values_list("resident_id", "state"))
    assert states == {bad.pk: S.UNDELIVERABLE, none.pk: S.UNDELIVERABLE}
    assert Delivery.objects.get(resident=none).last_error == "未登记手机号"
    assert sms_gateway.posts == []


def test_quiet_hours_hold_an_sms_without_spending_an_attempt(tree, personas, sms_gateway, settings):
    hour = timezone.localtime().hour
    settings.SMS_QUIET_HOURS = f"{hour}-{(hour + 1) % 24}"
    resident = make_resident(tree.A1g, phone="13900000007")
    _approve(personas, resident)
    actions.deliveries_run(max_batches=1)
    d = Delivery.objects.get(channel="sms", resident=resident)
    assert d.state == S.QUEUED and d.attempts == 0 and d.next_attempt_at > timezone.now()
    assert sms_gateway.posts == []


def test_the_daily_cap_per_number_holds_the_rest_until_tomorrow(tree, personas, sms_gateway, settings):
    settings.SMS_DAILY_CAP_PER_NUMBER = 1
    resident = make_resident(tree.A1g, phone="13900000008")
    for _ in range(2):
        notify([], title="t", residents=[resident.pk], event="credit.notice")
    actions.deliveries_run(max_batches=2)
    assert sorted(Delivery.objects.filter(resident=resident).values_list("state", flat=True)) == [S.QUEUED, S.SENT]
    assert len(sms_gateway.posts) == 1


def test_e_mail_goes_through_a_real_smtp_server(tree, personas, smtp_server):
    user = make_user("mailer", email="villager@example.org")
    notify([user], title="议题已开放远程表决", body="请登录门户表决。身份证 110101199003077777")
    actions.deliveries_run()
    d = Delivery.objects.get(channel="email", user=user)
    assert d.state == S.SENT
    [message] = smtp_server.received
    assert message["To"] == "villager@example.org" and message["Message-ID"] == f"<outreach-{d.pk}@governance.local>"
    text = message.get_payload(decode=True).decode()
    assert "请登录门户表决" in text and "110101199003077777" not in text and "1101**********7777" in text


def test_without_a_gateway_sms_land_in_the_local_outbox(tree, personas, settings):
    settings.SMS_GATEWAY_URL, settings.SMS_RATE_PER_SECOND = "", 0
    resident = make_resident(tree.A1g, phone="13900000009")
    _approve(personas, resident)
    actions.deliveries_run()
    [m] = LocalMessage.objects.all()
    assert m.to == "139****0009" and "公示" in m.text
