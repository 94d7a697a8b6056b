"""Outbox writes: the fan-out a notify() produces, and the claim → send → record cycle of the worker."""
from __future__ import annotations

import datetime as dt
import hmac
import secrets
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import pii
from governance.audit import audit_record
from governance.models import AccountProfile, Region, Resident, RoleAssignment
from governance.scoping import Role, home_region_id

from . import channels, messages
from .messages import SIGN_IN_EVENT
from .models import Delivery, Notice, NoticePreference, SignInCode

S, C = Delivery.State, Delivery.Channel


def _preferences(event: str, user_ids) -> dict[int, set[str]]:
    """{user id: the channels they chose} for a kind in the registry; {} for any other event (as before)."""
    if event not in messages.KINDS or not user_ids:
        return {}
    forced = messages.forced_channels(event)
    rows = NoticePreference.objects.filter(event=event, user_id__in=list(user_ids)).values_list("user_id", "channels")
    return {uid: set(chosen) | forced for uid, chosen in rows}


def notice_fan_out(*, notifications, title: str, body: str, url: str, event: str, residents, sender, region) -> Notice:
    """Called by governance.audit.notify() inside the notifying action's transaction: one Notice, a sent
    portal delivery per in-portal notification, and queued SMS / e-mail deliveries. The worker is woken on
    commit; if the wake-up is lost the beat sweep finds the rows. A person with a preference for the kind
    (NoticePreference) gets only the channels they chose, plus the portal row (the bell's Notification is
    written whatever they chose) and, for a kind of legal weight, the SMS."""
    user_ids = {n.user_id for n in notifications}
    notice = Notice.objects.create(event=event, title=title[:200], body=body, url=url,
                                   sender=sender if getattr(sender, "pk", None) else None,
                                   region_id=getattr(region, "pk", region))
    now = timezone.now()
    rows = [Delivery(notice=notice, user_id=uid, channel=C.PORTAL, state=S.SENT, sent_at=now) for uid in user_ids]
    people = list(Resident.objects.filter(Q(pk__in=list(residents)) | Q(user_id__in=user_ids))
                  .values_list("pk", "user_id", "phone_hash"))
    chosen = _preferences(event, user_ids | {uid for _rid, uid, _h in people if uid})

    def wanted(uid, channel) -> bool:
        return uid not in chosen or channel in chosen[uid]

    for rid, uid, phone_hash in people:
        if not wanted(uid, C.SMS):
            continue
        state, error = (S.QUEUED, "") if phone_hash else (S.UNDELIVERABLE, _("未登记手机号"))
        rows.append(Delivery(notice=notice, resident_id=rid, user_id=uid, channel=C.SMS, state=state, last_error=error))
    from django.contrib.auth import get_user_model

    for uid in get_user_model().objects.filter(pk__in=user_ids).exclude(email="").values_list("pk", flat=True):
        if wanted(uid, C.EMAIL):
            rows.append(Delivery(notice=notice, user_id=uid, channel=C.EMAIL))
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    if any(r.state == S.QUEUED for r in rows):
        from .tasks import deliver_due

        transaction.on_commit(lambda: deliver_due.delay())
    return notice


def preferences_set(*, actor, choices: dict[str, list[str]]) -> list[NoticePreference]:
    """The signed-in person's channels for each kind of notice named in `choices` ({event: [channel, ...]}).
    An unknown kind or a channel the kind cannot go by is refused and nothing is written; the channels a kind
    always goes by (messages.forced_channels) are added. One row per kind, written in one statement."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    errors = []
    clean: dict[str, list[str]] = {}
    for event, channels_ in (choices or {}).items():
        kind = messages.KINDS.get(event)
        if kind is None:
            errors.append(_("未知的通知类别：%(k)s") % {"k": str(event)[:60]})
            continue
        channels_ = list(channels_ or [])
        bad = [c for c in channels_ if c not in kind.channels]
        if bad:
            errors.append(_("“%(k)s”不能通过该渠道接收：%(c)s") % {"k": kind.label, "c": "、".join(str(c)[:20] for c in bad)})
            continue
        picked = set(channels_) | messages.forced_channels(event)
        clean[event] = [c for c in kind.channels if c in picked]  # in the registry's order
    if errors:
        raise ValidationError({"choices": errors})
    if not clean:
        raise ValidationError({"choices": _("请至少设置一类通知。")})
    with transaction.atomic():
        NoticePreference.objects.bulk_create(
            [NoticePreference(user=actor, event=event, channels=chosen) for event, chosen in clean.items()],
            update_conflicts=True, unique_fields=["user", "event"], update_fields=["channels", "updated_at"])
        # the kinds and channels only: nothing that identifies anyone but the actor themself
        audit_record(actor=actor, action="outreach.preferences.set", data={"channels": clean},
                     region_id=home_region_id(actor))
    return list(NoticePreference.objects.restrict(actor, "view").filter(event__in=list(clean)))


def deliveries_claim(*, limit: int, now=None) -> list[int]:
    """Take up to `limit` due deliveries: queued ones whose time has come, and ones a dead worker was sending
    whose lease ran out. The claim is committed before anything is sent, so a second worker skips them."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(Q(state=S.QUEUED, next_attempt_at__lte=now) | Q(state=S.SENDING, lease_until__lt=now))
            .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=ids).update(
            state=S.SENDING, attempts=F("attempts") + 1,
            lease_until=now + dt.timedelta(seconds=settings.OUTREACH_LEASE_SECONDS))
    return ids


