from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
for prefix, viewset in [
    ("centers", views.CenterViewSet),
    ("work-categories", views.WorkCategoryViewSet),
    ("units", views.UnitViewSet),
    ("work-items", views.WorkItemViewSet),
    ("township-modes", views.TownshipModeViewSet),
    ("mode-switches", views.ModeSwitchViewSet),
    ("staff-assignments", views.StaffAssignmentViewSet),
    ("clusters", views.ClusterViewSet),
    ("village-contacts", views.VillageContactViewSet),
    ("party-organizations", views.PartyOrganizationViewSet),
    ("committee-seats", views.CommitteeSeatViewSet),
    ("party-members", views.PartyMemberViewSet),
    ("pioneer-posts", views.PioneerPostViewSet),
    ("candidates", views.CandidateViewSet),
    ("pipeline-steps", views.PipelineStepViewSet),
    ("stage-rules", views.StageRuleViewSet),
    ("reserves", views.ReserveCadreViewSet),
    ("reserve-shortfalls", views.ReserveShortfallViewSet),
    ("courses", views.CourseViewSet),
    ("training-sessions", views.TrainingSessionViewSet),
    ("attendance", views.AttendanceViewSet),
    ("training-requirements", views.TrainingRequirementViewSet),
    ("committee-posts", views.CommitteePostViewSet),
    ("star-rules", views.StarRuleViewSet),
    ("secretary-ratings", views.SecretaryRatingViewSet),
    ("lead-goose-measures", views.LeadGooseMeasureViewSet),
    ("lead-goose-marks", views.LeadGooseMarkViewSet),
]:
    router.register(prefix, viewset, basename=f"centers-{prefix}")

urlpatterns = router.urls
