from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("departments", views.DepartmentViewSet)
router.register("catalogue", views.CatalogueViewSet)
router.register("assignments", views.AssignmentViewSet)
router.register("supervisions", views.SupervisionViewSet)
router.register("whistles", views.WhistleViewSet)
router.register("whistle-calls", views.WhistleCallViewSet)
router.register("unit-supervisors", views.UnitSupervisorViewSet)
router.register("stationed-cadres", views.StationedCadreViewSet)
router.register("stationed-visits", views.StationedVisitViewSet)

urlpatterns = router.urls
