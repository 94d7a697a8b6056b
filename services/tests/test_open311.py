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
    make_item(tree.A, [], code="other", title="其他")
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


# Every one of these answered 500 (or was silently ignored) before the parameters went through open311.Params.
BAD_QUERIES = [
    "start_date=2026-02-30T00:00:00", "start_date=2026-01-01T25:00", "end_date=garbage", "end_date=2026-13-01",
    "start_date=2026-01-01T00:00:00%2B99:00", "start_date=0001-01-01T00:00:00", "end_date=0001-01-01T00:00:00",
    "start_date=2026-03-01T00:00:00&end_date=2026-02-01T00:00:00",
    "service_request_id=99999999999999999999999", "service_request_id=abc", "service_request_id=1,abc",
    "service_request_id=%C2%B2", "service_request_id=0", "service_request_id=-1",
    "service_code=nope", "service_code=water-repair,nope", "service_code=%00", "status=foo",
    "page_size=abc", "page_size=0", "page_size=-1", "page_size=100000", "page_size=1e3", "page=0", "page=abc",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_request_parameters_answer_400_with_a_georeport_error_never_500(client, tree, personas, menu, query):
    make_order(tree.A1g, menu, placed_by=personas.resident_a1)
    resp = client.get(f"/open311/v2/requests.json?{query}")
    assert resp.status_code == 400, (query, resp.content[:300])
    [error] = resp.json()
    assert error["code"] == 400 and set(error) == {"code", "description"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["description"]), error  # said in Chinese


@pytest.mark.parametrize("path, status", [
    ("requests/abc.json", 400), ("requests/1,2.json", 400), ("requests/99999999999999999999999.json", 400),
    ("requests/999999.json", 404),
])
def test_a_bad_or_unknown_request_id_answers_a_georeport_error(client, menu, path, status):
    resp = client.get(f"/open311/v2/{path}")
    assert resp.status_code == status and resp.json()[0]["code"] == status


@pytest.mark.parametrize("data", [{"lat": "NaN"}, {"lat": "sNaN"}, {"lat": "inf"}, {"long": "-Infinity"},
                                  {"lat": "91"}, {"long": "200"}, {"lat": "1e999999"}, {"description": "a\x00b"},
                                  {"service_code": "\x00"}, {"address_id": "\x00"}])
def test_bad_posts_answer_400_and_write_nothing(client, tree, menu, key, data):
    resp = client.post("/open311/v2/requests.json", {"api_key": key[1], "service_code": "water-repair",
                                                     "description": "门口水管爆裂", "address_id": tree.A1g.code, **data})
    assert resp.status_code == 400, (data, resp.content)
    assert resp.json()[0]["code"] == 400 and not Order.objects.exists()


def test_the_request_list_pages_through_page_and_page_size(client, tree, personas, menu):
    orders = [make_order(tree.A1g, menu, placed_by=personas.resident_a1) for _ in range(3)]
    newest_first = [str(o.pk) for o in reversed(orders)]
    first = client.get("/open311/v2/requests.json?page_size=2").json()
    second = client.get("/open311/v2/requests.json?page_size=2&page=2").json()
    assert [r["service_request_id"] for r in first + second] == newest_first


def test_a_public_read_shows_no_id_number_phone_name_or_house_of_the_caller(client, tree, menu, key):
    resp = client.post("/open311/v2/requests.json", {
        "api_key": key[1], "service_code": "water-repair", "address_id": tree.A1g.code,
        "lat": "31.123456", "long": "117.654321", "first_name": "王", "last_name": "小明",
        "email": "wxm@example.com", "phone": "13912345678", "address_string": "甲一村5组12号王小明家",
        "description": "我是王小明，身份证32010519491231002X，电话13800138000，备用 +86 137 0013 7000，门口水管爆裂",
    })
    assert resp.status_code == 201, resp.content
    pk = resp.json()[0]["service_request_id"]
    for url in ("/open311/v2/requests.json", f"/open311/v2/requests/{pk}.json",
                f"/open311/v2/requests.json?service_request_id={pk}"):
        [row] = client.get(url).json()
        text = str(row)
        for secret in ("32010519491231002X", "13800138000", "0013 7000", "13912345678", "wxm@example.com",
                       "5组12号", "117.654321", "31.123456"):
            assert secret not in text, (url, secret)
        assert "3201**********002X" in row["description"] and "138****8000" in row["description"]
        assert "+86 137****7000" in row["description"] and "门口水管爆裂" in row["description"]
        # the village, not the group it was sent to; lat/long to about 1 km
        assert (row["address"], row["address_id"]) == (tree.A1.name, tree.A1.code)
        assert (row["lat"], row["long"]) == (31.12, 117.65)
        assert set(row) == REQUEST_KEYS  # still a GeoReport v2 request, no extra (personal) fields
    # The village office still has what it needs to call back and find the house.
    order = Order.objects.get(pk=pk)
    assert "13800138000" in order.note and "5组12号" in order.note and order.contact_name == "王 小明"
