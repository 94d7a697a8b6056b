"""credit/'s Excel export: the residents' credit grades, as the grade list shows them (masked IDs)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from governance import exports
from governance.exports import Column, Export
from governance.scoping import STAFF_ROLES

from . import selectors
from .filtersets import ResidentCreditFilterSet
from .models import CRITERION_ORDER, CriterionCode, Grade


def register() -> None:
    grades = dict(Grade.choices)
    criteria = dict(CriterionCode.choices)
    exports.register(Export(
        key="credit_grades", title=_("居民信用等级"), selector=selectors.credit_list,
        filterset_class=ResidentCreditFilterSet, roles=STAFF_ROLES,
        columns=(
            Column(_("姓名"), "resident__name", width=10),
            Column(_("身份证号"), "resident__id_masked", width=22),
            Column(_("所属区域"), "resident__region__name", width=18),
            Column(_("统计代码"), "resident__region__code", width=20),
            Column(_("生效等级"), "effective_grade", grades, width=16),
            Column(_("生效日期"), "effective_since", width=12),
            Column(_("生效等级所用标准版本"), "effective_standard__version", width=10),
            Column(_("计算等级"), "grade", grades, width=16),
            Column(_("总分"), "total", width=8),
            *(Column(criteria[code], f"score_{code}", width=10) for code in CRITERION_ORDER),
            Column(_("计算所用标准版本"), "standard__version", width=10),
            Column(_("计算结果变化时间"), "computed_at", width=18),
        ),
    ))
