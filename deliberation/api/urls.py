from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("topics", views.TopicViewSet)
router.register("comments", views.CommentViewSet)
router.register("votes", views.VoteViewSet)
router.register("proposals", views.ProposalViewSet)
router.register("attendance", views.AttendanceViewSet)
router.register("councils", views.CouncilViewSet)
router.register("resolutions", views.ResolutionViewSet)
router.register("supervision-notes", views.SupervisionNoteViewSet)
router.register("procedures", views.ProcedureViewSet)
router.register("ledger-months", views.LedgerMonthViewSet)
router.register("ledger-lines", views.LedgerLineViewSet)
router.register("ledger-questions", views.LedgerQuestionViewSet)
router.register("self-build", views.SelfBuildViewSet)

urlpatterns = router.urls
