from django.urls import path
from django.utils.translation import gettext_lazy as _

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
    path("issues/<int:pk>/accept/", views.verb_view("accept", _("受理")).as_view(), name="issue_accept"),
    path("issues/<int:pk>/start/", views.verb_view("start", _("开始办理")).as_view(), name="issue_start"),
    path("issues/<int:pk>/resolve/", views.verb_view("resolve", _("办结"), _("办理结果"), True).as_view(), name="issue_resolve"),
    path("issues/<int:pk>/reject/", views.verb_view("reject", _("不予受理"), _("理由"), True).as_view(), name="issue_reject"),
    path("issues/<int:pk>/escalate/", views.verb_view("escalate", _("提级处置"), _("提级理由"), True).as_view(), name="issue_escalate"),
    path("issues/<int:pk>/confirm/", views.verb_view("confirm", _("确认办结")).as_view(), name="issue_confirm"),
    path("issues/<int:pk>/reopen/", views.verb_view("reopen", _("重新打开"), _("不满意的原因"), True).as_view(), name="issue_reopen"),
    path("issues/<int:pk>/comment/", views.verb_view("comment", _("备注"), _("备注内容"), True).as_view(), name="issue_comment"),
    path("issues/<int:pk>/assign/", views.IssueAssignView.as_view(), name="issue_assign"),
    path("issues/<int:pk>/attach/", views.IssueAttachView.as_view(), name="issue_attach"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/add/", views.VisitAddView.as_view(), name="visit_add"),
    path("major-events/", views.MajorEventListView.as_view(), name="major_event_list"),
    path("major-events/add/", views.MajorEventAddView.as_view(), name="major_event_add"),
    path("major-events/<int:pk>/", views.MajorEventDetailView.as_view(), name="major_event_detail"),
    path("major-tasks/<int:pk>/acknowledge/", views.MajorTaskAckView.as_view(), name="major_task_ack"),
    path("sla/", views.SLAListView.as_view(), name="sla_list"),
    path("sla/<int:pk>/", views.SLAEditView.as_view(), name="sla_edit"),
]
