"""The scoring rules, twice: in Python for one resident's explanation, and in SQL for the county.

Rule: for each of the seven criteria, score = base + the points of the resident's verified records
of that criterion whose fact date lies in [date − record_valid_days, date], clamped to
[floor, ceiling]. Total = sum of the seven. Grade = the first of AAA/AA/A/B whose minimum the
total reaches, else C. The standard applied is the latest version effective on that date.
The recompute job (`credit.recompute`) must agree with `explain()`; a test holds them together.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from .models import CRITERION_ORDER, GRADE_RANK, CreditRecord, Criterion, Standard


@dataclass(frozen=True)
class CriterionRule:
    code: str
    name: str
    base: int
    floor: int
    ceiling: int


@dataclass(frozen=True)
class Rules:
    """A standard version as plain data (what the scoring needs, nothing more)."""

    standard_id: int | None
    version: int
    valid_days: int
    thresholds: tuple[int, int, int, int]  # AAA, AA, A, B minimum totals
    criteria: tuple[CriterionRule, ...]

    def grade_for(self, total: int) -> str:
        for grade, low in zip(("AAA", "AA", "A", "B"), self.thresholds):
            if total >= low:
                return grade
        return "C"

    def cutoff(self, on: dt.date) -> dt.date:
        return on - dt.timedelta(days=self.valid_days)


def rules_of(standard: Standard) -> Rules:
    by_code = {c.code: c for c in Criterion.objects.filter(standard=standard)}
    return Rules(
        standard_id=standard.pk, version=standard.version, valid_days=standard.record_valid_days,
        thresholds=(standard.aaa_min, standard.aa_min, standard.a_min, standard.b_min),
        criteria=tuple(CriterionRule(code, by_code[code].name, by_code[code].base, by_code[code].floor,
                                     by_code[code].ceiling) for code in CRITERION_ORDER),
    )


def clamp(value: int, low: int, high: int) -> int:
    return low if value < low else high if value > high else value


def record_counts(rules: Rules, fact_date: dt.date, on: dt.date) -> bool:
    return rules.cutoff(on) <= fact_date <= on


def score(rules: Rules, records: list[tuple[str, int, dt.date]], on: dt.date) -> tuple[dict[str, int], int, str]:
    """records: (criterion code, points, fact date) of verified records -> (scores, total, grade)."""
    raw = {c.code: c.base for c in rules.criteria}
    for code, points, fact_date in records:
        if code in raw and record_counts(rules, fact_date, on):
            raw[code] += points
    scores = {c.code: clamp(raw[c.code], c.floor, c.ceiling) for c in rules.criteria}
    total = sum(scores.values())
    return scores, total, rules.grade_for(total)


def standard_on(on: dt.date | None = None) -> Standard | None:
    """The version in force on a date: the latest whose effective date has come."""
    on = on or timezone.localdate()
    return Standard.objects.filter(effective_from__lte=on).order_by("-effective_from", "-version").first()


def grade_at_least(grade: str, minimum: str) -> bool:
    return GRADE_RANK.get(grade or "", 0) >= GRADE_RANK[minimum]


@dataclass
class CriterionLine:
    rule: CriterionRule
    records: list = field(default_factory=list)  # CreditRecord rows that count
    expired: list = field(default_factory=list)  # verified, but older than the validity period
    raw: int = 0
    score: int = 0

    @property
    def clamped(self) -> str:
        if self.raw < self.rule.floor:
            return "floor"
        if self.raw > self.rule.ceiling:
            return "ceiling"
        return ""


@dataclass
class Explanation:
    standard: Standard
    on: dt.date
    lines: list[CriterionLine]
    total: int
    grade: str


def explain(resident, *, on: dt.date | None = None, standard: Standard | None = None) -> Explanation | None:
    """Each criterion's score and the records behind it, for the resident's page (two queries)."""
    on = on or timezone.localdate()
    standard = standard or standard_on(on)
    if standard is None:
        return None
    rules = rules_of(standard)
    lines = {c.code: CriterionLine(rule=c, raw=c.base) for c in rules.criteria}
    records = (CreditRecord.objects.filter(resident=resident, status=CreditRecord.Status.VERIFIED)
               .select_related("record_type").order_by("-fact_date", "-id"))
    for rec in records:
        line = lines.get(rec.criterion)
        if line is None:
            continue
        if record_counts(rules, rec.fact_date, on):
            line.records.append(rec)
            line.raw += rec.points
        elif rec.fact_date < rules.cutoff(on):
            line.expired.append(rec)
    for line in lines.values():
        line.score = clamp(line.raw, line.rule.floor, line.rule.ceiling)
    total = sum(line.score for line in lines.values())
    return Explanation(standard=standard, on=on, lines=list(lines.values()), total=total, grade=rules.grade_for(total))
