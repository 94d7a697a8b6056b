from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("standards", views.StandardViewSet)
router.register("check-purposes", views.CheckPurposeViewSet)
router.register("records", views.CreditRecordViewSet)
router.register("grades", views.ResidentCreditViewSet)
router.register("reviews", views.ReviewViewSet)
router.register("objections", views.ObjectionViewSet)
router.register("consents", views.ConsentViewSet)
router.register("checks", views.GradeCheckViewSet)
router.register("certificates", views.CreditCertificateViewSet)
router.register("workers", views.DomesticWorkerViewSet)
router.register("worker-requests", views.WorkerRequestViewSet)
router.register("reviews-approve", views.ReviewsApproveViewSet, basename="credit-reviews-approve")

urlpatterns = [
    path("notice/", views.NoticeListView.as_view(), name="credit-notice"),
    *router.urls,
]