def _quiet_until(now) -> dt.datetime | None:
    """The end of the quiet hours if `now` is inside them (SMS_QUIET_HOURS="22-7": 22:00 to 07:00 local)."""
    spec = settings.SMS_QUIET_HOURS
    if not spec:
        return None
    start, end = (int(x) for x in spec.split("-"))
    local = timezone.localtime(now)
    inside = (start <= local.hour or local.hour < end) if start > end else (start <= local.hour < end)
    if not inside:
        return None
    day = local.date() + dt.timedelta(days=1) if local.hour >= end and start > end else local.date()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0))) + dt.timedelta(hours=end)


def _finish(pk: int, **fields) -> None:
    # Only the claim that is still ours may record the outcome (a lease that expired was re-claimed).
    if fields.get("state") != S.QUEUED:  # settled: a one-time secret is of no more use to anyone
        fields["secret"] = ""
    Delivery.objects.filter(pk=pk, state=S.SENDING).update(lease_until=None, **fields)


def delivery_send(*, delivery_id: int, now=None) -> str:
    """Send one claimed delivery and record the outcome. Returns the new state."""
    now = now or timezone.now()
    d = Delivery.objects.select_related("notice", "resident", "user").get(pk=delivery_id)
    if d.state != S.SENDING:
        return d.state
    one_time = d.notice.event == SIGN_IN_EVENT
    if one_time and now > d.notice.created_at + dt.timedelta(minutes=_setting("CODE_MINUTES")):
        _finish(d.pk, state=S.UNDELIVERABLE, last_error=_("验证码已过期，未发送"))
        return S.UNDELIVERABLE
    if d.channel == C.SMS and not one_time:  # a code is wanted now: its own limits apply (sign_in_code_send)
        quiet = _quiet_until(now)
        if quiet is None and settings.SMS_DAILY_CAP_PER_NUMBER:
            today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
            sent_today = Delivery.objects.filter(channel=C.SMS, resident_id=d.resident_id, state=S.SENT,
                                                 sent_at__gte=today).count()
            if sent_today >= settings.SMS_DAILY_CAP_PER_NUMBER:
                quiet = today + dt.timedelta(days=1)
        if quiet is not None:  # not an attempt: put it back for later
            _finish(d.pk, state=S.QUEUED, next_attempt_at=quiet, attempts=F("attempts") - 1)
            return S.QUEUED
    try:
        with translation.override(messages.language_of(d)):
            subject, text = messages.render(d.notice, secret=pii.decrypt(d.secret))
        if d.channel == C.SMS:
            channels.sms_send(delivery_id=d.pk, phone=pii.decrypt(d.resident.phone_cipher), text=text)
        elif d.channel == C.EMAIL:
            channels.email_send(delivery_id=d.pk, address=d.user.email if d.user else "", subject=subject, text=text)
    except channels.Undeliverable as e:
        _finish(d.pk, state=S.UNDELIVERABLE, last_error=str(e)[:300])
        return S.UNDELIVERABLE
    except channels.Transient as e:
        if d.attempts >= settings.OUTREACH_MAX_ATTEMPTS:
            _finish(d.pk, state=S.FAILED, last_error=str(e)[:300])
            return S.FAILED
        backoff = settings.OUTREACH_RETRY_BASE_SECONDS * 2 ** (d.attempts - 1)
        _finish(d.pk, state=S.QUEUED, last_error=str(e)[:300], next_attempt_at=now + dt.timedelta(seconds=backoff))
        return S.QUEUED
    _finish(d.pk, state=S.SENT, sent_at=timezone.now(), last_error="")
    return S.SENT


def deliveries_run(*, limit: int | None = None, max_batches: int = 50) -> int:
    """Claim and send batches until nothing is due; SMS paced to SMS_RATE_PER_SECOND. Returns how many sent
    or settled. Idempotent: killed half-way, the leases expire and a later run finishes the same rows."""
    limit = limit or settings.OUTREACH_BATCH
    rate = settings.SMS_RATE_PER_SECOND
    done = 0
    for _batch in range(max_batches):
        ids = deliveries_claim(limit=limit)
        if not ids:
            break
        for pk in ids:
            started = time.monotonic()
            delivery_send(delivery_id=pk)
            done += 1
            if rate:
                pause = 1.0 / rate - (time.monotonic() - started)
                if pause > 0:
                    time.sleep(pause)
    return done


