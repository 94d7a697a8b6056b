"""Shapes of the services/ API. Reads are ModelSerializers; writes are plain input serializers whose
validated data goes to one action. Money is integer fen; no personal data beyond masked fields."""
from rest_framework import serializers

from governance import selectors as core
from governance.api.base import ModelSerializer, ScopedRef, ScopedRefList
from services import selectors


class ScopedId(ScopedRef):
    """A ScopedRef for an action that takes the id and loads the row again itself (under its own lock and
    policy): resolved in the caller's scope — a 400 on the field otherwise — then handed on as the pk, under
    the action's parameter name `into` (ScopedRef's first parameter is called `source`, so DRF's `source=`
    cannot be passed to it)."""

    def __init__(self, ref, *, into: str | None = None, **kwargs):
        super().__init__(ref, **kwargs)
        self.source = into

    def to_internal_value(self, data):
        return super().to_internal_value(data).pk
from services.models import (
    Allocation, Errand, Expenditure, Fund, JointActivity, LinkageHeading, MemberReport, MenuItem, MicroWish,
    MicroWork, Order, OrderEvent, ServiceCenterFacility, ServiceHour, UnitReport, VolunteerActivity, VolunteerTeam,
)


class MenuItemSerializer(ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = MenuItem
        fields = ["id", "code", "title", "description", "township", "township_name", "category", "category_name",
                  "units", "dispatch_hours", "accept_hours", "work_hours", "status", "created_at", "withdrawn_at"]


class MenuItemCreateSerializer(serializers.Serializer):
    township = ScopedRef(core.region_list)
    category = ScopedRef(selectors.work_categories)
    code = serializers.SlugField(max_length=40)
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    units = ScopedRefList(selectors.unit_list, min_length=1, max_length=200)
    dispatch_hours = serializers.IntegerField(min_value=1, max_value=2160, default=24)
    accept_hours = serializers.IntegerField(min_value=1, max_value=2160, default=24)
    work_hours = serializers.IntegerField(min_value=1, max_value=2160, default=120)


class OrderSerializer(ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", default="", read_only=True)
    resident_name = serializers.CharField(source="resident.name", default="", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Order
        fields = ["id", "number", "item", "item_title", "category_name", "region", "region_name", "resident",
                  "resident_name", "channel", "note", "status", "stage_deadline", "is_overdue", "unit", "unit_name",
                  "completion_note", "rating", "rating_comment", "created_at", "updated_at", "closed_at"]


class OrderPlaceSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")  # the action reads the item under lock: an id, not an object
    note = serializers.CharField(max_length=2000)
    resident = ScopedRef(core.resident_list, required=False, allow_null=True, default=None,
                         help_text="网格员代下单时填写群众 id；群众本人下单留空")


class OrderDispatchSerializer(serializers.Serializer):
    unit = ScopedRef(selectors.dispatchable_units)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class RatingSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class OrderEventSerializer(ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    unit_name = serializers.CharField(source="unit.name", default="", read_only=True)

    class Meta:
        model = OrderEvent
        fields = ["id", "order", "from_status", "to_status", "actor_name", "unit", "unit_name", "note", "at"]

    def get_actor_name(self, obj) -> str:
        return (obj.actor.get_full_name() or obj.actor.username) if obj.actor_id else ""


class UnitReportSerializer(ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    activity_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = UnitReport
        fields = ["id", "unit", "unit_name", "community", "community_name", "reported_at", "commitments", "activity_count"]


class UnitReportCreateSerializer(serializers.Serializer):
    unit = ScopedRef(selectors.unit_list)
    community = ScopedRef(selectors.report_communities)  # the action decides whether this actor may report there
    commitments = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class JointActivitySerializer(ModelSerializer):
    class Meta:
        model = JointActivity
        fields = ["id", "report", "heading", "title", "held_on", "participants", "description"]


class JointActivityCreateSerializer(serializers.Serializer):
    report = ScopedId(selectors.unit_report_list, into="report_id")
    heading = serializers.ChoiceField(choices=LinkageHeading.choices)
    title = serializers.CharField(max_length=100)
    held_on = serializers.DateField()
    participants = serializers.IntegerField(min_value=0, max_value=100000, default=0)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class MemberReportSerializer(ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    hours_this_year = serializers.DecimalField(max_digits=8, decimal_places=1, read_only=True)

    class Meta:
        model = MemberReport
        fields = ["id", "name", "workplace", "community", "community_name", "reported_at", "hours_this_year"]


class MemberReportCreateSerializer(serializers.Serializer):
    community = ScopedRef(selectors.report_communities)
    name = serializers.CharField(max_length=50)
    workplace = serializers.CharField(max_length=100)


class ServiceHourSerializer(ModelSerializer):
    class Meta:
        model = ServiceHour
        fields = ["id", "report", "served_on", "hours", "activity"]


class ServiceHourCreateSerializer(serializers.Serializer):
    served_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)
    activity = serializers.CharField(max_length=200)


class MicroWorkSerializer(ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    allocated_fen = serializers.IntegerField(read_only=True)
    spent_fen = serializers.IntegerField(read_only=True)

    class Meta:
        model = MicroWork
        fields = ["id", "kind", "title", "description", "region", "region_name", "facility", "category", "budget_fen",
                  "allocated_fen", "spent_fen", "status", "proposed_at", "decided_at", "decision_note", "accepted_at",
                  "acceptance_note", "is_public"]


class MicroWorkCreateSerializer(serializers.Serializer):
    region = ScopedRef(core.region_list)
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    budget_fen = serializers.IntegerField(min_value=1, max_value=10**12)
    category = ScopedRef(selectors.work_categories, required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=MicroWork.Kind.choices, default=MicroWork.Kind.MICRO_WORK)
    facility = ScopedRef(selectors.facility_list, required=False, allow_null=True, default=None)


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class AcceptanceSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)
    photos = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=10)


class FacilitySerializer(ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)
    invested_fen = serializers.IntegerField(read_only=True)
    project_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ServiceCenterFacility
        fields = ["id", "name", "village", "village_name", "floor_area_m2", "built_year", "invested_fen", "project_count"]


class FundSerializer(ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    unallocated_fen = serializers.IntegerField(read_only=True)
    balance_fen = serializers.IntegerField(read_only=True)

    class Meta:
        model = Fund
        fields = ["id", "name", "source", "region", "region_name", "year", "amount_fen", "allocated_fen", "spent_fen",
                  "unallocated_fen", "balance_fen"]


class AllocationSerializer(ModelSerializer):
    fund_name = serializers.CharField(source="fund.__str__", read_only=True)
    work_title = serializers.CharField(source="work.title", read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "fund", "fund_name", "work", "work_title", "amount_fen", "spent_fen", "approved_at"]


class AllocationCreateSerializer(serializers.Serializer):
    fund = ScopedId(selectors.fund_list, into="fund_id")
    work = ScopedId(selectors.micro_work_list, into="work_id")
    amount_fen = serializers.IntegerField(min_value=1, max_value=10**12)


class ExpenditureSerializer(ModelSerializer):
    fund = serializers.IntegerField(source="allocation.fund_id", read_only=True)
    work = serializers.IntegerField(source="allocation.work_id", read_only=True)

    class Meta:
        model = Expenditure
        fields = ["id", "allocation", "fund", "work", "amount_fen", "payee", "purpose", "receipt_number", "spent_on",
                  "recorded_at"]


class ExpenditureCreateSerializer(serializers.Serializer):
    allocation = ScopedId(selectors.allocation_list, into="allocation_id")
    amount_fen = serializers.IntegerField(min_value=1, max_value=10**12)
    payee = serializers.CharField(max_length=100)
    purpose = serializers.CharField(max_length=200)
    receipt_number = serializers.CharField(max_length=40)
    spent_on = serializers.DateField(required=False, allow_null=True, default=None)


class MicroWishSerializer(ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    claimed_unit_name = serializers.CharField(source="claimed_unit.name", default="", read_only=True)

    class Meta:
        model = MicroWish
        fields = ["id", "title", "region", "region_name", "status", "posted_at", "claimed_unit", "claimed_unit_name",
                  "fulfilled_note"]


class MicroWishCreateSerializer(serializers.Serializer):
    resident = ScopedRef(core.resident_list)
    title = serializers.CharField(max_length=120)


class WishClaimSerializer(serializers.Serializer):
    unit = ScopedRef(selectors.unit_list, required=False, allow_null=True, default=None,
                     help_text="以本人所在单位的名义认领时填写单位 id")


class ErrandSerializer(ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Errand
        fields = ["id", "resident", "resident_name", "region", "region_name", "kind", "title", "detail", "status",
                  "received_at", "done_at", "result"]


class ErrandCreateSerializer(serializers.Serializer):
    resident = ScopedRef(core.resident_list)
    kind = serializers.ChoiceField(choices=Errand.Kind.choices)
    title = serializers.CharField(max_length=120)
    detail = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ErrandAdvanceSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Errand.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class VolunteerTeamSerializer(ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    total_hours = serializers.DecimalField(max_digits=10, decimal_places=1, read_only=True)
    hours_this_year = serializers.DecimalField(max_digits=10, decimal_places=1, read_only=True)

    class Meta:
        model = VolunteerTeam
        fields = ["id", "name", "region", "region_name", "leader_name", "founded_on", "member_count", "total_hours",
                  "hours_this_year"]


class VolunteerTeamCreateSerializer(serializers.Serializer):
    region = ScopedRef(core.region_list)
    name = serializers.CharField(max_length=100)
    leader_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    members = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list,
                                    max_length=500)


class VolunteerActivitySerializer(ModelSerializer):
    total_hours = serializers.DecimalField(max_digits=10, decimal_places=1, read_only=True)
    participant_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = VolunteerActivity
        fields = ["id", "team", "title", "held_on", "place", "total_hours", "participant_count"]


class VolunteerHourInSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)


class VolunteerActivityCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    held_on = serializers.DateField()
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    hours = VolunteerHourInSerializer(many=True)

    def validate_hours(self, value) -> dict:
        """The action takes {volunteer id: hours}; it checks that they are the team's members."""
        return {h["volunteer"]: h["hours"] for h in value}
