from django.urls import path

from . import views

app_name = "grids"

urlpatterns = [
    path("", views.GridListView.as_view(), name="grid_list"),
    path("mine/", views.MyGridView.as_view(), name="my_grid"),
    path("<int:pk>/", views.GridDetailView.as_view(), name="grid_detail"),
    path("<int:pk>/members/add/", views.GridMemberAddView.as_view(), name="grid_member_add"),
    path("<int:pk>/responsibilities/assign/", views.ResponsibilityAssignView.as_view(), name="responsibility_assign"),
    path("issues/", views.IssueListView.as_view(), name="issue_list"),
    path("issues/report/", views.IssueReportView.as_view(), name="issue_report"),
    path("issues/overview/", views.IssueOverviewView.as_view(), name="overview"),
    path("issues/<int:pk>/", views.IssueDetailView.as_view(), name="issue_detail"),
    path("issues/<int:pk>/accept/", views.IssueAcceptView.as_view(), name="issue_accept"),
    path("issues/<int:pk>/start/", views.IssueStartView.as_view(), name="issue_start"),
    path("issues/<int:pk>/resolve/", views.IssueResolveView.as_view(), name="issue_resolve"),
    path("issues/<int:pk>/reject/", views.IssueRejectView.as_view(), name="issue_reject"),
    path("issues/<int:pk>/escalate/", views.IssueEscalateView.as_view(), name="issue_escalate"),
    path("issues/<int:pk>/confirm/", views.IssueConfirmView.as_view(), name="issue_confirm"),
    path("issues/<int:pk>/reopen/", views.IssueReopenView.as_view(), name="issue_reopen"),
    path("issues/<int:pk>/comment/", views.IssueCommentView.as_view(), name="issue_comment"),
    path("issues/<int:pk>/assign/", views.IssueAssignView.as_view(), name="issue_assign"),
    path("issues/<int:pk>/attach/", views.IssueAttachView.as_view(), name="issue_attach"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/add/", views.VisitAddView.as_view(), name="visit_add"),
    path("field/", views.FieldKitView.as_view(), name="field_kit"),
    path("field/visit/", views.FieldVisitView.as_view(), name="field_visit"),
    path("major-events/", views.MajorEventListView.as_view(), name="major_event_list"),
    path("major-events/add/", views.MajorEventAddView.as_view(), name="major_event_add"),
    path("major-events/<int:pk>/", views.MajorEventDetailView.as_view(), name="major_event_detail"),
    path("major-tasks/<int:pk>/acknowledge/", views.MajorTaskAckView.as_view(), name="major_task_ack"),
    path("sla/", views.SLAListView.as_view(), name="sla_list"),
    path("sla/<int:pk>/", views.SLAEditView.as_view(), name="sla_edit"),
]
