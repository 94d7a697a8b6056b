"""One FilterSet per model, serving both the HTML list and the API."""
from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from governance.filtersets import RegionSubtreeFilter, ScopedFilterSet

from .models import (CheckPurpose, Consent, CreditCertificate, CreditRecord, CriterionCode, DomesticWorker, Grade, GradeCheck, Objection,
                     ResidentCredit, Review, Standard, WorkerRequest)


class StandardFilterSet(ScopedFilterSet):
    class Meta:
        model = Standard
        fields = ["version"]


class CheckPurposeFilterSet(ScopedFilterSet):
    class Meta:
        model = CheckPurpose
        fields = ["active"]


class CreditRecordFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="resident__name", lookup_expr="contains", label=_("居民姓名"))
    region = RegionSubtreeFilter(region_field="resident__region")
    status = django_filters.ChoiceFilter(choices=CreditRecord.Status.choices, label=_("状态"))
    criterion = django_filters.ChoiceFilter(choices=CriterionCode.choices, label=_("条目"))
    resident = django_filters.NumberFilter(field_name="resident_id", label=_("居民"))

    class Meta:
        model = CreditRecord
        fields = ["q", "region", "status", "criterion", "resident"]


class ResidentCreditFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="resident__name", lookup_expr="contains", label=_("居民姓名"))
    region = RegionSubtreeFilter(region_field="resident__region")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("计算等级"))
    effective_grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("生效等级"))
    graded = django_filters.BooleanFilter(method="only_graded", label=_("已有生效等级"))

    class Meta:
        model = ResidentCredit
        fields = ["q", "region", "grade", "effective_grade", "graded"]

    def only_graded(self, qs, name, value):
        return qs.exclude(effective_grade="") if value else qs.filter(effective_grade="")


class ReviewFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="resident__name", lookup_expr="contains", label=_("居民姓名"))
    region = RegionSubtreeFilter(region_field="resident__region")
    status = django_filters.ChoiceFilter(choices=Review.Status.choices, label=_("状态"))
    changed = django_filters.BooleanFilter(field_name="same_as_before", method="only_changed", label=_("仅看等级变化"))

    class Meta:
        model = Review
        fields = ["q", "region", "status", "changed"]

    def only_changed(self, qs, name, value):
        return qs.filter(same_as_before=0 if value else 1)


class ObjectionFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=Objection.Status.choices, label=_("状态"))
    region = RegionSubtreeFilter(region_field="review__resident__region")

    class Meta:
        model = Objection
        fields = ["status", "region"]


class ConsentFilterSet(ScopedFilterSet):
    class Meta:
        model = Consent
        fields = ["unit", "purpose"]


class GradeCheckFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(region_field="resident__region")
    result = django_filters.ChoiceFilter(choices=GradeCheck.Result.choices, label=_("结果"))

    class Meta:
        model = GradeCheck
        fields = ["purpose", "result", "region"]


class CreditCertificateFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(region_field="grade_check__resident__region")
    purpose = django_filters.ModelChoiceFilter(field_name="grade_check__purpose", queryset=CheckPurpose.objects.all(),
                                               label=_("用途"))
    revoked = django_filters.BooleanFilter(field_name="revoked_at", lookup_expr="isnull", exclude=True,
                                           label=_("已作废"))

    class Meta:
        model = CreditCertificate
        fields = ["purpose", "region", "revoked"]


class DomesticWorkerFilterSet(ScopedFilterSet):
    skill = django_filters.CharFilter(field_name="skills", lookup_expr="contains", label=_("技能"))
    region = RegionSubtreeFilter(region_field="resident__region")
    min_stars = django_filters.NumberFilter(field_name="stars", lookup_expr="gte", label=_("最低星级"))

    class Meta:
        model = DomesticWorker
        fields = ["skill", "region", "min_stars", "available"]


class WorkerRequestFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter()

    class Meta:
        model = WorkerRequest
        fields = ["region"]
