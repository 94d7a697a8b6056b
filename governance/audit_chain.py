"""The audit log's hash chain: tamper-evident entries, their verification and their retention.

An entry is sealed just after the transaction that wrote it commits (and by a beat job every minute, for
entries written by set-based SQL or whose process died before sealing): under a row lock on the chain head
(`AuditChain`, one row), the committed entries not yet sealed get, in id order, the next `seq`, the head's
hash as `prev_hash`, and `hash` = SHA-256 over their canonical form (every column, `seq` and `prev_hash`).
Sealing after commit, not inside the writing transaction, keeps the lock a few milliseconds long instead of
serialising every transaction that writes an audit row, and gives the chain the order of commits.

`verify()` recomputes every hash from the anchor on and names the first entry that does not match (changed),
a gap in `seq` (deleted) or a head that does not match the last entry (truncated). `purge()` deletes entries
older than the retention period (never fewer than 180 days), oldest first, and moves the anchor to the last
one deleted, so that what is kept still verifies.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta, timezone as dt_timezone

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import AuditChain, AuditEntry

MIN_RETENTION_DAYS = 180
SEAL_BATCH = 5_000
VERIFY_CHUNK = 5_000
FIELDS = ("id", "at", "actor_id", "action", "content_type_id", "object_id", "object_repr", "region_id",
          "from_state", "to_state", "reason", "data")
SEALED_FIELDS = (*FIELDS, "seq", "prev_hash", "hash")


def retention_days() -> int:
    """Entries are kept at least 180 days (等保 2.0: 审计记录保留不少于六个月) whatever the setting says."""
    return max(MIN_RETENTION_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)))


def _at(value) -> str:
    return value.astimezone(dt_timezone.utc).isoformat(timespec="microseconds") if value else ""


def digest(row: dict, seq: int, prev_hash: str) -> str:
    """SHA-256 of the entry's canonical serialisation: sorted JSON of every column, its seq and the previous hash."""
    canonical = {name: row[name] for name in FIELDS}
    canonical["at"] = _at(row["at"])
    canonical["seq"] = seq
    canonical["prev_hash"] = prev_hash
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _head(*, lock: bool) -> AuditChain:
    qs = AuditChain.objects.select_for_update() if lock else AuditChain.objects.all()
    head = qs.filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditChain.objects.create(pk=1)
        except IntegrityError:  # another process created it first
            pass
        head = qs.get(pk=1)
    return head


def seal(batch: int = SEAL_BATCH) -> int:
    """Seal the committed entries that are not yet chained, in id order. Idempotent: run twice, or by two
    processes at once, every entry is sealed once (the head's row lock)."""
    total = 0
    while True:
        with transaction.atomic():
            head = _head(lock=True)
            rows = list(AuditEntry.objects.filter(seq__isnull=True).order_by("id").values(*FIELDS)[:batch])
            if not rows:
                return total
            seq, prev = head.head_seq, head.head_hash
            sealed = []
            for row in rows:
                seq += 1
                h = digest(row, seq, prev)
                sealed.append(AuditEntry(id=row["id"], seq=seq, prev_hash=prev, hash=h))
                prev = h
            AuditEntry.objects.bulk_update(sealed, ["seq", "prev_hash", "hash"], batch_size=1_000)
            head.head_seq, head.head_hash = seq, prev
            head.save(update_fields=["head_seq", "head_hash"])
            total += len(rows)
        if len(rows) < batch:
            return total


def _seal_after_commit() -> None:
    try:
        seal()
    except Exception:  # the beat job seals what this missed; an audit write never fails its action here
        import logging

        logging.getLogger(__name__).exception("audit chain: sealing after commit failed")


