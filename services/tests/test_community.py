"""Micro-works, micro-wishes, errands, volunteers, double reporting — each step by the right and the wrong role."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from governance.models import Notification
from governance.tests.fixtures import make_resident
from services import actions, selectors, tasks
from services.models import (
    Errand, LinkageHeading, MicroWish, MicroWork, Order, ServiceCenterFacility, Volunteer,
)

from .factories import make_fund, make_item, make_order, make_unit, make_unit_staff

MW = MicroWork.Status


def photo(name="site.jpg"):
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0" + b"0" * 64, "image/jpeg")


def test_a_micro_work_goes_from_village_proposal_to_public_acceptance_with_photos(tree, personas):
    fund = make_fund(tree.A1, 6_000_000)
    work = actions.micro_work_propose(actor=personas.village_secretary_a1, region=tree.A1, title="修复村道",
                                      budget_fen=2_000_000)
    with pytest.raises(PermissionDenied):
        actions.micro_work_decide(actor=personas.village_secretary_a1, work_id=work.pk, approve=True)
    with pytest.raises(Http404):
        actions.micro_work_decide(actor=personas.township_head_b, work_id=work.pk, approve=True)
    actions.micro_work_decide(actor=personas.township_head_a, work_id=work.pk, approve=True, note="同意")
    with pytest.raises(ValidationError):  # no money yet
        actions.micro_work_start(actor=personas.village_secretary_a1, work_id=work.pk)
    actions.allocation_create(actor=personas.township_staff_a, fund_id=fund.pk, work_id=work.pk, amount_fen=2_000_000)
    actions.micro_work_start(actor=personas.village_secretary_a1, work_id=work.pk)
    with pytest.raises(ValidationError):
        actions.micro_work_accept(actor=personas.township_head_a, work_id=work.pk, note="合格", photos=[])
    work = actions.micro_work_accept(actor=personas.township_head_a, work_id=work.pk, note="合格", photos=[photo()])
    assert work.status == MW.ACCEPTED and work.is_public
    assert list(work.events.values_list("to_status", flat=True)) == ["proposed", "approved", "in_progress", "accepted"]
    assert selectors.micro_work_public(user=personas.grid_leader_a1).filter(pk=work.pk).exists()


def test_a_rejection_needs_a_reason(tree, personas):
    work = actions.micro_work_propose(actor=personas.village_secretary_a1, region=tree.A1, title="路灯", budget_fen=100)
    with pytest.raises(ValidationError):
        actions.micro_work_decide(actor=personas.township_head_a, work_id=work.pk, approve=False, note="")
    assert actions.micro_work_decide(actor=personas.township_head_a, work_id=work.pk, approve=False,
                                     note="重复申报").status == MW.REJECTED


def test_a_service_center_project_counts_as_investment_in_its_center(tree, personas):
    center = ServiceCenterFacility.objects.create(village=tree.A1, name="甲一村党群服务中心", floor_area_m2=400)
    fund = make_fund(tree.A, 15_000_000, source="center_construction")
    work = actions.micro_work_propose(actor=personas.village_secretary_a1, region=tree.A1, title="党群服务中心升级改造",
                                      budget_fen=15_000_000, kind=MicroWork.Kind.CENTER_PROJECT, facility=center)
    actions.micro_work_decide(actor=personas.township_head_a, work_id=work.pk, approve=True)
    actions.allocation_create(actor=personas.township_head_a, fund_id=fund.pk, work_id=work.pk, amount_fen=15_000_000)
    row = selectors.facility_list(user=personas.county_admin).get(pk=center.pk)
    assert (row.invested_fen, row.project_count) == (15_000_000, 1)


def test_a_micro_wish_is_claimed_once_fulfilled_by_its_claimer_and_confirmed_by_the_village(tree, personas):
    needy = make_resident(tree.A1g, name="困难户老王")
    wish = actions.micro_wish_post(actor=personas.village_assistant_a1, resident=needy, title="一台轮椅")
    assert wish.region == tree.A1g
    actions.micro_wish_claim(actor=personas.grid_leader_a1, wish_id=wish.pk)
    from governance.errors import Conflict
    with pytest.raises(Conflict):
        actions.micro_wish_claim(actor=personas.unit_staff_a, wish_id=wish.pk)
    with pytest.raises(PermissionDenied):
        actions.micro_wish_fulfil(actor=personas.unit_staff_a, wish_id=wish.pk, note="送到")
    actions.micro_wish_fulfil(actor=personas.grid_leader_a1, wish_id=wish.pk, note="已送轮椅上门")
    assert actions.micro_wish_confirm(actor=personas.village_secretary_a1, wish_id=wish.pk).status == MicroWish.Status.CONFIRMED


def test_the_assistant_runs_an_errand_and_the_villager_follows_it(tree, personas, django_capture_on_commit_callbacks):
    villager = personas.resident_a1.resident
    errand = actions.errand_create(actor=personas.village_assistant_a1, resident=villager,
                                   kind=Errand.Kind.SOCIAL_INSURANCE, title="城乡居民医保缴费")
    assert selectors.errand_list(user=personas.resident_a1).filter(pk=errand.pk).exists()
    assert not selectors.errand_list(user=personas.resident_b1).filter(pk=errand.pk).exists()
    with pytest.raises(PermissionDenied):
        actions.errand_advance(actor=personas.grid_leader_a1, errand_id=errand.pk, to_status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        actions.errand_advance(actor=personas.village_assistant_a1, errand_id=errand.pk, to_status="submitted")
    with pytest.raises(ValidationError):
        actions.errand_advance(actor=personas.village_assistant_a1, errand_id=errand.pk, to_status="done", note="")
    with django_capture_on_commit_callbacks(execute=True):
        errand = actions.errand_advance(actor=personas.village_assistant_a1, errand_id=errand.pk, to_status="done",
                                        note="已缴费，凭证已交本人")
    assert errand.status == "done" and errand.events.count() == 3
    with pytest.raises(ValidationError):
        actions.errand_advance(actor=personas.village_assistant_a1, errand_id=errand.pk, to_status="submitted")
    assert Notification.objects.filter(user=personas.resident_a1).count() == 2


def test_volunteer_hours_add_up_per_team_village_and_township(tree, personas):
    team = actions.volunteer_team_create(actor=personas.village_secretary_a1, region=tree.A1, name="甲一村党员志愿服务队",
                                         members=["张三", "李四", "张三"])
    ids = list(team.members.values_list("pk", flat=True))
    assert len(ids) == 2
    actions.volunteer_activity_record(actor=personas.village_secretary_a1, team_id=team.pk, title="清扫村道",
                                      held_on=dt.date.today(), hours={ids[0]: Decimal("2.5"), ids[1]: Decimal("3")})
    with pytest.raises(ValidationError):
        actions.volunteer_activity_record(actor=personas.village_secretary_a1, team_id=team.pk, title="x",
                                          held_on=dt.date.today(), hours={ids[0]: Decimal("25")})
    other = Volunteer.objects.create(team=actions.volunteer_team_create(
        actor=personas.village_secretary_a1, region=tree.A1, name="另一队"), name="王五")
    with pytest.raises(ValidationError):  # a member of another team
        actions.volunteer_activity_record(actor=personas.village_secretary_a1, team_id=team.pk, title="x",
                                          held_on=dt.date.today(), hours={other.pk: Decimal("1")})
    row = selectors.volunteer_team_list(user=personas.township_head_a).get(pk=team.pk)
    assert (row.member_count, row.total_hours, row.hours_this_year) == (2, Decimal("5.5"), Decimal("5.5"))
    [township] = selectors.volunteer_totals_by_region(user=personas.county_admin, level=2)
    assert township == {"region": "甲镇", "hours": Decimal("5.5"), "teams": 1}
    assert selectors.volunteer_totals_by_region(user=personas.township_head_b, level=2) == []


def test_units_and_party_members_report_and_the_community_sees_their_hours_this_year(tree, personas):
    unit = make_unit(tree.A, staff=[personas.unit_staff_a], name="县人社局")
    report = actions.unit_report_create(actor=personas.unit_staff_a, unit=unit, community=tree.A1)
    with pytest.raises(ValidationError):
        actions.unit_report_create(actor=personas.unit_staff_a, unit=unit, community=tree.A1)
    with pytest.raises(PermissionDenied):
        actions.unit_report_create(actor=personas.grid_leader_b1, unit=unit, community=tree.A2)
    actions.joint_activity_record(actor=personas.unit_staff_a, report_id=report.pk, heading=LinkageHeading.SERVICES,
                                  title="就业政策进村", held_on=dt.date.today(), participants=40)
    member = make_unit_staff(tree.A, unit, "party_member")
    mreport = actions.member_report_create(actor=member, community=tree.A1, name="赵党员", workplace="县人社局")
    actions.service_hour_log(actor=member, report_id=mreport.pk, served_on=dt.date.today(), hours="3.5", activity="政策宣讲")
    actions.service_hour_log(actor=member, report_id=mreport.pk, served_on=dt.date(2020, 1, 1), hours="2", activity="旧年")
    with pytest.raises(Http404):
        actions.service_hour_log(actor=personas.unit_staff_a, report_id=mreport.pk, served_on=dt.date.today(),
                                 hours=1, activity="x")
    with pytest.raises(PermissionDenied):
        actions.service_hour_log(actor=personas.village_assistant_a1, report_id=mreport.pk, served_on=dt.date.today(),
                                 hours=1, activity="x")
    with pytest.raises(ValidationError):
        actions.service_hour_log(actor=member, report_id=mreport.pk, served_on=dt.date.today(), hours=30, activity="x")
    row = selectors.member_report_list(user=personas.village_secretary_a1).get(pk=mreport.pk)
    assert row.hours_this_year == Decimal("3.5")
    assert selectors.unit_report_list(user=personas.village_secretary_a1).get(pk=report.pk).activity_count == 1
    assert not selectors.member_report_list(user=personas.village_secretary_b1).exists()


def test_the_overdue_reminder_notifies_once_per_stage_even_when_run_twice(tree, personas):
    from django.utils import timezone

    unit = make_unit(tree.A, staff=[personas.unit_staff_a])
    item = make_item(tree.A, [unit])
    order = make_order(tree.A1g, item, placed_by=personas.resident_a1, status=Order.Status.DISPATCHED, unit=unit)
    Order.objects.filter(pk=order.pk).update(stage_deadline=timezone.now() - timezone.timedelta(hours=1))
    assert tasks.remind_overdue_orders() == 1  # the job, in the portal's language
    assert tasks.remind_overdue_orders() == 0
    assert Notification.objects.filter(user=personas.unit_staff_a, title__contains="超时").count() == 1
