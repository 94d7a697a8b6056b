"""Root URLconf. Uploaded files are never served as public media: each app serves its
attachments through a scoped view. Each domain app owns `<app>/urls.py` (pages) and `<app>/api/urls.py` (API),
included here under /<app>/ and /api/v1/<app>/."""
from importlib.util import find_spec

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import dashboard_views, export_views, health, import_views, offline, pickers, staff_views, token_views, views
from .api import views as api_views
from .api.urls import auth_urlpatterns as api_auth_urlpatterns

DOMAIN_APPS = settings.DOMAIN_APPS  # kept as a name here for the matrix test; the list lives in settings

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", token_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/tokens/", token_views.token_list, name="token_list"),
    path("accounts/tokens/new/", token_views.token_create, name="token_create"),
    path("accounts/tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("i18n/", include("django.conf.urls.i18n")),
    # issue #22: liveness is public; readiness and metrics only to loopback or HEALTH_TOKEN (governance/health.py)
    path("healthz/live/", health.live, name="health_live"),
    path("healthz/ready/", health.ready, name="health_ready"),
    path("metrics/", health.metrics, name="metrics"),
    # issue #17: the installable app — the service worker at the root (its scope is the site) and the manifest
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.web_manifest, name="web_manifest"),
    path("admin/", admin.site.urls),
    path("dashboard/", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/<int:pk>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("households/", views.HouseholdListView.as_view(), name="household_list"),
    path("households/add/", views.HouseholdCreateView.as_view(), name="household_add"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household_detail"),
    path("households/<int:pk>/edit/", views.HouseholdEditView.as_view(), name="household_edit"),
    path("households/<int:pk>/residents/add/", views.ResidentCreateView.as_view(), name="resident_add"),
    path("residents/", views.ResidentListView.as_view(), name="resident_list"),
    path("residents/lookup/", views.resident_lookup, name="resident_lookup"),
    path("residents/<int:pk>/", views.ResidentDetailView.as_view(), name="resident_detail"),
    path("residents/<int:pk>/edit/", views.ResidentEditView.as_view(), name="resident_edit"),
    path("residents/<int:pk>/reveal/", views.resident_reveal, name="resident_reveal"),
    path("roles/", views.RoleAssignmentListView.as_view(), name="role_assignment_list"),
    # accounts and roles a county runs itself (issue #18): governance/staff_views.py
    path("roles/grant/", staff_views.RoleGrantView.as_view(), name="role_grant"),
    path("roles/propose/", staff_views.RoleProposeView.as_view(), name="role_propose"),
    path("roles/<int:pk>/", staff_views.RoleAssignmentDetailView.as_view(), name="role_assignment_detail"),
    path("roles/<int:pk>/end/", staff_views.RoleEndView.as_view(), name="role_end"),
    path("roles/<int:pk>/transfer/", staff_views.RoleTransferView.as_view(), name="role_transfer"),
    path("roles/<int:pk>/confirm/", staff_views.RoleConfirmView.as_view(), name="role_confirm"),
    path("roles/<int:pk>/reject/", staff_views.RoleRejectView.as_view(), name="role_reject"),
    path("staff/accounts/", staff_views.AccountListView.as_view(), name="account_list"),
    path("staff/accounts/add/", staff_views.AccountCreateView.as_view(), name="account_add"),
    path("staff/accounts/<int:pk>/", staff_views.AccountDetailView.as_view(), name="account_detail"),
    path("staff/accounts/<int:pk>/reset-password/", staff_views.AccountResetPasswordView.as_view(),
         name="account_reset_password"),
    path("staff/accounts/<int:pk>/disable/", staff_views.AccountDisableView.as_view(), name="account_disable"),
    path("staff/accounts/<int:pk>/enable/", staff_views.AccountEnableView.as_view(), name="account_enable"),
    path("staff/set-password/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="registration/set_password.html", success_url="/accounts/login/", post_reset_login=False),
        name="set_password"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/read/", views.NotificationsMarkReadView.as_view(), name="notifications_mark_read"),
    path("pick/<str:token>/", pickers.picker, name="picker"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("imports/jobs/<int:pk>/", import_views.import_job, name="import_job"),
    path("imports/jobs/<int:pk>/credentials/", import_views.import_credentials, name="import_credentials"),
    path("imports/jobs/<int:pk>/confirm/", import_views.ImportConfirmView.as_view(), name="import_confirm"),
    path("imports/jobs/<int:pk>/retry/", import_views.ImportRetryView.as_view(), name="import_retry"),
    path("imports/<slug:kind>/", import_views.import_upload, name="import_upload"),
    path("imports/<slug:kind>/template/", import_views.import_template, name="import_template"),
    path("exports/jobs/<int:pk>/", export_views.export_job, name="export_job"),
    path("exports/jobs/<int:pk>/download/", export_views.export_job_download, name="export_job_download"),
    path("exports/jobs/<int:pk>/retry/", export_views.ExportJobRetryView.as_view(), name="export_job_retry"),
    path("exports/<slug:key>/", export_views.export_list, name="export_list"),
    # API
    path("api/v1/auth/token/", api_views.ObtainTokenView.as_view(), name="api_token"),
    path("api/v1/auth/logout/", api_views.LogoutView.as_view(), name="api_logout"),
    path("api/v1/auth/", include(api_auth_urlpatterns)),
    path("api/v1/me/", api_views.MeView.as_view(), name="api_me"),
    path("api/v1/governance/", include("governance.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

for app in DOMAIN_APPS:
    if find_spec(f"{app}.urls"):
        urlpatterns.append(path(f"{app}/", include(f"{app}.urls")))
    if find_spec(f"{app}.api") and find_spec(f"{app}.api.urls"):
        urlpatterns.append(path(f"api/v1/{app}/", include(f"{app}.api.urls")))
    # Interoperability endpoints an app serves at a fixed, standard path (Open311 GeoReport v2).
    if find_spec(f"{app}.open311_urls"):
        urlpatterns.append(path("open311/v2/", include(f"{app}.open311_urls")))

handler404 = "governance.views.not_found"
handler403 = "governance.middleware.permission_denied"
handler500 = "governance.middleware.server_error"
