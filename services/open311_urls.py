"""Open311 GeoReport v2 routes. The root urlconf mounts them with
`path("open311/v2/", include("services.open311_urls"))`."""
from django.urls import path

from . import open311

urlpatterns = [
    path("services.json", open311.services_list, name="open311_services"),
    path("services/<slug:service_code>.json", open311.service_definition, name="open311_service_definition"),
    path("requests.json", open311.requests_view, name="open311_requests"),
    path("requests/<str:request_id>.json", open311.request_detail, name="open311_request"),
]
