from django.urls import path

from . import views

app_name = "departments"

urlpatterns = [
    path("", views.DepartmentListView.as_view(), name="department_list"),
    path("add/", views.DepartmentAddView.as_view(), name="department_add"),
    path("<int:pk>/", views.DepartmentDetailView.as_view(), name="department_detail"),
    path("<int:pk>/staff/add/", views.DepartmentStaffAddView.as_view(), name="department_staff_add"),
    path("catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("catalogue/add/", views.CatalogueAddView.as_view(), name="catalogue_add"),
    path("catalogue/<int:pk>/edit/", views.CatalogueEditView.as_view(), name="catalogue_edit"),
    path("assignments/", views.AssignmentListView.as_view(), name="assignment_list"),
    path("assignments/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment_detail"),
    path("assignments/<int:pk>/accept/", views.AssignmentAcceptView.as_view(), name="assignment_accept"),
    path("assignments/<int:pk>/report/", views.AssignmentReportView.as_view(), name="assignment_report"),
    path("assignments/<int:pk>/assist/", views.AssignmentAssistView.as_view(), name="assignment_assist"),
    path("assignments/<int:pk>/hand-back/", views.AssignmentHandBackView.as_view(), name="assignment_hand_back"),
    path("assignments/<int:pk>/confirm/", views.AssignmentConfirmView.as_view(), name="assignment_confirm"),
    path("assignments/<int:pk>/return/", views.AssignmentReturnView.as_view(), name="assignment_return"),
    path("assignments/<int:pk>/reassign/", views.AssignmentReassignView.as_view(), name="assignment_reassign"),
    path("issues/<int:pk>/route/", views.IssueRouteView.as_view(), name="issue_route"),
    path("supervisions/", views.SupervisionListView.as_view(), name="supervision_list"),
    path("supervisions/add/", views.SupervisionAddView.as_view(), name="supervision_add"),
    path("supervisions/<int:pk>/", views.SupervisionDetailView.as_view(), name="supervision_detail"),
    path("supervisions/<int:pk>/close/", views.SupervisionCloseView.as_view(), name="supervision_close"),
    path("whistles/", views.WhistleListView.as_view(), name="whistle_list"),
    path("whistles/add/", views.WhistleAddView.as_view(), name="whistle_add"),
    path("whistles/<int:pk>/", views.WhistleDetailView.as_view(), name="whistle_detail"),
    path("whistles/<int:pk>/close/", views.WhistleCloseView.as_view(), name="whistle_close"),
    path("calls/<int:pk>/acknowledge/", views.CallAcknowledgeView.as_view(), name="call_acknowledge"),
    path("calls/<int:pk>/attendance/", views.CallAttendanceView.as_view(), name="call_attendance"),
    path("units/", views.UnitSupervisorListView.as_view(), name="unit_supervisor_list"),
    path("units/set/", views.UnitSupervisorSetView.as_view(), name="unit_supervisor_set"),
    path("stationed/", views.StationedListView.as_view(), name="stationed_list"),
    path("stationed/add/", views.StationView.as_view(), name="stationed_add"),
    path("stationed/<int:pk>/", views.StationedDetailView.as_view(), name="stationed_detail"),
    path("stationed/<int:pk>/end/", views.StationedEndView.as_view(), name="stationed_end"),
    path("stationed/<int:pk>/visit/", views.StationedVisitView.as_view(), name="stationed_visit"),
    path("scorecard/", views.ScorecardView.as_view(), name="scorecard"),
]
