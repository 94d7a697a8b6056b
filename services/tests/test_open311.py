"""Open311 GeoReport v2, checked against the shapes of the spec's examples (wiki.open311.org/GeoReport_v2)."""
import pytest

from services.models import Open311Key, Order

from .factories import make_item, make_order, make_unit

pytestmark = pytest.mark.urls("services.tests.open311_urlconf")

SERVICE_KEYS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_KEYS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
                "address", "address_id", "zipcode", "lat", "long", "media_url"}


@pytest.fixture
def menu(tree):
    unit = make_unit(tree.A, name="县水务公司")
    return make_item(tree.A, [unit], code="water-repair", title="自来水管维修", description="入户自来水管漏水维修")


@pytest.fixture
def key(tree):
    return Open311Key.issue(name="微信小程序", region=tree.A1)


def test_it_lists_the_menu_as_georeport_services(client, menu):
    resp = client.get("/open311/v2/services.json")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/json")
    [service] = resp.json()
    assert set(service) == SERVICE_KEYS
    assert service["service_code"] == "water-repair" and service["service_name"] == "自来水管维修"
    assert service["metadata"] is False and service["type"] == "realtime" and "甲镇" in service["keywords"]


def test_it_hides_withdrawn_items_from_the_service_list(client, menu):
    menu.status = menu.Status.WITHDRAWN
    menu.save()
    assert client.get("/open311/v2/services.json").json() == []


def test_it_creates_a_request_with_a_valid_api_key_like_the_specs_example(client, tree, menu, key):
    _, raw = key
    resp = client.post("/open311/v2/requests.json", {
        "api_key": raw, "service_code": "water-repair", "lat": "31.123456", "long": "117.654321",
        "address_id": tree.A1g.code, "first_name": "张", "last_name": "三", "phone": "13800138000",
        "description": "门口水管爆裂",
    })
    assert resp.status_code == 201, resp.content
    [body] = resp.json()
    assert set(body) == {"service_request_id", "service_notice", "account_id"}
    order = Order.objects.get(pk=body["service_request_id"])
    assert (order.channel, order.region, order.status) == (Order.Channel.OPEN311, tree.A1g, Order.Status.PLACED)
    assert "13800138000" not in str(Order.objects.filter(pk=order.pk).values().first())


def test_it_refuses_a_post_without_a_valid_api_key_with_403(client, menu, key):
    for data in ({"service_code": "water-repair", "description": "x"},
                 {"api_key": "not-a-key", "service_code": "water-repair", "description": "x"}):
        resp = client.post("/open311/v2/requests.json", data)
        assert resp.status_code == 403 and resp.json()[0]["code"] == 403
    assert not Order.objects.exists()


def test_it_answers_bad_posts_with_a_georeport_error_list(client, tree, menu, key):
    _, raw = key
    cases = [({"service_code": "nope", "description": "x"}, "service_code"),
             ({"service_code": "water-repair", "description": ""}, "需求说明"),
             ({"service_code": "water-repair", "description": "x", "address_id": tree.B1g.code}, "address_id"),
             ({"service_code": "water-repair", "description": "x", "lat": "abc"}, "lat")]
    for data, word in cases:
        resp = client.post("/open311/v2/requests.json", {"api_key": raw, **data})
        assert resp.status_code == 400, data
        assert word in resp.json()[0]["description"]
    assert not Order.objects.exists()


def test_it_refuses_a_withdrawn_service(client, menu, key):
    menu.status = menu.Status.WITHDRAWN
    menu.save()
    resp = client.post("/open311/v2/requests.json", {"api_key": key[1], "service_code": "water-repair",
                                                      "description": "x"})
    assert resp.status_code == 400 and "已撤回" in resp.json()[0]["description"]


def test_it_lists_requests_with_open_and_closed_status_and_no_personal_data(client, tree, personas, menu):
    open_order = make_order(tree.A1g, menu, placed_by=personas.resident_a1)
    closed = make_order(tree.A1g, menu, placed_by=personas.resident_a1, status=Order.Status.CONFIRMED,
                        unit=menu.units.first())
    resp = client.get("/open311/v2/requests.json")
    rows = {r["service_request_id"]: r for r in resp.json()}
    assert rows[str(open_order.pk)]["status"] == "open" and rows[str(closed.pk)]["status"] == "closed"
    assert all(set(r) == REQUEST_KEYS for r in rows.values())
    text = resp.content.decode()
    assert open_order.resident.name not in text and "家里漏水" not in text and "resident_a1" not in text
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json?status=closed").json()] == [str(closed.pk)]
    one = client.get(f"/open311/v2/requests/{closed.pk}.json").json()
    assert one[0]["agency_responsible"] == "县水务公司" and one[0]["requested_datetime"].endswith("+08:00")


def test_it_filters_requests_by_code_and_dates_and_rejects_bad_dates(client, tree, personas, menu):
    make_order(tree.A1g, menu, placed_by=personas.resident_a1)
    assert len(client.get("/open311/v2/requests.json?service_code=water-repair").json()) == 1
    assert client.get("/open311/v2/requests.json?service_code=other").json() == []
    assert client.get("/open311/v2/requests.json?start_date=2001-01-01T00:00:00Z&end_date=2001-02-01T00:00:00Z").json() == []
    assert client.get("/open311/v2/requests.json?start_date=yesterday").status_code == 400
    assert client.get("/open311/v2/requests/999999.json").status_code == 404


def test_the_authorization_matrix_still_classifies_every_route_once_open311_is_mounted():
    from governance.tests import test_matrix

    api, pages, problems = test_matrix.classify()
    assert not problems, problems
    routes = [route for route, _ in test_matrix.walk()]
    assert "open311/v2/requests.json" in routes  # mounted here, and public by name in services/tests/matrix.py
