"""Exact lookups of a person by a full ID number or phone: one door, limited per user and audited.

The screens show `3411**********4017` and an age. An exact lookup that answers "yes, that one" would
rebuild the hidden digits candidate by candidate (about 35 candidates per ID number once the age is
known, 10,000 per phone with its ends shown). So every exact test of a number — the resident list's
精确查找 and its API twin, the pickers that take an ID number, credit records, the duplicate check when a
resident is registered, the import preview — goes through `exact_lookup()`:

- the number is never in a URL (lookups are POSTs), a log line or an audit payload;
- each call writes one audit row `pii.lookup` (who, why, how many numbers, how many answered "no"),
  filed under the user's home region so the level above sees it;
- per user and rolling hour, at most PII_LOOKUP_PER_HOUR numbers, of which at most
  PII_LOOKUP_REFUSALS_PER_HOUR may answer "no" (not found in the user's scope, or — when registering —
  already registered). Honest work mostly finds what it looks for (the card is in hand); guessing
  mostly does not, so refusals are what an attack spends and what is capped hardest. A call that would
  exceed either budget answers nothing and says when to try again.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import pii
from .audit import audit_record
from .models import AuditEntry
from .scoping import home_region_id

ACTION = "pii.lookup"
WINDOW = dt.timedelta(hours=1)


class LookupLimited(ValidationError):
    """The user's hourly budget of exact lookups is spent: nothing was looked up."""


def _limits(batch: bool = False) -> tuple[int, int]:
    if batch:  # a file's numbers (an import preview): as many as the file holds, but few may be unknown
        return (10**9, int(getattr(settings, "PII_IMPORT_REFUSALS_PER_HOUR", 200)))
    return (int(getattr(settings, "PII_LOOKUP_PER_HOUR", 200)),
            int(getattr(settings, "PII_LOOKUP_REFUSALS_PER_HOUR", 20)))


@dataclass(frozen=True)
class Budget:
    used: int
    refused: int
    per_hour: int
    refusals_per_hour: int

    @property
    def left(self) -> int:
        return max(0, self.per_hour - self.used)

    @property
    def refusals_left(self) -> int:
        return max(0, self.refusals_per_hour - self.refused)


def budget(user, batch: bool = False) -> Budget:
    """What the user has spent in the last hour, on single lookups or on files (two ledgers; a bounded
    read: at most the hour's lookup rows)."""
    per_hour, refusals = _limits(batch)
    rows = AuditEntry.objects.filter(actor=user, action=ACTION, at__gte=timezone.now() - WINDOW).values_list(
        "data", flat=True)
    used = refused = 0
    for data in rows:
        if bool(data.get("batch")) != batch:
            continue
        used += int(data.get("n", 1))
        refused += int(data.get("refused", 0))
    return Budget(used, refused, per_hour, refusals)


def _limited(batch: bool = False) -> LookupLimited:
    if batch:
        return LookupLimited(_("文件中未找到或已登记的身份证号过多（每人每小时最多 %(r)d 个），本次未校验。"
                               "请核对号码后再上传；如确有需要，请联系县委组织部。") % {"r": _limits(True)[1]},
                             code="lookup_limited")
    return LookupLimited(_("精确查找过于频繁：每人每小时可查找 %(n)d 个号码，其中未找到的最多 %(r)d 个。"
                           "请稍后再试；如确有大量核对需要，请联系县委组织部。") % dict(zip("nr", _limits())),
                         code="lookup_limited")


def exact_lookup(*, actor, queryset, numbers: list[str], kind: str = "id_number", purpose: str,
                 refused_when_found: bool = False, hash_path: str | None = None,
                 batch: bool = False) -> dict[str, object]:
    """Find the objects of `queryset` (already the user's scope, or the whole table for a duplicate
    check) whose person has one of `numbers` (normalized full ID numbers or phones).

    Returns {number: object} for those found. `refused_when_found` counts a found number as a "no"
    (a registration refused as a duplicate) instead of a missing one. Raises LookupLimited when the
    call would exceed the user's budget — before anything is looked up. `batch`: the numbers of a file,
    kept on a ledger and a budget of their own (PII_IMPORT_REFUSALS_PER_HOUR)."""
    numbers = [n for n in dict.fromkeys(numbers) if n]
    if not numbers:
        return {}
    field = hash_path or ("id_hash" if kind == "id_number" else "phone_hash")
    hashes = {pii.keyed_hash(n): n for n in numbers}
    found: dict[str, object] = {}
    with transaction.atomic():
        # One lookup at a time per user, so a burst of parallel requests cannot overdraw the budget.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        spent = budget(actor, batch)
        # Refused before looking unless the budget covers the worst case of one number: were a hit still
        # answered once the misses are spent, "limited" would itself mean "miss".
        limited = len(numbers) > spent.left or spent.refusals_left < 1
        if not limited:
            for obj in queryset.filter(**{f"{field}__in": list(hashes)}):
                value = obj
                for part in field.split("__"):
                    value = getattr(value, part)
                found.setdefault(hashes[value], obj)
            refused = len(found) if refused_when_found else len(numbers) - len(found)
            # A batch (an import preview) that would overdraw is answered as a whole or not at all.
            limited = refused > spent.refusals_left
        if limited:
            audit_record(actor=actor, action=ACTION, region_id=home_region_id(actor), reason=purpose,
                         data={"kind": kind, "n": 0, "refused": 0, "limited": True, "batch": batch})
        else:
            target = next(iter(found.values())) if len(found) == 1 and len(numbers) == 1 else None
            audit_record(actor=actor, action=ACTION, obj=target, region_id=home_region_id(actor), reason=purpose,
                         data={"kind": kind, "n": len(numbers), "found": len(found), "refused": refused,
                               "batch": batch})
    if limited:  # the refusal's audit row is committed: the level above sees the attempt
        raise _limited(batch)
    return found


def find_one(*, actor, queryset, number: str, kind: str = "id_number", purpose: str, hash_path: str | None = None):
    """One number → the object or None (not found in `queryset`)."""
    return exact_lookup(actor=actor, queryset=queryset, numbers=[number], kind=kind, purpose=purpose,
                        hash_path=hash_path).get(number)


def parse_number(value: str) -> tuple[str, str]:
    """Typed text → ("id_number" | "phone", normalized number); ValidationError in Chinese otherwise."""
    value = (value or "").strip()
    digits = value.replace(" ", "").replace("-", "")
    if len(digits) == 18 or (len(digits) >= 15 and not digits.startswith(("1", "+86"))):
        return "id_number", pii.parse_id_number(digits).value
    try:
        return "phone", pii.normalize_phone(digits)
    except ValidationError:
        raise ValidationError(_("请输入完整的18位身份证号或11位手机号。"), code="lookup_number")


def resident_lookup(*, actor, text: str, purpose: str = "resident_list"):
    """The resident list's 精确查找 (and the API's): a typed full ID number or phone → the resident inside
    the actor's scope, or None. ValidationError for a malformed number, LookupLimited past the budget."""
    from .models import Resident

    kind, number = parse_number(text)
    queryset = Resident.objects.restrict(actor, "view").select_related("region", "household")
    return find_one(actor=actor, queryset=queryset, number=number, kind=kind, purpose=purpose)
