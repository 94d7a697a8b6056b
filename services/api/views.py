"""The services/ API: viewsets are configuration; every write is one action, declared with `verb` (its input's
references resolved inside the caller's scope by ScopedRef: a 400 on the field otherwise; a detail verb's object
out of sight is a 404 before the body is read)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser

from governance.api.base import ScopedReadOnlyViewSet, ScopedViewSet, verb
from services import actions, filtersets as f, selectors
from services.models import (
    Allocation, Errand, Expenditure, Fund, JointActivity, MemberReport, MenuItem, MicroWish, MicroWork, Order,
    OrderEvent, ServiceCenterFacility, ServiceHour, UnitReport, VolunteerActivity, VolunteerTeam,
)

from . import serializers as s


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


class UnitReportViewSet(ScopedViewSet):
    """单位双报到."""

    queryset = UnitReport.objects.all()
    selector = selectors.unit_report_list
    serializer_class = s.UnitReportSerializer
    filterset_class = f.UnitReportFilterSet

    create = verb(actions.unit_report_create, input=s.UnitReportCreateSerializer, detail=False, reread=True)


class JointActivityViewSet(ScopedViewSet):
    """六联动 activities."""

    queryset = JointActivity.objects.all()
    selector = selectors.joint_activity_list
    serializer_class = s.JointActivitySerializer
    filterset_class = f.JointActivityFilterSet

    create = verb(actions.joint_activity_record, input=s.JointActivityCreateSerializer, detail=False)


class MemberReportViewSet(ScopedViewSet):
    """党员双报到, with each member's hours this year; `log-hours` records 双服务 hours."""

    queryset = MemberReport.objects.all()
    selector = selectors.member_report_list
    serializer_class = s.MemberReportSerializer
    filterset_class = f.MemberReportFilterSet

    create = verb(actions.member_report_create, input=s.MemberReportCreateSerializer, detail=False, reread=True)
    log_hours = verb(actions.service_hour_log, input=s.ServiceHourCreateSerializer, pk_arg="report_id",
                     url_path="log-hours", output=s.ServiceHourSerializer, status=status.HTTP_201_CREATED)


class ServiceHourViewSet(ScopedReadOnlyViewSet):
    queryset = ServiceHour.objects.all()
    selector = selectors.service_hour_list
    serializer_class = s.ServiceHourSerializer
    filterset_class = f.ServiceHourFilterSet


class MicroWorkViewSet(ScopedViewSet):
    """微实事 and service-center projects: propose → decide → start → accept (with photos: multipart)."""

    queryset = MicroWork.objects.all()
    selector = selectors.micro_work_list
    serializer_class = s.MicroWorkSerializer
    filterset_class = f.MicroWorkFilterSet

    create = verb(actions.micro_work_propose, input=s.MicroWorkCreateSerializer, detail=False, reread=True)
    decide = verb(actions.micro_work_decide, input=s.DecisionSerializer, pk_arg="work_id", reread=True)
    start = verb(actions.micro_work_start, pk_arg="work_id", reread=True)
    accept_work = verb(actions.micro_work_accept, input=s.AcceptanceSerializer, pk_arg="work_id", url_path="accept",
                       reread=True)

    def get_parsers(self):
        if getattr(self, "action", None) == "accept_work":  # the acceptance uploads photos
            return [MultiPartParser()]
        return super().get_parsers()


# The acceptance's body is a form with files, not JSON.
extend_schema(request={"multipart/form-data": s.AcceptanceSerializer})(MicroWorkViewSet.accept_work)


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


class AllocationViewSet(ScopedViewSet):
    """Fund → work. Never more than the fund has left, checked under a row lock."""

    queryset = Allocation.objects.all()
    selector = selectors.allocation_list
    serializer_class = s.AllocationSerializer
    filterset_class = f.AllocationFilterSet

    create = verb(actions.allocation_create, input=s.AllocationCreateSerializer, detail=False)


class ExpenditureViewSet(ScopedViewSet):
    """Allocation → expenditure (with a receipt number). Never more than the allocation has left."""

    queryset = Expenditure.objects.all()
    selector = selectors.expenditure_list
    serializer_class = s.ExpenditureSerializer
    filterset_class = f.ExpenditureFilterSet

    create = verb(actions.expenditure_record, input=s.ExpenditureCreateSerializer, detail=False)


class MicroWishViewSet(ScopedViewSet):
    """微心愿: posted → claimed → fulfilled → confirmed."""

    queryset = MicroWish.objects.all()
    selector = selectors.micro_wish_list
    serializer_class = s.MicroWishSerializer
    filterset_class = f.MicroWishFilterSet

    create = verb(actions.micro_wish_post, input=s.MicroWishCreateSerializer, detail=False)
    claim = verb(actions.micro_wish_claim, input=s.WishClaimSerializer, pk_arg="wish_id")
    fulfil = verb(actions.micro_wish_fulfil, input=s.NoteSerializer, pk_arg="wish_id")
    confirm = verb(actions.micro_wish_confirm, pk_arg="wish_id")


class ErrandViewSet(ScopedViewSet):
    """一门一网 全程代办: the village assistant runs a government errand for a villager."""

    queryset = Errand.objects.all()
    selector = selectors.errand_list
    serializer_class = s.ErrandSerializer
    filterset_class = f.ErrandFilterSet

    create = verb(actions.errand_create, input=s.ErrandCreateSerializer, detail=False)
    advance = verb(actions.errand_advance, input=s.ErrandAdvanceSerializer, pk_arg="errand_id")


class VolunteerTeamViewSet(ScopedViewSet):
    """党员志愿服务队 with hours totals; `activities` records one activity with each member's hours."""

    queryset = VolunteerTeam.objects.all()
    selector = selectors.volunteer_team_list
    serializer_class = s.VolunteerTeamSerializer
    filterset_class = f.VolunteerTeamFilterSet

    create = verb(actions.volunteer_team_create, input=s.VolunteerTeamCreateSerializer, detail=False, reread=True)
    record_activity = verb(actions.volunteer_activity_record, input=s.VolunteerActivityCreateSerializer,
                           pk_arg="team_id", url_path="activities", output=s.VolunteerActivitySerializer,
                           status=status.HTTP_201_CREATED)


class VolunteerActivityViewSet(ScopedReadOnlyViewSet):
    queryset = VolunteerActivity.objects.all()
    selector = selectors.volunteer_activity_list
    serializer_class = s.VolunteerActivitySerializer
    filterset_class = f.VolunteerActivityFilterSet
