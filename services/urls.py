from django.urls import path

from . import views

app_name = "services"


def order_step(verb):
    return views.OrderActionView.as_view(verb=verb)


urlpatterns = [
    path("", views.ServicesHomeView.as_view(), name="services_home"),
    path("menu/", views.MenuListView.as_view(), name="menu_list"),
    path("menu/add/", views.MenuItemCreateView.as_view(), name="menu_add"),
    path("menu/<int:pk>/withdraw/", views.MenuItemWithdrawView.as_view(), name="menu_withdraw"),
    path("menu/<int:pk>/order/", views.OrderPlaceView.as_view(), name="order_place"),
    path("orders/", views.OrderListView.as_view(), name="order_list"),
    path("orders/mine/", views.MyOrdersView.as_view(), name="order_mine"),
    path("orders/dispatch/", views.DispatchQueueView.as_view(), name="order_dispatch_queue"),
    path("orders/inbox/", views.UnitInboxView.as_view(), name="order_inbox"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order_detail"),
    path("orders/<int:pk>/dispatch/", order_step("dispatch"), name="order_dispatch"),
    path("orders/<int:pk>/accept/", order_step("accept"), name="order_accept"),
    path("orders/<int:pk>/hand-back/", order_step("hand_back"), name="order_hand_back"),
    path("orders/<int:pk>/complete/", order_step("complete"), name="order_complete"),
    path("orders/<int:pk>/confirm/", order_step("confirm"), name="order_confirm"),
    path("orders/<int:pk>/reopen/", order_step("reopen"), name="order_reopen"),
    path("orders/<int:pk>/cancel/", order_step("cancel"), name="order_cancel"),
    path("micro-works/", views.MicroWorkBoardView.as_view(), name="micro_work_list"),
    path("micro-works/add/", views.MicroWorkCreateView.as_view(), name="micro_work_add"),
    path("micro-works/<int:pk>/", views.MicroWorkDetailView.as_view(), name="micro_work_detail"),
    path("micro-works/<int:pk>/decide/", views.MicroWorkActionView.as_view(verb="decide"), name="micro_work_decide"),
    path("micro-works/<int:pk>/allocate/", views.MicroWorkActionView.as_view(verb="allocate"), name="micro_work_allocate"),
    path("micro-works/<int:pk>/start/", views.MicroWorkActionView.as_view(verb="start"), name="micro_work_start"),
    path("micro-works/<int:pk>/accept/", views.MicroWorkActionView.as_view(verb="accept"), name="micro_work_accept"),
    path("allocations/<int:pk>/spend/", views.ExpenditureCreateView.as_view(), name="allocation_spend"),
    path("funds/", views.FundListView.as_view(), name="fund_list"),
    path("funds/<int:pk>/", views.FundDetailView.as_view(), name="fund_detail"),
    path("facilities/", views.FacilityListView.as_view(), name="facility_list"),
    path("wishes/", views.MicroWishListView.as_view(), name="micro_wish_list"),
    path("wishes/add/", views.MicroWishCreateView.as_view(), name="micro_wish_add"),
    path("wishes/<int:pk>/claim/", views.MicroWishActionView.as_view(verb="claim"), name="micro_wish_claim"),
    path("wishes/<int:pk>/fulfil/", views.MicroWishActionView.as_view(verb="fulfil"), name="micro_wish_fulfil"),
    path("wishes/<int:pk>/confirm/", views.MicroWishActionView.as_view(verb="confirm"), name="micro_wish_confirm"),
    path("errands/", views.ErrandListView.as_view(), name="errand_list"),
    path("errands/add/", views.ErrandCreateView.as_view(), name="errand_add"),
    path("errands/<int:pk>/", views.ErrandDetailView.as_view(), name="errand_detail"),
    path("errands/<int:pk>/advance/", views.ErrandAdvanceView.as_view(), name="errand_advance"),
    path("volunteers/", views.VolunteerTeamListView.as_view(), name="volunteer_team_list"),
    path("volunteers/add/", views.VolunteerTeamCreateView.as_view(), name="volunteer_team_add"),
    path("volunteers/<int:pk>/", views.VolunteerTeamDetailView.as_view(), name="volunteer_team_detail"),
    path("volunteers/<int:pk>/activity/", views.VolunteerActivityCreateView.as_view(), name="volunteer_activity_add"),
    path("reporting/", views.ReportingView.as_view(), name="reporting"),
    path("reporting/unit/add/", views.UnitReportCreateView.as_view(), name="unit_report_add"),
    path("reporting/unit/<int:pk>/activity/", views.JointActivityCreateView.as_view(), name="joint_activity_add"),
    path("reporting/member/add/", views.MemberReportCreateView.as_view(), name="member_report_add"),
    path("reporting/member/<int:pk>/hours/", views.ServiceHourCreateView.as_view(), name="service_hour_add"),
]
