"""API shapes of credit/: residents appear with masked ID numbers only; units see grades, not records."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from credit import selectors
from credit.models import (CheckPurpose, Consent, CreditCertificate, CreditRecord, Criterion, CriterionCode, DomesticWorker, Grade,
                           GradeCheck, Objection, RecordType, ResidentCredit, Review, ReviewEvent, Standard,
                           WorkerRequest)
from governance import selectors as core
from governance.api.base import ModelSerializer, ScopedRef


class ResidentRefMixin(serializers.Serializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    resident_id_number = serializers.CharField(source="resident.id_masked", read_only=True)


class RecordTypeSerializer(ModelSerializer):
    class Meta:
        model = RecordType
        fields = ["id", "name", "points", "active"]


class CriterionSerializer(ModelSerializer):
    record_types = RecordTypeSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = ["id", "code", "name", "base", "floor", "ceiling", "record_types"]


class StandardSerializer(ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Standard
        fields = ["id", "version", "name", "effective_from", "record_valid_days", "aaa_min", "aa_min", "a_min", "b_min",
                  "notice_days", "household_rule", "criteria"]


class RecordTypeInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    points = serializers.IntegerField(min_value=-1000, max_value=1000)


class CriterionInSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=CriterionCode.choices)
    name = serializers.CharField(max_length=50)
    base = serializers.IntegerField(min_value=-1000, max_value=1000)
    floor = serializers.IntegerField(min_value=-1000, max_value=1000)
    ceiling = serializers.IntegerField(min_value=-1000, max_value=1000)
    record_types = RecordTypeInSerializer(many=True)


class ThresholdsSerializer(serializers.Serializer):
    aaa = serializers.IntegerField(min_value=-10000, max_value=10000)
    aa = serializers.IntegerField(min_value=-10000, max_value=10000)
    a = serializers.IntegerField(min_value=-10000, max_value=10000)
    b = serializers.IntegerField(min_value=-10000, max_value=10000)


class StandardCreateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=100000)
    name = serializers.CharField(max_length=100)
    effective_from = serializers.DateField()
    record_valid_days = serializers.IntegerField(min_value=1, max_value=36500)
    notice_days = serializers.IntegerField(min_value=1, max_value=365, default=7)
    household_rule = serializers.ChoiceField(choices=Standard.HouseholdRule.choices, default="lowest")
    thresholds = ThresholdsSerializer()
    criteria = CriterionInSerializer(many=True, help_text=_("恰好七个条目"))


class CheckPurposeSerializer(ModelSerializer):
    class Meta:
        model = CheckPurpose
        fields = ["id", "code", "name", "min_grade", "active"]


class CreditRecordSerializer(ResidentRefMixin, ModelSerializer):
    record_type_name = serializers.CharField(source="record_type.name", read_only=True)

    class Meta:
        model = CreditRecord
        fields = ["id", "resident", "resident_name", "resident_id_number", "criterion", "record_type",
                  "record_type_name", "points", "fact_date", "evidence", "source", "status", "entered_by",
                  "entered_at", "verified_by", "verified_at", "reject_reason"]


class CreditRecordCreateSerializer(serializers.Serializer):
    resident = ScopedRef(core.resident_list)
    record_type = ScopedRef(selectors.record_type_list)
    points = serializers.IntegerField(required=False, allow_null=True, min_value=-1000, max_value=1000)
    fact_date = serializers.DateField()
    evidence = serializers.CharField()
    source = serializers.ChoiceField(choices=CreditRecord.Source.choices)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ResidentCreditSerializer(ResidentRefMixin, ModelSerializer):
    class Meta:
        model = ResidentCredit
        fields = ["id", "resident", "resident_name", "resident_id_number", "score_law", "score_contract",
                  "score_filial", "score_neighbour", "score_customs", "score_hygiene", "score_public", "total", "grade",
                  "standard", "computed_at", "effective_grade", "effective_standard", "effective_since"]


class ReviewEventSerializer(ModelSerializer):
    class Meta:
        model = ReviewEvent
        fields = ["at", "actor", "from_status", "to_status", "note"]


class ReviewSerializer(ResidentRefMixin, ModelSerializer):
    events = ReviewEventSerializer(many=True, read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "resident", "resident_name", "resident_id_number", "village", "village_name", "period",
                  "status", "standard", "computed_total", "computed_grade", "previous_grade", "proposed_grade",
                  "opinion", "adjust_reason", "approved_by", "approved_at", "notice_until", "effective_on", "events"]


class NoticeSerializer(ResidentRefMixin, ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "resident_name", "resident_id_number", "village", "village_name", "proposed_grade",
                  "notice_until"]


class OpinionSerializer(serializers.Serializer):
    opinion = serializers.CharField()
    grade = serializers.ChoiceField(choices=Grade.choices, required=False)
    adjust_reason = serializers.CharField(required=False, allow_blank=True, default="")


class BulkReviewSerializer(serializers.Serializer):
    # The reviews acted on (not references): the action locks them in the caller's scope, all or nothing.
    reviews = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), min_length=1,
                                    max_length=5000, source="review_ids")


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField(source="*", help_text=_("处理的条数"))


class ObjectionSerializer(ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "review", "raised_by", "raised_at", "reason", "status", "answer", "decision", "new_grade",
                  "answered_by", "answered_at"]


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()
    decision = serializers.ChoiceField(choices=Objection.Decision.choices)
    new_grade = serializers.ChoiceField(choices=Grade.choices, required=False, allow_blank=True, default="")


class ConsentSerializer(ResidentRefMixin, ModelSerializer):
    class Meta:
        model = Consent
        fields = ["id", "resident", "resident_name", "resident_id_number", "unit", "purpose", "valid_until",
                  "evidence", "recorded_by", "recorded_at", "revoked_at"]


class ConsentCreateSerializer(serializers.Serializer):
    resident = ScopedRef(core.resident_list)
    unit = ScopedRef(selectors.consent_units, help_text=_("银行或信用社"))
    purpose = ScopedRef(selectors.check_purposes)
    valid_until = serializers.DateField()
    evidence = serializers.CharField(max_length=200)


class GradeCheckSerializer(ResidentRefMixin, ModelSerializer):
    class Meta:
        model = GradeCheck
        fields = ["id", "purpose", "resident_name", "resident_id_number", "grade_seen", "standard_seen", "rule",
                  "result", "asked_by", "unit", "consent", "checked_at"]


class GradeCheckCreateSerializer(serializers.Serializer):
    purpose = ScopedRef(selectors.check_purposes)
    id_number = serializers.CharField(max_length=18, help_text=_("被查询居民的18位身份证号"))
    unit = ScopedRef(selectors.user_units, required=False, allow_null=True, default=None,
                     help_text=_("金融机构查询时填写本单位；需居民授权"))


class CreditCertificateSerializer(ModelSerializer):
    check = serializers.IntegerField(source="grade_check_id", read_only=True)
    code = serializers.CharField(source="code_display", read_only=True)

    class Meta:
        model = CreditCertificate
        fields = ["id", "check", "code", "explanation", "issued_by", "issued_at", "valid_until", "revoked_at",
                  "revoke_reason"]


class CertificateRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class DomesticWorkerSerializer(ResidentRefMixin, ModelSerializer):
    effective_grade = serializers.SerializerMethodField()

    class Meta:
        model = DomesticWorker
        fields = ["id", "resident", "resident_name", "resident_id_number", "skills", "certificates", "stars",
                  "available", "effective_grade", "registered_at"]

    def get_effective_grade(self, obj) -> str:
        credit = getattr(obj.resident, "credit", None)
        return credit.effective_grade if credit else ""


class DomesticWorkerCreateSerializer(serializers.Serializer):
    resident = ScopedRef(core.resident_list)
    skills = serializers.CharField(max_length=200)
    certificates = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    stars = serializers.IntegerField(min_value=1, max_value=5)
    available = serializers.BooleanField(default=True)


class DomesticWorkerUpdateSerializer(serializers.Serializer):
    skills = serializers.CharField(max_length=200, required=False)
    certificates = serializers.CharField(max_length=200, required=False, allow_blank=True)
    stars = serializers.IntegerField(min_value=1, max_value=5, required=False)
    available = serializers.BooleanField(required=False)


class WorkerRequestSerializer(ModelSerializer):
    class Meta:
        model = WorkerRequest
        fields = ["id", "region", "employer", "skill", "note", "created_by", "created_at"]


class WorkerRequestCreateSerializer(serializers.Serializer):
    region = ScopedRef(core.region_list)
    employer = serializers.CharField(max_length=60)
    skill = serializers.CharField(max_length=30)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ShortlistEntrySerializer(serializers.Serializer):
    place = serializers.IntegerField()
    worker = serializers.IntegerField(source="worker.pk")
    name = serializers.CharField(source="worker.resident.name")
    id_number = serializers.CharField(source="worker.resident.id_masked")
    grade = serializers.CharField()
    stars = serializers.IntegerField()
    why = serializers.CharField()
