"""Factories for services/ tests: a unit with staff, a menu item, orders at each stage, a fund."""
from __future__ import annotations

import itertools

from centers.models import Unit, WorkCategory
from governance.models import Region
from governance.scoping import Role
from governance.tests.fixtures import make_resident, make_user

from services import actions
from services.models import Allocation, Fund, MenuItem, MicroWork, Order, OrderEvent

_seq = itertools.count(1)


def make_unit(region: Region, *, staff=(), name: str | None = None) -> Unit:
    unit = Unit.objects.create(name=name or f"服务共建单位{next(_seq)}", kind=Unit.Kind.AGENCY, region=region)
    unit.staff.set(staff)
    return unit


def make_unit_staff(region: Region, unit: Unit | None = None, username: str | None = None):
    user = make_user(username or f"unit_staff_{next(_seq)}", Role.UNIT_STAFF, region)
    if unit is not None:
        unit.staff.add(user)
    return user


def any_category() -> WorkCategory:
    """A default category (a transactional test's flush removes the data migration's rows)."""
    return WorkCategory.objects.order_by("pk").first() or WorkCategory.objects.create(
        code="public-service", name="便民服务", center_kind="social_affairs")


def make_item(township: Region, units, **kw) -> MenuItem:
    item = MenuItem.objects.create(
        township=township, category=kw.pop("category", None) or any_category(),
        code=kw.pop("code", f"svc-{next(_seq)}"), title=kw.pop("title", "上门维修水电"),
        description=kw.pop("description", "为群众上门维修水电线路"), **kw)
    item.units.set(units)
    return item


def make_order(region: Region, item: MenuItem, *, placed_by=None, status=Order.Status.PLACED, unit=None,
               resident=None) -> Order:
    """An order in `status` (written directly, as the demo does; the chain itself is tested through actions)."""
    resident = resident or make_resident(region)
    n = next(_seq)
    order = Order.objects.create(
        number=f"T{n:011d}", item=item, item_title=item.title, item_description=item.description,
        category_name=item.category.name, work_hours=item.work_hours, accept_hours=item.accept_hours,
        dispatch_hours=item.dispatch_hours, region=region, resident=resident, placed_by=placed_by, note="家里漏水",
        status=status, unit=unit if status not in (Order.Status.PLACED, Order.Status.CANCELLED) else None,
    )
    OrderEvent.objects.create(order=order, to_status=Order.Status.PLACED, actor=placed_by)
    return order


def make_fund(region: Region, amount_fen: int = 6_000_000, source=Fund.Source.PROVINCIAL_VILLAGE, year=2026) -> Fund:
    return Fund.objects.create(name=Fund.Source(source).label, source=source, region=region, year=year,
                               amount_fen=amount_fen)


def make_work(village: Region, *, status=MicroWork.Status.APPROVED, budget_fen=5_000_000, title="修复村道") -> MicroWork:
    return MicroWork.objects.create(region=village, title=title, budget_fen=budget_fen, status=status)


def make_allocation(fund: Fund, work: MicroWork, amount_fen: int) -> Allocation:
    from django.db.models import F

    alloc = Allocation.objects.create(fund=fund, work=work, amount_fen=amount_fen)
    Fund.objects.filter(pk=fund.pk).update(allocated_fen=F("allocated_fen") + amount_fen)
    fund.refresh_from_db()
    return alloc
