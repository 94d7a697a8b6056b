"""Excel exports of the orders and the fund ledger: scoped like the lists, phones masked, money in yuan."""
import io

from openpyxl import load_workbook

from services.models import Order

from .factories import make_allocation, make_fund, make_item, make_order, make_unit, make_work
from governance.tests.fixtures import make_resident


def rows_of(response):
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_a_township_exports_only_its_own_orders_with_the_phones_masked(tree, personas, web):
    unit = make_unit(tree.A)
    mine = make_order(tree.A1g, make_item(tree.A, [unit]), resident=make_resident(tree.A1g, name="甲镇人", phone="13912345678"))
    theirs = make_order(tree.B1g, make_item(tree.B, [unit]))
    rows = rows_of(web(personas.township_staff_a).get("/exports/services-orders/"))
    assert rows[0][:3] == ["订单号", "服务名称", "类别"]
    numbers = [r[0] for r in rows[1:]]
    assert numbers == [mine.number] and theirs.number not in numbers
    flat = " ".join(str(c) for r in rows for c in r)
    assert "甲镇人" in flat and "139****5678" in flat and "13912345678" not in flat
    assert "待派单" in flat  # statuses in words, not codes


def test_the_order_export_follows_the_list_filters(tree, personas, web):
    unit = make_unit(tree.A)
    item = make_item(tree.A, [unit])
    done = make_order(tree.A1g, item, status=Order.Status.CONFIRMED, unit=unit)
    make_order(tree.A1g, item)
    rows = rows_of(web(personas.county_admin).get("/exports/services-orders/", {"status": "confirmed"}))
    assert [r[0] for r in rows[1:]] == [done.number]


def test_the_fund_ledger_shows_yuan_and_only_the_townships_funds(tree, personas, web):
    fund = make_fund(tree.A1, amount_fen=6_000_050)
    make_allocation(fund, make_work(tree.A1), 1_000_000)
    make_fund(tree.B1, amount_fen=9_900_000)
    rows = rows_of(web(personas.township_staff_a).get("/exports/services-funds/"))
    header, body = rows[0], rows[1:]
    assert len(body) == 1
    row = dict(zip(header, body[0]))
    assert row["管理区域"] == "甲一村" and row["总额（元）"] == 60000.5 and row["已安排（元）"] == 10000
    assert row["未安排（元）"] == 50000.5 and row["余额（元）"] == 60000.5


def test_the_order_and_fund_lists_offer_the_export_with_their_filters(tree, personas, web):
    client = web(personas.township_staff_a)
    orders = client.get("/services/orders/", {"status": "placed"}).content.decode()
    assert "/exports/services-orders/?status=placed" in orders
    assert "/exports/services-funds/" in client.get("/services/funds/").content.decode()
    assert "/exports/" not in client.get("/services/orders/mine/").content.decode()


def _spend(personas, fund, work, fen, payee, secretary):
    from services import actions

    alloc = actions.allocation_create(actor=personas.county_admin, fund_id=fund.pk, work_id=work.pk,
                                      amount_fen=fen * 2)
    return actions.expenditure_record(actor=secretary, allocation_id=alloc.pk, amount_fen=fen, payee=payee,
                                      purpose="水泥砂石", receipt_number=f"FP-{payee}")


def test_the_expenditure_ledger_lists_every_payment_of_the_townships_funds_in_yuan(tree, personas, web):
    fund_a = make_fund(tree.A1, amount_fen=6_000_000)
    _spend(personas, fund_a, make_work(tree.A1), 350_050, "青石建筑队", personas.village_secretary_a1)
    _spend(personas, make_fund(tree.B1), make_work(tree.B1), 100_000, "乙方公司", personas.village_secretary_b1)
    rows = rows_of(web(personas.township_staff_a).get("/exports/services-expenditures/"))
    header, body = rows[0], rows[1:]
    assert len(body) == 1
    row = dict(zip(header, body[0]))
    assert row["收款方"] == "青石建筑队" and row["金额（元）"] == 3500.5 and row["村（社区）"] == "甲一村"
    assert row["票据号"] == "FP-青石建筑队" and row["资金名称"] == fund_a.name
    county = web(personas.county_admin)
    assert len(rows_of(county.get("/exports/services-expenditures/"))) == 3
    assert len(rows_of(county.get("/exports/services-expenditures/", {"fund": fund_a.pk}))) == 2
    assert len(rows_of(county.get("/exports/services-expenditures/", {"region": tree.B.pk}))) == 2


def test_the_fund_pages_offer_the_expenditure_ledger(tree, personas, web):
    fund = make_fund(tree.A1)
    client = web(personas.township_staff_a)
    assert "/exports/services-expenditures/" in client.get("/services/funds/").content.decode()
    assert f"/exports/services-expenditures/?fund={fund.pk}" in client.get(f"/services/funds/{fund.pk}/").content.decode()
