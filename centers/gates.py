"""What an upper app checks at each gate of the party-member pipeline (村培镇管县备案): the applicant's
effective credit grade (credit registers its reader in AppConfig.ready(); centers imports no upper app).

A reader is called as `reader(actor=…, candidate=…, phase=…)` inside the pipeline action and returns a
`Reading` — what it saw, the rule it applied, whether the rule was met and a reference to its own record
(credit's GradeCheck, which the resident sees among the uses of their grade) — or None when it has no rule
for this gate. The pipeline records every reading on the step (PipelineGateCheck)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Reading:
    gate: str  # who read it: "credit"
    seen: str  # what it saw, in words: "生效信用等级 A（信用七条第1版）"
    rule: str  # the rule applied: "入党需生效信用等级不低于 A"
    passed: bool
    reference: str = ""  # the reader's own record of the reading: "credit.gradecheck:12"


PHASES = ("propose", "approve", "file")
readers: list[Callable[..., Reading | None]] = []


def register(reader: Callable[..., Reading | None]) -> None:
    if reader not in readers:
        readers.append(reader)


def read(*, actor, candidate, phase: str) -> list[Reading]:
    assert phase in PHASES
    return [r for r in (reader(actor=actor, candidate=candidate, phase=phase) for reader in readers) if r is not None]
