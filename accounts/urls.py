from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.account, name="account"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/recovery-codes/", views.recovery_codes, name="recovery_codes"),
]
