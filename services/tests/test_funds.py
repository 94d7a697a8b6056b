"""Funds: never overspent, even under concurrent approvals; every fen traceable fund → allocation → expenditure."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404

from services import actions
from services.models import Allocation, Expenditure, Fund, MicroWork

from .factories import make_allocation, make_fund, make_work
from .test_orders import run_at_once

MW = MicroWork.Status


def test_it_allocates_from_a_village_fund_and_tracks_each_fen_to_the_expenditure(tree, personas):
    fund = make_fund(tree.A1, 6_000_000)
    work = make_work(tree.A1, budget_fen=1_200_000)
    alloc = actions.allocation_create(actor=personas.township_head_a, fund_id=fund.pk, work_id=work.pk, amount_fen=1_000_000)
    exp = actions.expenditure_record(actor=personas.village_secretary_a1, allocation_id=alloc.pk, amount_fen=350_050,
                                     payee="青石建筑队", purpose="水泥砂石", receipt_number="FP-2026-001")
    fund.refresh_from_db()
    alloc.refresh_from_db()
    assert (fund.allocated_fen, fund.spent_fen, fund.balance_fen) == (1_000_000, 350_050, 5_649_950)
    assert alloc.spent_fen == 350_050 and exp.allocation.fund == fund and exp.allocation.work == work
    assert Expenditure.objects.filter(allocation__fund=fund).aggregate(s=Sum("amount_fen"))["s"] == fund.spent_fen


def test_it_refuses_an_allocation_above_the_funds_balance_with_the_amounts_in_the_message(tree, personas):
    fund = make_fund(tree.A1, 6_000_000)
    make_allocation(fund, make_work(tree.A1), 5_500_000)
    work = make_work(tree.A1, budget_fen=1_000_000)
    with pytest.raises(ValidationError) as exc:
        actions.allocation_create(actor=personas.township_head_a, fund_id=fund.pk, work_id=work.pk, amount_fen=600_000)
    assert "5,000.00" in str(exc.value.message_dict["amount_fen"]) and "6,000.00" in str(exc.value.message_dict["amount_fen"])
    assert not Allocation.objects.filter(work=work).exists()
    fund.refresh_from_db()
    assert fund.allocated_fen == 5_500_000


def test_it_refuses_an_expenditure_above_the_balance_and_writes_nothing(tree, personas):
    fund = make_fund(tree.A1, 1_000_000)
    alloc = make_allocation(fund, make_work(tree.A1, status=MW.IN_PROGRESS), 200_000)
    with pytest.raises(ValidationError) as exc:
        actions.expenditure_record(actor=personas.village_secretary_a1, allocation_id=alloc.pk, amount_fen=200_001,
                                   payee="施工队", purpose="人工", receipt_number="R-9")
    assert "超出余额" in str(exc.value.message_dict["amount_fen"])
    assert not Expenditure.objects.exists()
    fund.refresh_from_db()
    assert fund.spent_fen == 0


def test_it_refuses_an_allocation_beyond_the_works_budget_or_to_an_unapproved_work(tree, personas):
    fund = make_fund(tree.A1, 6_000_000)
    with pytest.raises(ValidationError):
        actions.allocation_create(actor=personas.township_head_a, fund_id=fund.pk,
                                  work_id=make_work(tree.A1, budget_fen=100_000).pk, amount_fen=100_001)
    with pytest.raises(ValidationError):
        actions.allocation_create(actor=personas.township_head_a, fund_id=fund.pk,
                                  work_id=make_work(tree.A1, status=MW.PROPOSED).pk, amount_fen=100)


@pytest.mark.parametrize("who,error", [("village_secretary_a1", PermissionDenied), ("township_head_b", Http404),
                                       ("resident_a1", Http404)])
def test_it_lets_only_the_township_or_county_allocate(tree, personas, who, error):
    fund = make_fund(tree.A1)
    with pytest.raises(error):
        actions.allocation_create(actor=getattr(personas, who), fund_id=fund.pk, work_id=make_work(tree.A1).pk,
                                  amount_fen=100)
    assert not Allocation.objects.exists()


def test_it_refuses_an_expenditure_by_another_township(tree, personas):
    alloc = make_allocation(make_fund(tree.A1), make_work(tree.A1), 100_000)
    with pytest.raises(Http404):
        actions.expenditure_record(actor=personas.village_secretary_b1, allocation_id=alloc.pk, amount_fen=1,
                                   payee="x", purpose="x", receipt_number="x")


def test_the_database_itself_refuses_an_overspent_fund(tree):
    fund = make_fund(tree.A1, 100)
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(allocated_fen=101)


@pytest.mark.django_db(transaction=True)
def test_it_never_overspends_a_fund_under_twenty_concurrent_expenditures(tree, personas):
    fund = make_fund(tree.A1, 1_000_000)                       # 1 万元
    alloc = make_allocation(fund, make_work(tree.A1, budget_fen=1_000_000), 1_000_000)

    results = run_at_once(20, lambda i: actions.expenditure_record(
        actor=personas.village_secretary_a1, allocation_id=alloc.pk, amount_fen=150_000, payee=f"供应商{i}",
        purpose="材料", receipt_number=f"R{i}"))

    ok = [r for kind, r in results if kind == "ok"]
    refused = [r for kind, r in results if kind == "err"]
    assert len(ok) == 6 and len(refused) == 14                 # 6 × 1500 = 9000 ≤ 10000 < 7 × 1500
    assert all(isinstance(e, ValidationError) and "超出余额" in str(e) for e in refused)
    fund.refresh_from_db()
    spent = Expenditure.objects.filter(allocation__fund=fund).aggregate(s=Sum("amount_fen"))["s"]
    assert spent == fund.spent_fen == 900_000 <= fund.amount_fen


@pytest.mark.django_db(transaction=True)
def test_it_never_overallocates_a_fund_under_twenty_concurrent_approvals(tree, personas):
    fund = make_fund(tree.A1, 6_000_000)                       # 6 万元
    works = [make_work(tree.A1, budget_fen=500_000, title=f"路灯{i}") for i in range(20)]

    results = run_at_once(20, lambda i: actions.allocation_create(
        actor=personas.township_head_a, fund_id=fund.pk, work_id=works[i].pk, amount_fen=500_000))

    assert sum(kind == "ok" for kind, _ in results) == 12
    fund.refresh_from_db()
    assert fund.allocated_fen == Allocation.objects.filter(fund=fund).aggregate(s=Sum("amount_fen"))["s"] == 6_000_000
