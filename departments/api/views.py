"""The departments API: configuration on the scoped bases; every write a declared verb."""
from governance.api.base import ScopedReadOnlyViewSet, ScopedViewSet, verb

from departments import actions, selectors
from departments.filtersets import (
    AssignmentFilterSet,
    CatalogueFilterSet,
    DepartmentFilterSet,
    StationedCadreFilterSet,
    StationedVisitFilterSet,
    SupervisionFilterSet,
    UnitSupervisorFilterSet,
    WhistleCallFilterSet,
    WhistleFilterSet,
)
from departments.models import (
    Department,
    DepartmentAssignment,
    MatterCatalogueItem,
    StationedCadre,
    StationedVisit,
    Supervision,
    UnitSupervisor,
    Whistle,
    WhistleCall,
)

from . import serializers as s


class DepartmentViewSet(ScopedViewSet):
    queryset = Department.objects.all()
    selector = selectors.department_list
    serializer_class = s.DepartmentSerializer
    filterset_class = DepartmentFilterSet

    create = verb(actions.department_create, input=s.DepartmentWriteSerializer, detail=False, reread=True,
                  doc="The county adds a line department.")


class CatalogueViewSet(ScopedViewSet):
    queryset = MatterCatalogueItem.objects.all()
    selector = selectors.catalogue_list
    serializer_class = s.CatalogueItemSerializer
    filterset_class = CatalogueFilterSet

    create = verb(actions.catalogue_item_create, input=s.CatalogueItemWriteSerializer, detail=False,
                  doc="事项清单: the county adds a matter (level, competent department, SLA days, plain words).")
    edit = verb(actions.catalogue_item_edit, input=s.CatalogueItemWriteSerializer, pk_arg="item_id")


class AssignmentViewSet(ScopedViewSet):
    """部门交办: 签收 — (商请协办) — 报告办结 — 乡镇确认; 退回 with a reason; 改派 by the org department."""

    queryset = DepartmentAssignment.objects.all()
    selector = selectors.assignment_list
    serializer_class = s.AssignmentSerializer
    filterset_class = AssignmentFilterSet

    accept = verb(actions.assignment_accept, pk_arg="assignment_id")
    report = verb(actions.assignment_report, input=s.ResultSerializer, pk_arg="assignment_id")
    assist = verb(actions.assignment_request_assist, input=s.AssistSerializer, pk_arg="assignment_id", status=201,
                  doc="主办 asks another department to co-handle a part; answers the new 协办 assignment.")
    hand_back = verb(actions.assignment_hand_back, input=s.ReasonSerializer, pk_arg="assignment_id", url_path="hand-back")
    confirm = verb(actions.assignment_confirm, pk_arg="assignment_id")
    return_report = verb(actions.assignment_return_report, input=s.ReasonSerializer, pk_arg="assignment_id",
                         url_path="return")
    reassign = verb(actions.assignment_reassign, input=s.ReassignSerializer, pk_arg="assignment_id", status=201,
                    doc="The org department moves the matter to another department; answers the new 主办 assignment.")


class SupervisionViewSet(ScopedViewSet):
    queryset = Supervision.objects.all()
    selector = selectors.supervision_list
    serializer_class = s.SupervisionSerializer
    filterset_class = SupervisionFilterSet

    create = verb(actions.supervision_open, input=s.SupervisionOpenSerializer, detail=False)
    close = verb(actions.supervision_close, input=s.NoteSerializer, pk_arg="supervision_id")


class WhistleViewSet(ScopedViewSet):
    queryset = Whistle.objects.all()
    selector = selectors.whistle_list
    serializer_class = s.WhistleSerializer
    filterset_class = WhistleFilterSet

    create = verb(actions.whistle_blow, input=s.WhistleBlowSerializer, detail=False,
                  doc="吹哨: the issue's township names the departments that must report by the deadline.")
    close = verb(actions.whistle_close, input=s.OutcomeSerializer, pk_arg="whistle_id")


class WhistleCallViewSet(ScopedViewSet):
    queryset = WhistleCall.objects.all()
    selector = selectors.call_list
    serializer_class = s.WhistleCallSerializer
    filterset_class = WhistleCallFilterSet

    acknowledge = verb(actions.call_acknowledge, input=s.AcknowledgeSerializer, pk_arg="call_id")
    attendance = verb(actions.call_attendance, input=s.AttendanceSerializer, pk_arg="call_id")


class UnitSupervisorViewSet(ScopedReadOnlyViewSet):
    queryset = UnitSupervisor.objects.all()
    selector = selectors.unit_supervisor_list
    serializer_class = s.UnitSupervisorSerializer
    filterset_class = UnitSupervisorFilterSet


class StationedCadreViewSet(ScopedViewSet):
    """驻村干部: 选派 (the county or the village's township), 结束任期 with a reason, 记录驻村工作."""

    queryset = StationedCadre.objects.all()
    selector = selectors.stationed_list
    serializer_class = s.StationedCadreSerializer
    filterset_class = StationedCadreFilterSet

    create = verb(actions.stationed_cadre_station, input=s.StationSerializer, detail=False, reread=True)
    end = verb(actions.stationed_cadre_end, input=s.StationEndSerializer, pk_arg="cadre_id", reread=True)
    visit = verb(actions.stationed_visit_log, input=s.VisitLogSerializer, pk_arg="cadre_id", status=201,
                 output=s.StationedVisitSerializer, doc="Log a day's work in the village; answers the new record.")


class StationedVisitViewSet(ScopedReadOnlyViewSet):
    queryset = StationedVisit.objects.all()
    serializer_class = s.StationedVisitSerializer
    filterset_class = StationedVisitFilterSet
