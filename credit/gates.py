"""The credit grade read at each gate of the party-member pipeline (registered into centers.gates): each
reading is a GradeCheck of purpose 入党 ("party") — so the resident sees it among the uses of their grade —
against the county's threshold (CheckPurpose.min_grade)."""
from __future__ import annotations

from django.utils.translation import gettext as _

from centers.gates import Reading

from .models import CheckPurpose, GradeCheck

PARTY = "party"


def party_grade(*, actor, candidate, phase: str) -> Reading | None:
    from .actions import _check

    purpose = CheckPurpose.objects.filter(code=PARTY, active=True).first()
    if purpose is None:  # the county has switched the rule off
        return None
    check = _check(actor=actor, resident=candidate.resident, purpose=purpose)
    if not check.grade_seen:
        # Not yet rated is not below the rule: recorded as seen, it blocks nothing (the village rates first).
        return Reading(gate="credit", seen=_("尚无生效信用等级"), rule=check.rule, passed=True,
                       reference=f"credit.gradecheck:{check.pk}")
    seen = _("生效信用等级 %(g)s") % {"g": check.grade_seen}
    if check.standard_seen_id:
        seen += f"（{check.standard_seen.name}）"
    return Reading(gate="credit", seen=seen, rule=check.rule, passed=check.result == GradeCheck.Result.PASS,
                   reference=f"credit.gradecheck:{check.pk}")