# --- Villager sign-in by a one-time SMS code (issue #19) -------------------------------------------------
# Limits are settings with defaults (OUTREACH_SIGN_IN_<NAME>), read on each call so tests may change them.
SIGN_IN_DEFAULTS = {"CODE_MINUTES": 5, "MAX_FAILURES": 5, "RESEND_SECONDS": 60, "PER_NUMBER_DAY": 10,
                    "PER_IP_HOUR": 20}
SENT_IF_REGISTERED = gettext_lazy("如果该号码已登记，验证码已发送，请查收短信。")


def _setting(name: str) -> int:
    return int(getattr(settings, f"OUTREACH_SIGN_IN_{name}", SIGN_IN_DEFAULTS[name]))


def _code_hash(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    return f"{salt}${pii.keyed_hash(f'sign-in:{salt}:{code}')}"


def _code_matches(stored: str, code: str) -> bool:
    salt, _sep, _digest = stored.partition("$")
    return bool(salt) and hmac.compare_digest(stored, _code_hash(code, salt))


def _audit(action: str, request: SignInCode, *, actor=None, **data) -> None:
    # Never the phone or the code: the masked number, whether a resident matched, the client's address.
    region_id = request.resident.region_id if request.resident_id else None
    audit_record(actor=actor, action=action, obj=request, region_id=region_id,
                 data={"phone": request.phone_masked, "ip": request.ip_address or "", **data})


def _limit_reached(phone_hash: str, ip: str | None, now) -> tuple[str, str] | None:
    """(reason, message) when a rate limit refuses another code; counted over every request, known or not."""
    mine = SignInCode.objects.filter(phone_hash=phone_hash)
    last = mine.order_by("-created_at").values_list("created_at", flat=True).first()
    wait = _setting("RESEND_SECONDS")
    if last is not None and (now - last).total_seconds() < wait:
        left = max(1, int(wait - (now - last).total_seconds()))
        return "resend", _("获取验证码太频繁，请%(n)d秒后再试。") % {"n": left}
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if mine.filter(created_at__gte=day_start).count() >= _setting("PER_NUMBER_DAY"):
        return "number_day", _("该号码今天获取验证码的次数已达上限，请明天再试，或联系村委会。")
    if ip and SignInCode.objects.filter(ip_address=ip, created_at__gte=now - dt.timedelta(hours=1)).count() \
            >= _setting("PER_IP_HOUR"):
        return "ip_hour", _("此网络获取验证码的次数过多，请一小时后再试。")
    return None


def _code_request_create(*, phone_hash: str, number: str, ip: str | None, now) -> SignInCode:
    residents = list(Resident.objects.filter(phone_hash=phone_hash).order_by("pk")[:2])
    code = f"{secrets.randbelow(10 ** 6):06d}"
    request = SignInCode.objects.create(
        phone_hash=phone_hash, phone_masked=pii.mask_phone(number), code_hash=_code_hash(code), ip_address=ip,
        resident=residents[0] if len(residents) == 1 else None, created_at=now,
        expires_at=now + dt.timedelta(minutes=_setting("CODE_MINUTES")))
    if residents:
        # Two residents on one number get the code too: who holds the phone is told to ask the village
        # office only after proving it (sign_in_code_verify), so the page never tells the case apart.
        who = residents[0]
        notice = Notice.objects.create(event=SIGN_IN_EVENT, title=messages.SIGN_IN_TITLE, region_id=who.region_id,
                                       created_at=now)
        request.delivery = Delivery.objects.create(
            notice=notice, resident=who, user_id=who.user_id, channel=C.SMS, next_attempt_at=now,
            secret=pii.encrypt(code))
        request.save(update_fields=["delivery"])
        from .tasks import deliver_due

        transaction.on_commit(lambda: deliver_due.delay())
    _audit("outreach.sign_in.code_sent", request, registered=len(residents) > 0,
           duplicate=len(residents) > 1)
    return request


def sign_in_code_send(*, phone: str, ip: str | None, now=None) -> SignInCode:
    """Ask for a code: the same answer for any well-formed number. A number registered for residents gets an
    SMS through the outbox (a Notice and its Delivery, sent by the worker); any other gets nothing. Refused
    (ValidationError on "phone") when a limit is reached: one code a number every RESEND_SECONDS, PER_NUMBER_DAY
    a number a day, PER_IP_HOUR an address an hour — counted over every request, known number or not."""
    now = now or timezone.now()
    try:  # a clear message for a malformed number (no probe: it says nothing of who is registered)
        number = pii.normalize_phone(phone)
    except ValidationError as e:
        raise ValidationError({"phone": e.messages})
    phone_hash = pii.keyed_hash(number)
    with transaction.atomic():
        if connection.vendor == "postgresql":  # two requests for one number at once: the second sees the first
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"outreach.sign_in:{phone_hash}"])
        refused = _limit_reached(phone_hash, ip, now)
        if refused is None:
            return _code_request_create(phone_hash=phone_hash, number=number, ip=ip, now=now)
        # refused: audited (committed), nothing else written
        audit_record(actor=None, action="outreach.sign_in.limited", reason=refused[0],
                     data={"phone": pii.mask_phone(number), "ip": ip or ""})
    raise ValidationError({"phone": refused[1]})


