from django.urls import path

from . import views

app_name = "centers"

urlpatterns = [
    path("queue/", views.WorkItemListView.as_view(), name="work_item_list"),
    path("queue/<int:pk>/", views.WorkItemDetailView.as_view(), name="work_item_detail"),
    path("queue/<int:pk>/take/", views.work_item_take, name="work_item_take"),
    path("queue/<int:pk>/assign/", views.WorkItemAssignView.as_view(), name="work_item_assign"),
    path("queue/<int:pk>/complete/", views.work_item_complete, name="work_item_complete"),
    path("assignments/", views.AssignmentListView.as_view(), name="assignment_list"),
    path("assignments/add/", views.AssignmentCreateView.as_view(), name="assignment_add"),
    path("townships/<int:pk>/mode/", views.ModeSwitchView.as_view(), name="mode_switch"),
    path("clusters/", views.ClusterListView.as_view(), name="cluster_list"),
    path("clusters/add/", views.ClusterCreateView.as_view(), name="cluster_add"),
    path("contacts/add/", views.ContactCreateView.as_view(), name="contact_add"),
    path("organizations/", views.OrganizationListView.as_view(), name="organization_list"),
    path("organizations/<int:pk>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("members/", views.MemberListView.as_view(), name="member_list"),
    path("pioneers/", views.PioneerListView.as_view(), name="pioneer_list"),
    path("pipeline/", views.CandidateListView.as_view(), name="candidate_list"),
    path("pipeline/add/", views.CandidateCreateView.as_view(), name="candidate_add"),
    path("pipeline/<int:pk>/", views.CandidateDetailView.as_view(), name="candidate_detail"),
    path("pipeline/<int:pk>/propose/", views.StepProposeView.as_view(), name="step_propose"),
    path("steps/<int:pk>/approve/", views.step_approve, name="step_approve"),
    path("steps/<int:pk>/reject/", views.StepRejectView.as_view(), name="step_reject"),
    path("steps/<int:pk>/file/", views.step_file, name="step_file"),
    path("reserves/", views.ReserveListView.as_view(), name="reserve_list"),
    path("reserves/add/", views.ReserveCreateView.as_view(), name="reserve_add"),
    path("reserves/<int:pk>/remove/", views.ReserveRemoveView.as_view(), name="reserve_remove"),
    path("training/", views.SessionListView.as_view(), name="session_list"),
    path("training/courses/add/", views.CourseCreateView.as_view(), name="course_add"),
    path("training/sessions/add/", views.SessionCreateView.as_view(), name="session_add"),
    path("training/sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session_detail"),
    path("training/sessions/<int:pk>/attendance/", views.AttendanceCreateView.as_view(), name="attendance_add"),
    path("training/behind/", views.TrainingBehindView.as_view(), name="training_behind"),
    path("committees/", views.CommitteePostListView.as_view(), name="committee_post_list"),
    path("committees/add/", views.CommitteePostCreateView.as_view(), name="committee_post_add"),
    path("ratings/", views.RatingListView.as_view(), name="rating_list"),
    path("ratings/add/", views.RatingCreateView.as_view(), name="rating_add"),
    path("ratings/lead-goose/", views.LeadGooseCreateView.as_view(), name="lead_goose_add"),
]
