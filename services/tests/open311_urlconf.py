"""The root urlconf plus the Open311 mount the lead adds to governance/urls.py."""
from django.urls import include, path

from governance.urls import handler404, urlpatterns as root  # noqa: F401

urlpatterns = [*root, path("open311/v2/", include("services.open311_urls"))]
