from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("standards/", views.StandardListView.as_view(), name="standard_list"),
    path("standards/add/", views.StandardCreateView.as_view(), name="standard_add"),
    path("standards/<int:pk>/", views.StandardDetailView.as_view(), name="standard_detail"),
    path("grades/", views.GradeListView.as_view(), name="grade_list"),
    path("records/", views.RecordListView.as_view(), name="record_list"),
    path("records/add/", views.RecordCreateView.as_view(), name="record_add"),
    path("records/<int:pk>/", views.RecordDetailView.as_view(), name="record_detail"),
    path("records/<int:pk>/verify/", views.RecordVerifyView.as_view(), name="record_verify"),
    path("records/<int:pk>/reject/", views.RecordRejectView.as_view(), name="record_reject"),
    path("reviews/", views.ReviewListView.as_view(), name="review_list"),
    path("reviews/bulk/", views.ReviewBulkView.as_view(), name="review_bulk"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path("reviews/<int:pk>/opinion/", views.ReviewOpinionView.as_view(), name="review_opinion"),
    path("reviews/<int:pk>/approve/", views.ReviewApproveView.as_view(), name="review_approve"),
    path("reviews/<int:pk>/send-back/", views.ReviewSendBackView.as_view(), name="review_send_back"),
    path("reviews/<int:pk>/object/", views.ObjectionCreateView.as_view(), name="objection_add"),
    path("notice/", views.NoticeListView.as_view(), name="notice_list"),
    path("me/", views.MyCreditView.as_view(), name="my_credit"),
    path("me/consents/add/", views.MyConsentCreateView.as_view(), name="my_consent_add"),
    path("consents/", views.ConsentListView.as_view(), name="consent_list"),
    path("consents/add/", views.ConsentCreateView.as_view(), name="consent_add"),
    path("consents/<int:pk>/revoke/", views.ConsentRevokeView.as_view(), name="consent_revoke"),
    path("objections/", views.ObjectionListView.as_view(), name="objection_list"),
    path("objections/<int:pk>/", views.ObjectionDetailView.as_view(), name="objection_detail"),
    path("objections/<int:pk>/answer/", views.ObjectionAnswerView.as_view(), name="objection_answer"),
    path("checks/", views.CheckListView.as_view(), name="check_list"),
    path("checks/add/", views.CheckCreateView.as_view(), name="check_add"),
    path("checks/bank/", views.UnitCheckView.as_view(), name="check_unit"),
    path("checks/<int:pk>/", views.CheckDetailView.as_view(), name="check_detail"),
    path("workers/", views.WorkerListView.as_view(), name="worker_list"),
    path("workers/add/", views.WorkerCreateView.as_view(), name="worker_add"),
    path("workers/<int:pk>/", views.WorkerDetailView.as_view(), name="worker_detail"),
    path("workers/<int:pk>/edit/", views.WorkerEditView.as_view(), name="worker_edit"),
    path("worker-requests/", views.WorkerRequestListView.as_view(), name="request_list"),
    path("worker-requests/add/", views.WorkerRequestCreateView.as_view(), name="request_add"),
    path("worker-requests/<int:pk>/", views.WorkerRequestDetailView.as_view(), name="request_detail"),
]
