"""The services/ API: viewsets are configuration; every write calls one action. Detail verbs call
`get_object()` first, so an object outside the caller's scope answers 404 before the body is read."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from centers.models import Unit, WorkCategory
from governance import selectors as core
from governance.api.base import ScopedReadOnlyViewSet, ScopedViewSet, verb
from governance.api.views import scoped_get
from services import actions, filtersets as f, selectors
from services.models import (
    Allocation, Errand, Expenditure, Fund, JointActivity, MemberReport, MenuItem, MicroWish, MicroWork, Order,
    OrderEvent, ServiceCenterFacility, ServiceHour, UnitReport, VolunteerActivity, VolunteerTeam,
)

from . import serializers as s


def _out(viewset, obj, code=status.HTTP_200_OK):
    return Response(viewset.get_serializer(viewset.get_queryset().get(pk=obj.pk)).data, status=code)


def _input(serializer_class, request):
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


class MenuItemViewSet(ScopedViewSet):
    """大工委列清单: the service menu."""

    queryset = MenuItem.objects.all()
    selector = selectors.menu_item_list
    serializer_class = s.MenuItemSerializer
    filterset_class = f.MenuItemFilterSet

    create = verb(actions.menu_item_create, input=s.MenuItemCreateSerializer, detail=False, reread=True)
    withdraw = verb(actions.menu_item_withdraw, pk_arg="item_id", reread=True)


class OrderViewSet(ScopedViewSet):
    """群众下订单 — 大党委派订单 — 部门单位接单 — 办结 — 评价. A lost race answers 409. Each step is one action whose
    scoped load is the 404 and whose returned order, loaded with what the answer shows, is the answer."""

    queryset = Order.objects.all()
    selector = selectors.order_list
    serializer_class = s.OrderSerializer
    filterset_class = f.OrderFilterSet

    create = verb(actions.order_place, input=s.OrderPlaceSerializer, detail=False)
    dispatch_order = verb(actions.order_dispatch, input=s.OrderDispatchSerializer, pk_arg="order_id",
                          url_path="dispatch")
    accept = verb(actions.order_accept, pk_arg="order_id")
    hand_back = verb(actions.order_hand_back, input=s.ReasonSerializer, pk_arg="order_id", url_path="hand-back")
    complete = verb(actions.order_complete, input=s.NoteSerializer, pk_arg="order_id")
    confirm = verb(actions.order_confirm, input=s.RatingSerializer, pk_arg="order_id")
    reopen = verb(actions.order_reopen, input=s.ReasonSerializer, pk_arg="order_id")
    cancel = verb(actions.order_cancel, input=s.OptionalReasonSerializer, pk_arg="order_id")


class OrderEventViewSet(ScopedReadOnlyViewSet):
    queryset = OrderEvent.objects.all()
    selector = selectors.order_event_list
    serializer_class = s.OrderEventSerializer
    filterset_class = f.OrderEventFilterSet


class UnitReportViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """单位双报到."""

    queryset = UnitReport.objects.all()
    selector = selectors.unit_report_list
    serializer_class = s.UnitReportSerializer
    filterset_class = f.UnitReportFilterSet

    @extend_schema(request=s.UnitReportCreateSerializer, responses={201: s.UnitReportSerializer})
    def create(self, request, *args, **kwargs):
        d = _input(s.UnitReportCreateSerializer, request)
        unit = scoped_get(selectors.unit_list(user=request.user), d["unit"])
        community = _village(d["community"])  # the action decides whether this actor may report there
        report = actions.unit_report_create(actor=request.user, unit=unit, community=community,
                                            commitments=d["commitments"])
        return _out(self, report, status.HTTP_201_CREATED)


def _village(region_id):
    """Units and party members report to any village/community of the county (the names are public)."""
    from governance.models import Region

    return scoped_get(Region.objects.filter(level=Region.Level.VILLAGE), region_id)


class JointActivityViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """六联动 activities."""

    queryset = JointActivity.objects.all()
    selector = selectors.joint_activity_list
    serializer_class = s.JointActivitySerializer
    filterset_class = f.JointActivityFilterSet

    @extend_schema(request=s.JointActivityCreateSerializer, responses={201: s.JointActivitySerializer})
    def create(self, request, *args, **kwargs):
        d = _input(s.JointActivityCreateSerializer, request)
        report = scoped_get(selectors.unit_report_list(user=request.user), d["report"])
        act = actions.joint_activity_record(actor=request.user, report_id=report.pk, heading=d["heading"],
                                            title=d["title"], held_on=d["held_on"], participants=d["participants"],
                                            description=d["description"])
        return _out(self, act, status.HTTP_201_CREATED)


class MemberReportViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """党员双报到, with each member's hours this year; `log-hours` records 双服务 hours."""

    queryset = MemberReport.objects.all()
    selector = selectors.member_report_list
    serializer_class = s.MemberReportSerializer
    filterset_class = f.MemberReportFilterSet

    @extend_schema(request=s.MemberReportCreateSerializer, responses={201: s.MemberReportSerializer})
    def create(self, request, *args, **kwargs):
        d = _input(s.MemberReportCreateSerializer, request)
        community = _village(d["community"])
        report = actions.member_report_create(actor=request.user, community=community, name=d["name"],
                                              workplace=d["workplace"])
        return _out(self, report, status.HTTP_201_CREATED)

    @extend_schema(request=s.ServiceHourCreateSerializer, responses={201: s.ServiceHourSerializer})
    @action(detail=True, methods=["post"], url_path="log-hours")
    def log_hours(self, request, pk=None):
        report = self.get_object()
        d = _input(s.ServiceHourCreateSerializer, request)
        row = actions.service_hour_log(actor=request.user, report_id=report.pk, served_on=d["served_on"],
                                       hours=d["hours"], activity=d["activity"])
        return Response(s.ServiceHourSerializer(row).data, status=status.HTTP_201_CREATED)


