from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("grids", views.GridViewSet)
router.register("grid-members", views.GridMemberViewSet)
router.register("responsibilities", views.ResponsibilityViewSet)
router.register("issues", views.IssueViewSet)
router.register("visits", views.VisitViewSet)
router.register("major-events", views.MajorEventViewSet)
router.register("major-tasks", views.MajorEventTaskViewSet)
router.register("slas", views.EscalationSLAViewSet)

urlpatterns = [
    path("overview/", views.IssueOverviewView.as_view(), name="grids_api_overview"),
    *router.urls,
]
