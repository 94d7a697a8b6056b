"""The product's URLs plus the load test's baselines: a bare Django view reading one row as JSON (the
issue's baseline), and a bare view doing the accept's writes by hand (the floor of the work itself)."""
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.http import Http404, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from governance.tokens import hash_key
from services.models import Order


def bare_order(request, pk: int):
    row = Order.objects.filter(pk=pk).values("id", "number", "status", "unit_id", "stage_deadline").first()
    if row is None:
        raise Http404
    return JsonResponse(row)


@csrf_exempt
def bare_accept(request, pk: int):
    """What an accept must write, by hand, with no framework: the token's user (one query, the key's
    hash, current and unrevoked), then in one transaction the conditional UPDATE, the history row and the
    audit row. No scope check, no roles."""
    key = request.headers.get("Authorization", "").removeprefix("Token ")
    ct = ContentType.objects.get_for_model(Order).pk  # cached after the first request
    with connection.cursor() as cur:
        cur.execute("SELECT user_id FROM governance_apitoken WHERE key_hash = %s AND revoked_at IS NULL"
                    " AND expires_at > now()", [hash_key(key)])
        row = cur.fetchone()
        if row is None:
            return JsonResponse({"detail": "unauthorized"}, status=401)
        user_id = row[0]
        with transaction.atomic():
            cur.execute("""
                UPDATE services_order SET status = 'accepted', accepted_by_id = %s, updated_at = now(),
                       stage_deadline = now() + make_interval(hours => work_hours)
                WHERE id = %s AND status = 'dispatched'
                RETURNING id, number, status, unit_id, region_id, stage_deadline, item_title""", [user_id, pk])
            order = cur.fetchone()
            if order is None:
                return JsonResponse({"detail": "conflict"}, status=409)
            cur.execute("""INSERT INTO services_orderevent (order_id, from_status, to_status, actor_id, unit_id, note, at)
                           VALUES (%s, 'dispatched', 'accepted', %s, %s, '', now())""", [pk, user_id, order[3]])
            cur.execute("""
                INSERT INTO governance_auditentry (at, actor_id, action, content_type_id, object_id, object_repr,
                                                   region_id, from_state, to_state, reason, data)
                VALUES (now(), %s, 'order.accepted', %s, %s, %s, %s, 'dispatched', 'accepted', '', '{}'::jsonb)""",
                        [user_id, ct, str(pk), f"{order[1]} {order[6]}"[:200], order[4]])
    return JsonResponse(dict(zip(("id", "number", "status", "unit", "region", "stage_deadline"), order[:6])))


urlpatterns = [
    path("bench/bare/<int:pk>/", bare_order),
    path("bench/bare-accept/<int:pk>/", bare_accept),
    path("", include("governance.urls")),
]