class ServiceHourViewSet(ScopedReadOnlyViewSet):
    queryset = ServiceHour.objects.all()
    selector = selectors.service_hour_list
    serializer_class = s.ServiceHourSerializer
    filterset_class = f.ServiceHourFilterSet


class MicroWorkViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """微实事 and service-center projects: propose → decide → start → accept (with photos)."""

    queryset = MicroWork.objects.all()
    selector = selectors.micro_work_list
    serializer_class = s.MicroWorkSerializer
    filterset_class = f.MicroWorkFilterSet

    @extend_schema(request=s.MicroWorkCreateSerializer, responses={201: s.MicroWorkSerializer})
    def create(self, request, *args, **kwargs):
        d = _input(s.MicroWorkCreateSerializer, request)
        region = scoped_get(core.region_list(user=request.user), d["region"])
        category = scoped_get(WorkCategory.objects.all(), d["category"]) if d["category"] else None
        facility = scoped_get(selectors.facility_list(user=request.user), d["facility"]) if d["facility"] else None
        work = actions.micro_work_propose(actor=request.user, region=region, title=d["title"],
                                          budget_fen=d["budget_fen"], description=d["description"], category=category,
                                          kind=d["kind"], facility=facility)
        return _out(self, work, status.HTTP_201_CREATED)

    @extend_schema(request=s.DecisionSerializer, responses={200: s.MicroWorkSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        work = self.get_object()
        d = _input(s.DecisionSerializer, request)
        return _out(self, actions.micro_work_decide(actor=request.user, work_id=work.pk, approve=d["approve"],
                                                    note=d["note"]))

    @extend_schema(request=None, responses={200: s.MicroWorkSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        work = self.get_object()
        return _out(self, actions.micro_work_start(actor=request.user, work_id=work.pk))

    @extend_schema(request={"multipart/form-data": s.AcceptanceSerializer}, responses={200: s.MicroWorkSerializer})
    @action(detail=True, methods=["post"], url_path="accept", parser_classes=[MultiPartParser])
    def accept_work(self, request, pk=None):
        work = self.get_object()
        ser = s.AcceptanceSerializer(data={"note": request.data.get("note", ""),
                                           "photos": request.FILES.getlist("photos")})
        ser.is_valid(raise_exception=True)
        return _out(self, actions.micro_work_accept(actor=request.user, work_id=work.pk, note=ser.validated_data["note"],
                                                    photos=ser.validated_data["photos"]))


class FacilityViewSet(ScopedReadOnlyViewSet):
    queryset = ServiceCenterFacility.objects.all()
    selector = selectors.facility_list
    serializer_class = s.FacilitySerializer
    filterset_class = f.FacilityFilterSet


class FundViewSet(ScopedReadOnlyViewSet):
    queryset = Fund.objects.all()
    selector = selectors.fund_list
    serializer_class = s.FundSerializer
    filterset_class = f.FundFilterSet


class AllocationViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """Fund → work. Never more than the fund has left, checked under a row lock."""

    queryset = Allocation.objects.all()
    selector = selectors.allocation_list
    serializer_class = s.AllocationSerializer
    filterset_class = f.AllocationFilterSet

    @extend_schema(request=s.AllocationCreateSerializer, responses={201: s.AllocationSerializer})
    def create(self, request, *args, **kwargs):
        d = _input(s.AllocationCreateSerializer, request)
        fund = scoped_get(selectors.fund_list(user=request.user), d["fund"])
        alloc = actions.allocation_create(actor=request.user, fund_id=fund.pk, work_id=d["work"],
                                          amount_fen=d["amount_fen"])
        return _out(self, alloc, status.HTTP_201_CREATED)


class ExpenditureViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """Allocation → expenditure (with a receipt number). Never more than the allocation has left."""

    queryset = Expenditure.objects.all()
    selector = selectors.expenditure_list
    serializer_class = s.ExpenditureSerializer
    filterset_class = f.ExpenditureFilterSet

    @extend_schema(request=s.ExpenditureCreateSerializer, responses={201: s.ExpenditureSerializer})
    def create(self, request, *args, **kwargs):
        d = _input(s.ExpenditureCreateSerializer, request)
        alloc = scoped_get(selectors.allocation_list(user=request.user), d["allocation"])
        exp = actions.expenditure_record(actor=request.user, allocation_id=alloc.pk, amount_fen=d["amount_fen"],
                                         payee=d["payee"], purpose=d["purpose"], receipt_number=d["receipt_number"],
                                         spent_on=d["spent_on"])
        return _out(self, exp, status.HTTP_201_CREATED)


class MicroWishViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """微心愿: posted → claimed → fulfilled → confirmed."""

    queryset = MicroWish.objects.all()
    selector = selectors.micro_wish_list
    serializer_class = s.MicroWishSerializer
    filterset_class = f.MicroWishFilterSet

    @extend_schema(request=s.MicroWishCreateSerializer, responses={201: s.MicroWishSerializer})
    def create(self, request, *args, **kwargs):
        d = _input(s.MicroWishCreateSerializer, request)
        resident = scoped_get(core.resident_list(user=request.user), d["resident"])
        return _out(self, actions.micro_wish_post(actor=request.user, resident=resident, title=d["title"]),
                    status.HTTP_201_CREATED)

    @extend_schema(request=s.WishClaimSerializer, responses={200: s.MicroWishSerializer})
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        wish = self.get_object()
        d = _input(s.WishClaimSerializer, request)
        unit = scoped_get(selectors.unit_list(user=request.user), d["unit"]) if d["unit"] else None
        return _out(self, actions.micro_wish_claim(actor=request.user, wish_id=wish.pk, unit=unit))

    @extend_schema(request=s.NoteSerializer, responses={200: s.MicroWishSerializer})
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        wish = self.get_object()
        d = _input(s.NoteSerializer, request)
        return _out(self, actions.micro_wish_fulfil(actor=request.user, wish_id=wish.pk, note=d["note"]))

    @extend_schema(request=None, responses={200: s.MicroWishSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        wish = self.get_object()
        return _out(self, actions.micro_wish_confirm(actor=request.user, wish_id=wish.pk))


class ErrandViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """一门一网 全程代办: the village assistant runs a government errand for a villager."""

    queryset = Errand.objects.all()
    selector = selectors.errand_list
    serializer_class = s.ErrandSerializer
    filterset_class = f.ErrandFilterSet

    @extend_schema(request=s.ErrandCreateSerializer, responses={201: s.ErrandSerializer})
    def create(self, request, *args, **kwargs):
        d = _input(s.ErrandCreateSerializer, request)
        resident = scoped_get(core.resident_list(user=request.user), d["resident"])
        errand = actions.errand_create(actor=request.user, resident=resident, kind=d["kind"], title=d["title"],
                                       detail=d["detail"])
        return _out(self, errand, status.HTTP_201_CREATED)

    @extend_schema(request=s.ErrandAdvanceSerializer, responses={200: s.ErrandSerializer})
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        errand = self.get_object()
        d = _input(s.ErrandAdvanceSerializer, request)
        return _out(self, actions.errand_advance(actor=request.user, errand_id=errand.pk, to_status=d["to_status"],
                                                 note=d["note"]))


class VolunteerTeamViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """党员志愿服务队 with hours totals; `activities` records one activity with each member's hours."""

    queryset = VolunteerTeam.objects.all()
    selector = selectors.volunteer_team_list
    serializer_class = s.VolunteerTeamSerializer
    filterset_class = f.VolunteerTeamFilterSet

    @extend_schema(request=s.VolunteerTeamCreateSerializer, responses={201: s.VolunteerTeamSerializer})
    def create(self, request, *args, **kwargs):
        d = _input(s.VolunteerTeamCreateSerializer, request)
        region = scoped_get(core.region_list(user=request.user), d["region"])
        team = actions.volunteer_team_create(actor=request.user, region=region, name=d["name"],
                                             leader_name=d["leader_name"], members=d["members"])
        return _out(self, team, status.HTTP_201_CREATED)

    @extend_schema(request=s.VolunteerActivityCreateSerializer, responses={201: s.VolunteerActivitySerializer})
    @action(detail=True, methods=["post"], url_path="activities")
    def record_activity(self, request, pk=None):
        team = self.get_object()
        d = _input(s.VolunteerActivityCreateSerializer, request)
        act = actions.volunteer_activity_record(actor=request.user, team_id=team.pk, title=d["title"],
                                                held_on=d["held_on"], place=d["place"],
                                                hours={h["volunteer"]: h["hours"] for h in d["hours"]})
        row = selectors.volunteer_activity_list(user=request.user).get(pk=act.pk)
        return Response(s.VolunteerActivitySerializer(row).data, status=status.HTTP_201_CREATED)


class VolunteerActivityViewSet(ScopedReadOnlyViewSet):
    queryset = VolunteerActivity.objects.all()
    selector = selectors.volunteer_activity_list
    serializer_class = s.VolunteerActivitySerializer
    filterset_class = f.VolunteerActivityFilterSet



