"""Order-style services on SQLite: the county places an order for a resident of 城关街道, dispatches it to the
unit the demo's unit staff work for, who accept and complete it; the resident's order page shows the result."""
from django.urls import reverse

from governance.models import Resident, RoleAssignment
from services.models import MenuItem, Order

from .helpers import page


def test_an_order_is_placed_dispatched_accepted_and_completed(login):
    district = RoleAssignment.objects.get(user__username="unit_staff").region
    item = (MenuItem.objects.filter(township=district, status=MenuItem.Status.ACTIVE, units__staff__username="unit_staff")
            .order_by("pk").first())
    unit = item.units.get(staff__username="unit_staff")
    resident = Resident.objects.filter(region__path__startswith=district.path).order_by("pk").first()
    county, staff = login("county_admin"), login("unit_staff")

    resp = county.post(reverse("services:order_place", args=[item.pk]), {"resident": resident.pk,
                                                                         "note": "冒烟：楼道灯不亮"})
    assert resp.status_code == 302
    order = Order.objects.get(note="冒烟：楼道灯不亮")
    assert resp["Location"] == order.get_absolute_url() and order.status == Order.Status.PLACED
    assert order.number in page(county.get(reverse("services:order_dispatch_queue"), {"q": order.number}))

    resp = county.post(reverse("services:order_dispatch", args=[order.pk]), {"unit": unit.pk}, follow=True)
    assert resp.status_code == 200 and unit.name in page(resp)  # back on the order's page, with its unit
    assert order.number in page(staff.get(reverse("services:order_inbox")))
    assert staff.post(reverse("services:order_accept", args=[order.pk])).status_code == 302
    resp = staff.post(reverse("services:order_accept", args=[order.pk]))  # a second press: told, nothing moves
    assert resp.status_code == 200 and "无需重复操作" in page(resp)
    assert staff.post(reverse("services:order_complete", args=[order.pk]), {"note": "已更换灯泡"}).status_code == 302

    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED and order.unit == unit
    assert list(order.events.values_list("to_status", flat=True).order_by("pk")) == [
        "placed", "dispatched", "accepted", "completed"]
    assert "已更换灯泡" in page(county.get(order.get_absolute_url()))
    assert login("unit_staff_2").get(order.get_absolute_url()).status_code == 404
