"""Factories of credit/ tests (on top of governance.tests.fixtures)."""
from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from governance.models import Household, Resident
from governance.tests.fixtures import make_resident

from credit.models import CreditRecord, RecordType, ResidentCredit, Review, Standard

_seq = itertools.count(1)


def v1() -> Standard:
    return Standard.objects.get(version=1)


def record_type(code: str, sign: int = -1, standard: Standard | None = None) -> RecordType:
    qs = RecordType.objects.filter(criterion__standard=standard or v1(), criterion__code=code)
    return (qs.filter(points__lt=0) if sign < 0 else qs.filter(points__gt=0)).order_by("id").first()


def make_record(resident, *, code="law", sign=-1, points=None, days_ago=30, status="verified", author=None,
                verifier=None) -> CreditRecord:
    rt = record_type(code, sign)
    return CreditRecord.objects.create(
        resident=resident, criterion=code, record_type=rt, points=points if points is not None else rt.points,
        fact_date=timezone.localdate() - dt.timedelta(days=days_ago), evidence="走访核实", source="grid_visit",
        status=status, entered_by=author, verified_by=verifier if status != "pending" else None,
        reject_reason="不实" if status == "rejected" else "")


def bulk_residents(region, n: int) -> list[Resident]:
    """Many residents quickly: one household, fake (unique) encrypted fields; scoring needs none of them."""
    household = Household.objects.create(region=region, number=f"B{next(_seq):09d}", address="批量")
    base = next(_seq) * 1_000_000
    return Resident.objects.bulk_create([
        Resident(household=household, region=region, name=f"批量{i}", id_cipher="x", id_hash=f"bulk-{base + i}",
                 id_masked="3411**********0000", gender="M", birth_date=dt.date(1980, 1, 1))
        for i in range(n)])


def make_review(resident, *, status="draft", grade="A", previous="", village=None) -> Review:
    village = village or resident.region.ancestor_at(3)
    review = Review.objects.create(
        resident=resident, village=village, period=timezone.localdate().strftime("%Y-%m"), status=status,
        standard=v1(), computed_total=70, computed_grade=grade, previous_grade=previous, proposed_grade=grade,
        opinion="同意" if status != "draft" else "",
        notice_until=timezone.localdate() + dt.timedelta(days=7) if status == "notice" else None)
    ResidentCredit.objects.get_or_create(resident=resident, defaults={
        "total": 70, "grade": grade, "standard": v1(), "computed_at": timezone.now(), "effective_grade": previous,
        **{f"score_{c}": 10 for c in ("law", "contract", "filial", "neighbour", "customs", "hygiene", "public")}})
    return review


__all__ = ["make_resident", "make_record", "bulk_residents", "make_review", "record_type", "v1"]


def resident_with_id(region, number: str, **kw) -> Resident:
    # governance's make_resident passes id_number on to the model constructor, so set it here.
    resident = make_resident(region, **kw)
    resident.set_id_number(number)
    resident.save()
    return resident