def seal_on_commit(using: str | None = None) -> None:
    """Ask for the entries of the current transaction to be sealed once it commits (once per transaction)."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _seal_after_commit()
        return
    if any(entry[1] is _seal_after_commit for entry in connection.run_on_commit):
        return
    transaction.on_commit(_seal_after_commit, using=using)


@dataclass
class Verdict:
    ok: bool
    checked: int
    unsealed: int
    head_seq: int
    head_hash: str
    broken_id: int | None = None
    broken_seq: int | None = None
    problem: str = ""


def verify() -> Verdict:
    """Walk the chain from the anchor and recompute every hash; the first mismatch is the verdict."""
    head = _head(lock=False)
    prev, expected, checked = head.anchor_hash, head.anchor_seq + 1, 0
    unsealed = AuditEntry.objects.filter(seq__isnull=True).count()

    def broken(row, problem):
        return Verdict(False, checked, unsealed, head.head_seq, head.head_hash,
                       broken_id=row["id"] if row else None, broken_seq=row["seq"] if row else expected, problem=problem)

    rows = AuditEntry.objects.filter(seq__isnull=False).order_by("seq").values(*SEALED_FIELDS)
    for row in rows.iterator(chunk_size=VERIFY_CHUNK):
        if row["seq"] < expected:
            return broken(row, "entry older than the anchor (the purge did not delete it, or it was inserted)")
        if row["seq"] != expected:
            return broken(row, f"entries {expected}–{row['seq'] - 1} are missing (deleted) before this one")
        if row["prev_hash"] != prev:
            return broken(row, "its previous hash does not match the entry before it")
        if digest(row, row["seq"], prev) != row["hash"]:
            return broken(row, "its content does not match its hash (changed after it was written)")
        prev, expected, checked = row["hash"], expected + 1, checked + 1
    if expected - 1 != head.head_seq or prev != head.head_hash:
        return broken(None, f"the chain head is at {head.head_seq} but the last entry is {expected - 1} "
                            "(entries at the end were deleted)")
    return Verdict(True, checked, unsealed, head.head_seq, head.head_hash)


def purge(now=None) -> dict:
    """Delete sealed entries older than the retention period, oldest first, up to the first younger one; the
    anchor moves to the last entry deleted. Refuses (deletes nothing) when that part of the chain does not
    verify: the evidence stays. Idempotent."""
    from .audit import audit_record

    seal()
    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    with transaction.atomic():
        head = _head(lock=True)
        first_young = (AuditEntry.objects.filter(seq__isnull=False, at__gte=cutoff)
                       .order_by("seq").values_list("seq", flat=True).first())
        last = (first_young - 1) if first_young is not None else head.head_seq
        if last <= head.anchor_seq:
            return {"deleted": 0, "anchor_seq": head.anchor_seq}
        prev, expected = head.anchor_hash, head.anchor_seq + 1
        old = AuditEntry.objects.filter(seq__gt=head.anchor_seq, seq__lte=last).order_by("seq")
        last_at = None
        for row in old.values(*SEALED_FIELDS).iterator(chunk_size=VERIFY_CHUNK):
            if row["seq"] != expected or row["prev_hash"] != prev or digest(row, row["seq"], prev) != row["hash"]:
                raise ValueError(f"audit chain broken at entry {row['id']} (seq {row['seq']}): not purged")
            prev, expected, last_at = row["hash"], expected + 1, row["at"]
        if expected - 1 != last:
            raise ValueError(f"audit chain broken: entry seq {expected} is missing: not purged")
        deleted, _ = old.delete()
        head.anchor_seq, head.anchor_hash, head.anchor_at = last, prev, last_at
        head.purged += deleted
        head.save(update_fields=["anchor_seq", "anchor_hash", "anchor_at", "purged"])
        from .models import Region

        county = Region.objects.filter(parent__isnull=True).order_by("path").values_list("pk", flat=True).first()
        audit_record(actor=None, action="audit.purge", region_id=county, data={"deleted": deleted, "anchor_seq": last,
                                                             "retention_days": retention_days()})
    return {"deleted": deleted, "anchor_seq": last}
