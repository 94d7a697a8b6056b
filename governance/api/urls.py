from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("regions", views.RegionViewSet)
router.register("households", views.HouseholdViewSet)
router.register("residents", views.ResidentViewSet)
router.register("role-assignments", views.RoleAssignmentViewSet)
router.register("audit", views.AuditEntryViewSet)
router.register("notifications", views.NotificationViewSet)

urlpatterns = router.urls
