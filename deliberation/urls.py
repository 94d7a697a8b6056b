from django.urls import path

from . import views

app_name = "deliberation"

urlpatterns = [
    path("", views.TopicListView.as_view(), name="topic_list"),
    path("topics/add/", views.TopicCreateView.as_view(), name="topic_add"),
    path("topics/<int:pk>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("topics/<int:pk>/edit/", views.TopicEditView.as_view(), name="topic_edit"),
    path("topics/<int:pk>/open/", views.TopicOpenView.as_view(), name="topic_open"),
    path("topics/<int:pk>/close/", views.TopicCloseView.as_view(), name="topic_close"),
    path("topics/<int:pk>/vote/", views.TopicVoteView.as_view(), name="topic_vote"),
    path("topics/<int:pk>/vote/change/", views.TopicVoteChangeView.as_view(), name="topic_vote_change"),
    path("topics/<int:pk>/comment/", views.TopicCommentView.as_view(), name="topic_comment"),
    path("topics/<int:pk>/sign-in/", views.SignInView.as_view(), name="topic_sign_in"),
    path("topics/<int:pk>/tally/", views.HandTallyView.as_view(), name="topic_tally"),
    path("topics/<int:pk>/resolution/", views.ResolutionCreateView.as_view(), name="topic_resolution"),
    path("resolutions/", views.ResolutionListView.as_view(), name="resolution_list"),
    path("resolutions/<int:pk>/link/", views.ResolutionLinkView.as_view(), name="resolution_link"),
    path("resolutions/<int:pk>/note/", views.ResolutionNoteView.as_view(), name="resolution_note"),
    path("resolutions/<int:pk>/complete/", views.ResolutionCompleteView.as_view(), name="resolution_complete"),
    path("proposals/", views.ProposalListView.as_view(), name="proposal_list"),
    path("proposals/add/", views.ProposalCreateView.as_view(), name="proposal_add"),
    path("proposals/rules/", views.VillageCharterView.as_view(), name="proposal_rules"),
    path("proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"),
    path("proposals/<int:pk>/support/", views.ProposalSupportView.as_view(), name="proposal_support"),
    path("proposals/<int:pk>/schedule/", views.ProposalScheduleView.as_view(), name="proposal_schedule"),
    path("councils/", views.CouncilListView.as_view(), name="council_list"),
    path("councils/add/", views.CouncilCreateView.as_view(), name="council_add"),
    path("councils/<int:pk>/", views.CouncilDetailView.as_view(), name="council_detail"),
    path("councils/<int:pk>/members/add/", views.CouncilMemberAddView.as_view(), name="council_member_add"),
    path("members/<int:pk>/end/", views.CouncilMemberEndView.as_view(), name="council_member_end"),
]
