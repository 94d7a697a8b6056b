from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("menu-items", views.MenuItemViewSet)
router.register("orders", views.OrderViewSet)
router.register("order-events", views.OrderEventViewSet)
router.register("unit-reports", views.UnitReportViewSet)
router.register("joint-activities", views.JointActivityViewSet)
router.register("member-reports", views.MemberReportViewSet)
router.register("service-hours", views.ServiceHourViewSet)
router.register("micro-works", views.MicroWorkViewSet)
router.register("facilities", views.FacilityViewSet)
router.register("funds", views.FundViewSet)
router.register("allocations", views.AllocationViewSet)
router.register("expenditures", views.ExpenditureViewSet)
router.register("micro-wishes", views.MicroWishViewSet)
router.register("errands", views.ErrandViewSet)
router.register("volunteer-teams", views.VolunteerTeamViewSet)
router.register("volunteer-activities", views.VolunteerActivityViewSet)

urlpatterns = router.urls
