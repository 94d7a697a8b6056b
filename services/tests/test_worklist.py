"""Orders wait on the home of whoever moves them next: the village office (dispatch), the unit (accept,
complete), the resident (confirm)."""
from services.models import Order

from .factories import make_item, make_order, make_unit


def _count(html: str, key: str) -> str:
    start = html.index(f'data-task="{key}"')
    card = html[html.rindex("<a", 0, start):html.index("</a>", start)]
    return card.split('worklist-count" aria-hidden="true">', 1)[1].split("<", 1)[0]


def test_each_step_of_the_chain_waits_on_its_own_home(tree, personas, web):
    unit = make_unit(tree.A, staff=[personas.unit_staff_a])
    other_unit = make_unit(tree.A)
    item = make_item(tree.A, [unit, other_unit])
    make_order(tree.A1g, item, placed_by=personas.resident_a1)
    make_order(tree.A1g, item, status=Order.Status.DISPATCHED, unit=unit)
    make_order(tree.A1g, item, status=Order.Status.ACCEPTED, unit=unit)
    make_order(tree.A1g, item, status=Order.Status.DISPATCHED, unit=other_unit)
    make_order(tree.A1g, item, status=Order.Status.COMPLETED, unit=unit, placed_by=personas.resident_a1)
    assert _count(web(personas.village_secretary_a1).get("/").content.decode(), "services.orders_to_dispatch") == "1"
    assert _count(web(personas.unit_staff_a).get("/").content.decode(), "services.orders_in_my_unit") == "2"
    assert _count(web(personas.resident_a1).get("/").content.decode(), "services.orders_to_confirm") == "1"
    assert _count(web(personas.village_secretary_b1).get("/").content.decode(), "services.orders_to_dispatch") == "0"
    assert "services.orders_in_my_unit" not in web(personas.village_secretary_a1).get("/").content.decode()