def _village(resident: Resident) -> Region:
    return Region.objects.get(path=resident.region.village_path)


def _villager_account(resident: Resident):
    """The resident's login, made on their first sign-in the way the portal makes a villager's: an account with
    no password (they sign in by code), its profile in their village, the 群众 role there, linked to the record."""
    from django.contrib.auth import get_user_model

    from governance.scoping import clear_cache

    User = get_user_model()
    village = _village(resident)
    base = username = f"resident-{resident.pk}"
    n = 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = User(username=username, first_name=resident.name[:150])
    user.set_unusable_password()
    user.save()
    AccountProfile.objects.create(user=user, region=village, must_change_password=False)
    RoleAssignment.objects.create(user=user, role=Role.RESIDENT, region=village, starts_on=timezone.localdate())
    Resident.objects.filter(pk=resident.pk, user__isnull=True).update(user=user)
    resident.user = user
    clear_cache(user)
    audit_record(actor=user, action="account.create", obj=user.profile, data={"user": user.pk, "by": "sms_code"})
    return user


def _is_villager_only(user) -> bool:
    from governance.villager import is_villager

    return user.is_active and is_villager(user)


def sign_in_code_verify(*, request_id: int, code: str, now=None):
    """Check a code against its request and return the resident's account (made on the first sign-in).
    Wrong: one more failure, and after MAX_FAILURES the request is locked; expired or used: a new code is
    needed. A number registered for two residents, or a resident whose account is staff's, is refused with
    what to do. Every outcome is audited. Raises ValidationError({"code": ...})."""
    now = now or timezone.now()
    code = (code or "").strip()
    refusal = None
    with transaction.atomic():
        request = SignInCode.objects.select_for_update(of=("self",)).select_related("resident").filter(pk=request_id).first()
        if request is None:
            raise ValidationError({"code": _("请先获取验证码。")})
        limit = _setting("MAX_FAILURES")
        if request.used_at is not None:
            refusal = _("该验证码已使用，请重新获取。")
        elif request.failures >= limit:
            refusal = LOCKED % {"n": limit}
        elif now > request.expires_at:
            refusal = _("验证码已过期，请重新获取。")
        elif request.delivery_id is None or not _code_matches(request.code_hash, code):
            request.failures += 1
            request.save(update_fields=["failures"])
            left = limit - request.failures
            refusal = (LOCKED % {"n": limit}) if left <= 0 else \
                _("验证码不正确，还可以再试%(n)d次。") % {"n": left}
            _audit("outreach.sign_in.failed", request, reason="wrong_code", failures=request.failures)
        if refusal is None:
            request.used_at = now
            request.save(update_fields=["used_at"])
            residents = list(Resident.objects.select_related("region", "user").select_for_update(of=("self",))
                             .filter(phone_hash=request.phone_hash).order_by("pk")[:2])
            if len(residents) != 1:
                _audit("outreach.sign_in.refused", request, reason="duplicate" if residents else "not_registered")
                refusal = DUPLICATE if residents else _("该号码未登记，请联系村委会。")
            else:
                resident = residents[0]
                user = resident.user
                if user is not None and not _is_villager_only(user):
                    _audit("outreach.sign_in.refused", request, reason="staff" if user.is_active else "inactive")
                    refusal = _("该账号不能用验证码登录，请使用用户名和密码登录，或联系村委会。")
                else:
                    user = user or _villager_account(resident)
                    _audit("outreach.sign_in.succeeded", request, actor=user, user=user.pk)
                    return user
    # the failure count and the audit entry are committed before the refusal is raised
    raise ValidationError({"code": refusal})


LOCKED = gettext_lazy("验证码已输错%(n)d次，已锁定，请重新获取验证码。")
DUPLICATE = gettext_lazy("该手机号登记在多位居民名下，无法确认您的身份，请到村委会核实登记信息后再登录。")
