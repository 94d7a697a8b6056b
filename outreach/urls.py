from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("", views.NoticeListView.as_view(), name="sent_notice_list"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice_detail"),
    path("local-outbox/", views.LocalOutboxView.as_view(), name="local_outbox"),
    path("sign-in/", views.PhoneSignInView.as_view(), name="phone_sign_in"),
    path("sign-in/code/", views.CodeSignInView.as_view(), name="phone_sign_in_code"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
]
