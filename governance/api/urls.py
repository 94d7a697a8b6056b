from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("regions", views.RegionViewSet)
router.register("households", views.HouseholdViewSet)
router.register("residents", views.ResidentViewSet)
router.register("role-assignments", views.RoleAssignmentViewSet)
router.register("audit", views.AuditEntryViewSet)
router.register("staff-accounts", views.AccountViewSet)
router.register("notifications", views.NotificationViewSet)

urlpatterns = router.urls

# /api/v1/auth/: the caller's own tokens (obtaining one and logging out are plain views in governance.urls).
auth_router = DefaultRouter()
auth_router.include_root_view = False
auth_router.register("tokens", views.ApiTokenViewSet, basename="api_tokens")

auth_urlpatterns = auth_router.urls
