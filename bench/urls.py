"""The product's URLs plus the load test's baseline: a bare Django view reading one row as JSON."""
from django.http import Http404, JsonResponse
from django.urls import include, path

from services.models import Order


def bare_order(request, pk: int):
    row = Order.objects.filter(pk=pk).values("id", "number", "status", "unit_id", "stage_deadline").first()
    if row is None:
        raise Http404
    return JsonResponse(row)


urlpatterns = [
    path("bench/bare/<int:pk>/", bare_order),
    path("", include("governance.urls")),
]
