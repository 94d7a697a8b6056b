"""The rules of centers/ as a township cadre, a village secretary or the county would meet them."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from centers import actions
from centers.models import (
    ModeSwitch,
    Center,
    CenterKind,
    CommitteePost,
    OperatingMode,
    PartyMember,
    PartyOrganization,
    PipelineStep,
    ReserveCadre,
    ReserveShortfall,
    SecretaryRating,
    Stage,
    StaffAssignment,
    VillageContact,
    WorkItem,
)
from governance.models import AuditEntry, Notification, Region
from governance.scoping import Role
from governance.tests.fixtures import make_region, make_resident, make_user

from . import factories as f


def test_it_gives_a_new_township_its_four_centers_and_a_branch_in_each(tree):
    kinds = set(Center.objects.filter(township=tree.A).values_list("kind", flat=True))
    assert kinds == set(CenterKind.values)
    branches = PartyOrganization.objects.filter(region=tree.A, kind=PartyOrganization.Kind.BRANCH, center__isnull=False)
    assert branches.count() == 4
    assert all(b.parent.kind == PartyOrganization.Kind.COMMITTEE for b in branches)


def test_it_refuses_a_fifth_center_with_a_clear_message(tree, personas):
    with pytest.raises(ValidationError) as exc:
        actions.center_create(actor=personas.county_admin, township=tree.A, kind=CenterKind.SOCIAL_AFFAIRS)
    assert "只设四大中心" in str(exc.value)
    with pytest.raises(ValidationError):
        actions.center_create(actor=personas.county_admin, township=tree.A, kind="tourism")
    assert Center.objects.filter(township=tree.A).count() == 4
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database holds the line too
        Center.objects.create(township=tree.A, kind="tourism")


def test_it_lets_only_the_owning_centers_staff_take_an_item_in_normal_mode(tree, personas):
    builder = f.staff(tree.A, CenterKind.CONSTRUCTION_DEVELOPMENT)
    social = f.staff(tree.A, CenterKind.SOCIAL_AFFAIRS)
    item = f.work_item(tree.A, "road_repair")
    assert item.center.kind == CenterKind.CONSTRUCTION_DEVELOPMENT
    with pytest.raises(PermissionDenied, match="平时按分工"):
        actions.work_item_take(actor=social, item_id=item.pk)
    taken = actions.work_item_take(actor=builder, item_id=item.pk)
    assert taken.status == WorkItem.Status.IN_PROGRESS and taken.assignee == builder


def test_it_lets_any_township_staff_take_an_item_after_the_head_switches_to_coordinated_mode(tree, personas):
    social = f.staff(tree.A, CenterKind.SOCIAL_AFFAIRS)
    item = f.work_item(tree.A, "road_repair")
    actions.township_mode_switch(actor=personas.township_head_a, township=tree.A, to_mode=OperatingMode.COORDINATED,
                                 reason="防汛应急，全员统筹")
    taken = actions.work_item_take(actor=social, item_id=item.pk)
    assert taken.assignee == social
    switch = ModeSwitch.objects.get(township=tree.A)
    assert switch.reason == "防汛应急，全员统筹" and switch.actor == personas.township_head_a
    assert AuditEntry.objects.filter(action="township.mode_switch", to_state=OperatingMode.COORDINATED).exists()


def test_it_lets_the_head_assign_across_centers_only_in_coordinated_mode(tree, personas):
    f.staff(tree.A, CenterKind.PARTY_MASS_SERVICE, role=Role.TOWNSHIP_HEAD, user=personas.township_head_a)
    social = f.staff(tree.A, CenterKind.SOCIAL_AFFAIRS)
    item = f.work_item(tree.A, "road_repair")
    with pytest.raises(ValidationError, match="紧时有统筹"):
        actions.work_item_assign(actor=personas.township_head_a, item_id=item.pk, assignee=social)
    actions.township_mode_switch(actor=personas.township_head_a, township=tree.A, to_mode=OperatingMode.COORDINATED,
                                 reason="秸秆禁烧集中攻坚")
    assigned = actions.work_item_assign(actor=personas.township_head_a, item_id=item.pk, assignee=social)
    assert assigned.assignee == social
    assert Notification.objects.filter(user=social).exists()
    with pytest.raises(PermissionDenied):
        actions.work_item_assign(actor=personas.township_staff_a, item_id=item.pk, assignee=social)


def test_it_refuses_a_mode_switch_by_staff_or_without_a_reason(tree, personas):
    with pytest.raises(PermissionDenied):
        actions.township_mode_switch(actor=personas.township_staff_a, township=tree.A,
                                     to_mode=OperatingMode.COORDINATED, reason="我想切换一下")
    with pytest.raises(ValidationError, match="原因"):
        actions.township_mode_switch(actor=personas.township_head_a, township=tree.A,
                                     to_mode=OperatingMode.COORDINATED, reason=" ")
    actions.township_mode_switch(actor=personas.county_admin, township=tree.A, to_mode=OperatingMode.COORDINATED,
                                 reason="县里统一部署应急")
    assert not ModeSwitch.objects.filter(actor=personas.township_staff_a).exists()
    with pytest.raises(PermissionDenied):
        actions.township_mode_switch(actor=personas.township_head_b, township=tree.A,
                                     to_mode=OperatingMode.NORMAL, reason="跨镇操作尝试")


def test_it_completes_an_item_only_by_its_assignee(tree, personas):
    builder = f.staff(tree.A)
    other = f.staff(tree.A)
    item = f.work_item(tree.A)
    actions.work_item_take(actor=builder, item_id=item.pk)
    with pytest.raises(PermissionDenied):
        actions.work_item_complete(actor=other, item_id=item.pk)
    done = actions.work_item_complete(actor=builder, item_id=item.pk)
    assert done.status == WorkItem.Status.DONE and done.done_at is not None


def test_it_keeps_the_original_post_and_history_when_staff_move(tree, personas):
    user = personas.township_staff_a
    first = actions.staff_assign(actor=personas.township_head_a, user=user, center=f.center(tree.A),
                                 start_date=dt.date(2025, 1, 1), original_unit="镇财政所", original_post="会计",
                                 establishment=StaffAssignment.Establishment.ADMINISTRATIVE)
    moved = actions.staff_assign(actor=personas.township_head_a, user=user,
                                 center=f.center(tree.A, CenterKind.SOCIAL_AFFAIRS), start_date=dt.date(2026, 3, 1))
    first.refresh_from_db()
    assert first.end_date == dt.date(2026, 2, 28)
    assert (moved.original_unit, moved.original_post, moved.establishment) == ("镇财政所", "会计", "administrative")
    with pytest.raises(ValidationError) as exc:
        actions.staff_assign(actor=personas.township_head_a, user=user, center=f.center(tree.A),
                             start_date=dt.date(2026, 6, 1), original_post="站长")
    assert "original_post" in exc.value.message_dict
    assert StaffAssignment.objects.filter(user=user).count() == 2
    with pytest.raises(ValidationError):  # a cadre of another township cannot be assigned here
        actions.staff_assign(actor=personas.county_admin, user=personas.township_staff_b, center=f.center(tree.A),
                             start_date=dt.date(2026, 1, 1), original_unit="x", original_post="y",
                             establishment="administrative")


def test_it_refuses_a_second_contact_cadre_for_a_village(tree, personas):
    one, two = f.staff(tree.A), f.staff(tree.A)
    cluster = actions.cluster_create(actor=personas.township_head_a, township=tree.A, name="东片", cadres=[one, two])
    actions.village_contact_set(actor=personas.township_head_a, village=tree.A1, cadre=one, cluster=cluster)
    with pytest.raises(ValidationError) as exc:
        actions.village_contact_set(actor=personas.township_head_a, village=tree.A1, cadre=two, cluster=cluster)
    assert "只能有一名联系干部" in str(exc.value)
    assert VillageContact.objects.filter(village=tree.A1).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        VillageContact.objects.create(village=tree.A1, cadre=two)
    outsider = f.staff(tree.B)
    with pytest.raises(ValidationError, match="派驻"):
        actions.village_contact_set(actor=personas.county_admin, village=tree.A2, cadre=outsider)


def test_it_refuses_a_mentor_who_is_not_a_full_member(tree, personas):
    probationary = f.member(tree.A1g, membership=PartyMember.Membership.PROBATIONARY)
    resident = make_resident(tree.A1g)
    with pytest.raises(ValidationError) as exc:
        actions.candidate_create(actor=personas.village_secretary_a1, resident=resident,
                                 organization=f.village_branch(tree.A1), applied_on=dt.date(2025, 1, 1),
                                 mentor=probationary)
    assert "正式党员" in exc.value.message_dict["mentor"][0]
    assert not resident.__class__.objects.filter(pk=resident.pk, party_candidacy__isnull=False).exists()


def test_it_walks_a_person_through_the_pipeline_village_township_county(tree, personas):
    cand = f.candidate(tree.A1g, stage=Stage.TARGET, since=dt.date(2025, 1, 1))
    step = actions.step_propose(actor=personas.village_secretary_a1, candidate_id=cand.pk, step_date=dt.date(2025, 3, 1))
    assert (step.required_days, step.waited_days) == (30, 59)
    with pytest.raises(PermissionDenied, match="镇管"):
        actions.step_approve(actor=personas.village_secretary_a1, step_id=step.pk)
    step = actions.step_approve(actor=personas.township_staff_a, step_id=step.pk)
    cand.refresh_from_db()
    assert cand.stage == Stage.PROBATIONARY and cand.stage_since == dt.date(2025, 3, 1)
    member = PartyMember.objects.get(resident=cand.resident)
    assert member.membership == PartyMember.Membership.PROBATIONARY
    with pytest.raises(PermissionDenied, match="县"):
        actions.step_file(actor=personas.township_head_a, step_id=step.pk)
    filed = actions.step_file(actor=personas.county_admin, step_id=step.pk)
    assert filed.status == PipelineStep.Status.FILED and filed.filed_by == personas.county_admin


def test_it_refuses_a_step_proposed_by_the_wrong_role(tree, personas):
    cand = f.candidate(tree.A1g, stage=Stage.APPLICANT, since=dt.date(2024, 1, 1))
    for wrong in (personas.township_head_a, personas.county_admin, personas.village_assistant_a1):
        with pytest.raises(PermissionDenied, match="村培"):
            actions.step_propose(actor=wrong, candidate_id=cand.pk, step_date=dt.date(2024, 6, 1))
    assert not PipelineStep.objects.exists()


def test_it_refuses_a_step_taken_too_early_and_says_when_it_may_be_taken(tree, personas):
    cand = f.candidate(tree.A1g, stage=Stage.ACTIVIST, since=dt.date(2025, 6, 1))
    with pytest.raises(ValidationError) as exc:
        actions.step_propose(actor=personas.village_secretary_a1, candidate_id=cand.pk, step_date=dt.date(2026, 1, 1))
    message = exc.value.message_dict["step_date"][0]
    assert "须满365天" in message and "2026-06-01" in message
    assert not PipelineStep.objects.exists()
    cand.refresh_from_db()
    assert cand.stage == Stage.ACTIVIST


def test_it_lets_one_of_two_township_approvers_win(tree, personas):
    from governance.errors import Conflict

    cand = f.candidate(tree.A1g, stage=Stage.APPLICANT, since=dt.date(2024, 1, 1))
    step = actions.step_propose(actor=personas.village_secretary_a1, candidate_id=cand.pk, step_date=dt.date(2024, 3, 1))
    actions.step_approve(actor=personas.township_staff_a, step_id=step.pk)
    with pytest.raises(Conflict):
        actions.step_approve(actor=personas.township_head_a, step_id=step.pk)
    assert AuditEntry.objects.filter(action="pipeline.approve").count() == 1


def test_it_flags_a_village_that_drops_to_two_reserves_at_once(tree, personas):
    from centers.selectors import villages_short_of_reserves

    entries = f.reserves(tree.A1, 3)
    short = lambda: set(villages_short_of_reserves(user=personas.township_head_a, within=tree.A).values_list("name", flat=True))  # noqa: E731
    assert "甲一村" not in short()
    actions.reserve_remove(actor=personas.village_secretary_a1, reserve_id=entries[0].pk, reason="外出务工")
    assert "甲一村" in short()
    village = villages_short_of_reserves(user=personas.township_head_a, within=tree.A).get(pk=tree.A1.pk)
    assert village.reserve_count == 2
    with pytest.raises(ValidationError, match="原因"):
        actions.reserve_remove(actor=personas.village_secretary_a1, reserve_id=entries[1].pk, reason="")


def test_it_counts_pipeline_activists_towards_the_reserves_once(tree, personas):
    from centers.selectors import villages_short_of_reserves

    f.reserves(tree.A1, 1)
    cand = f.candidate(tree.A1g, stage=Stage.ACTIVIST)
    # the same person in the register and in the pipeline counts once
    ReserveCadre.objects.create(village=tree.A1, resident=cand.resident, kind=ReserveCadre.Kind.ACTIVIST)
    assert villages_short_of_reserves(user=personas.county_admin).get(pk=tree.A1.pk).reserve_count == 2
    f.candidate(tree.A1g, stage=Stage.ACTIVIST)
    assert not villages_short_of_reserves(user=personas.county_admin).filter(pk=tree.A1.pk).exists()


def test_the_reserve_check_job_is_idempotent_and_notifies_once(tree, personas):
    f.reserves(tree.A1, 3)
    first = actions.reserves_check()
    second = actions.reserves_check()
    short = set(ReserveShortfall.objects.values_list("village__name", flat=True))
    assert short == {"甲二村", "乙一社区"}
    assert first["short"] == second["short"] == 2 and second["notified"] == 0
    assert Notification.objects.filter(user=personas.village_secretary_b1).count() == 1
    f.reserves(tree.A2, 3)
    actions.reserves_check()
    assert set(ReserveShortfall.objects.values_list("village__name", flat=True)) == {"乙一社区"}


def test_it_records_bulk_attendance_once_per_person_and_sums_yearly_hours(tree, personas):
    from decimal import Decimal

    from centers.models import TrainingLevel, TrainingRequirement
    from centers.selectors import cadres_behind_training

    TrainingRequirement.objects.create(year=2026, hours=Decimal("16"))
    secretary, director = make_resident(tree.A1g, name="张书记"), make_resident(tree.A1g, name="李主任")
    actions.committee_post_set(actor=personas.township_head_a, village=tree.A1, resident=secretary,
                               body=CommitteePost.Body.PARTY, post=CommitteePost.Post.HEAD)
    actions.committee_post_set(actor=personas.township_head_a, village=tree.A1, resident=director,
                               body=CommitteePost.Body.VILLAGERS, post=CommitteePost.Post.HEAD)
    course = actions.course_create(actor=personas.township_head_a, title="乡村振兴政策解读",
                                   level=TrainingLevel.CLUSTER_SCHOOL, region=tree.A)
    session = actions.session_create(actor=personas.township_staff_a, course=course, region=tree.A,
                                     date=dt.date(2026, 5, 10), hours=Decimal("8"))
    assert actions.attendance_record_bulk(actor=personas.township_staff_a, session=session,
                                          residents=[secretary, director]) == 2
    assert actions.attendance_record_bulk(actor=personas.township_staff_a, session=session, residents=[secretary]) == 0
    session2 = actions.session_create(actor=personas.township_staff_a, course=course, region=tree.A,
                                      date=dt.date(2026, 6, 10), hours=Decimal("8"))
    actions.attendance_record_bulk(actor=personas.township_staff_a, session=session2, residents=[secretary])
    required, behind = cadres_behind_training(user=personas.township_head_a, within=tree.A, year=2026)
    assert required == Decimal("16")
    assert [(r.name, r.hours) for r in behind] == [("李主任", Decimal("8.0"))]
    with pytest.raises(ValidationError, match="不在本班次"):
        actions.attendance_record_bulk(actor=personas.township_staff_a, session=session,
                                       residents=[make_resident(tree.B1g)])


def test_it_rates_a_secretary_by_the_county_rule_table_and_keeps_history(tree, personas):
    from decimal import Decimal

    from centers.models import StarRule

    secretary = make_resident(tree.A1g)
    actions.committee_post_set(actor=personas.county_admin, village=tree.A1, resident=secretary,
                               body=CommitteePost.Body.PARTY, post=CommitteePost.Post.HEAD)
    r = actions.secretary_rate(actor=personas.county_admin, village=tree.A1, year=2025, exam_theory=Decimal("88"),
                               exam_practice=Decimal("84"), evaluation=Decimal("91"))
    assert r.stars == 4
    StarRule.objects.filter(stars=4).update(min_exam_average=Decimal("87"))
    r2 = actions.secretary_rate(actor=personas.county_admin, village=tree.A1, year=2026, exam_theory=Decimal("88"),
                                exam_practice=Decimal("84"), evaluation=Decimal("91"))
    assert r2.stars == 3
    assert list(SecretaryRating.objects.filter(village=tree.A1).order_by("year").values_list("stars", flat=True)) == [4, 3]
    with pytest.raises(PermissionDenied):
        actions.secretary_rate(actor=personas.township_head_a, village=tree.A1, year=2026, exam_theory=Decimal("1"),
                               exam_practice=Decimal("1"), evaluation=Decimal("1"))
    with pytest.raises(ValidationError) as exc:
        actions.secretary_rate(actor=personas.county_admin, village=tree.A1, year=2026, exam_theory=Decimal("120"),
                               exam_practice=Decimal("84"), evaluation=Decimal("91"))
    assert "exam_theory" in exc.value.message_dict


def test_it_shows_one_shoulder_and_cross_members_of_the_two_committees(tree, personas):
    from centers.selectors import village_committee_summary

    sec, member = make_resident(tree.A1g, name="王书记"), make_resident(tree.A1g, name="赵委员")
    for body in CommitteePost.Body.values:
        actions.committee_post_set(actor=personas.township_head_a, village=tree.A1, resident=sec, body=body,
                                   post=CommitteePost.Post.HEAD)
    actions.committee_post_set(actor=personas.township_head_a, village=tree.A1, resident=member,
                               body=CommitteePost.Body.PARTY, post=CommitteePost.Post.MEMBER)
    actions.committee_post_set(actor=personas.township_head_a, village=tree.A1, resident=member,
                               body=CommitteePost.Body.VILLAGERS, post=CommitteePost.Post.MEMBER)
    summary = village_committee_summary(user=personas.village_secretary_a1, village=tree.A1)
    assert summary["secretary_is_director"] and summary["secretary_is_economic_head"]
    assert summary["cross_members"] == ["王书记", "赵委员"]
    with pytest.raises(ValidationError, match="主要负责人已是王书记"):
        actions.committee_post_set(actor=personas.township_head_a, village=tree.A1, resident=member,
                                   body=CommitteePost.Body.ECONOMIC, post=CommitteePost.Post.HEAD)


def test_it_requires_a_unit_for_a_part_time_member_of_a_grand_committee(tree, personas):
    from centers.models import CommitteeSeat, Unit

    org = actions.party_organization_create(actor=personas.township_head_b, name="乙一社区大党委",
                                            kind=PartyOrganization.Kind.GRAND_COMMITTEE, region=tree.B1)
    with pytest.raises(ValidationError, match="大党委"):
        actions.party_organization_create(actor=personas.township_head_a, name="甲一村大党委",
                                          kind=PartyOrganization.Kind.GRAND_COMMITTEE, region=tree.A1)
    with pytest.raises(ValidationError) as exc:
        actions.committee_seat_add(actor=personas.township_head_b, organization=org, person_name="钱经理", part_time=True)
    assert "unit" in exc.value.message_dict
    unit = Unit.objects.create(name="县供电公司", kind=Unit.Kind.STATE_FIRM, region=tree.B)
    seat = actions.committee_seat_add(actor=personas.township_head_b, organization=org, person_name="钱经理",
                                      title="兼职委员", part_time=True, unit=unit)
    assert CommitteeSeat.objects.get(pk=seat.pk).unit == unit


def test_it_shows_a_community_its_buildings_and_compounds_without_a_pioneer(tree, personas):
    from centers.models import PioneerPost
    from centers.selectors import nodes_without_pioneer

    m = f.member(tree.B1)
    compounds, buildings = nodes_without_pioneer(user=personas.village_secretary_b1, community=tree.B1)
    assert list(buildings) == [tree.B1b] and list(compounds) == [tree.B1g]
    actions.pioneer_post_assign(actor=personas.village_secretary_b1, region=tree.B1b,
                                kind=PioneerPost.Kind.BUILDING_HEAD, member=m)
    compounds, buildings = nodes_without_pioneer(user=personas.village_secretary_b1, community=tree.B1)
    assert list(buildings) == []
    with pytest.raises(ValidationError, match="楼栋"):
        actions.pioneer_post_assign(actor=personas.village_secretary_b1, region=tree.B1g,
                                    kind=PioneerPost.Kind.BUILDING_HEAD, member=m)


def test_only_the_county_changes_the_waiting_time_and_a_step_then_follows_it(tree, personas):
    from centers.models import StageRule

    rule = StageRule.objects.get(to_stage=Stage.ACTIVIST)
    with pytest.raises(PermissionDenied):
        actions.stage_rule_set(actor=personas.township_head_a, rule_id=rule.pk, min_days=0)
    actions.stage_rule_set(actor=personas.county_admin, rule_id=rule.pk, min_days=90, basis="县委组织部2026年规定")
    cand = f.candidate(tree.A1g, stage=Stage.APPLICANT, since=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="须满90天"):
        actions.step_propose(actor=personas.village_secretary_a1, candidate_id=cand.pk, step_date=dt.date(2026, 3, 1))
    assert AuditEntry.objects.filter(action="stage_rule.set", from_state="30", to_state="90").exists()


def test_a_star_threshold_must_stay_between_its_neighbours(tree, personas):
    from decimal import Decimal

    from centers.models import StarRule

    four = StarRule.objects.get(stars=4)
    with pytest.raises(ValidationError, match="星级越高门槛越高"):
        actions.star_rule_set(actor=personas.county_admin, rule_id=four.pk, min_exam_average=Decimal("95"),
                              min_evaluation=Decimal("80"))
    actions.star_rule_set(actor=personas.county_admin, rule_id=four.pk, min_exam_average=Decimal("85"),
                          min_evaluation=Decimal("85"))
    four.refresh_from_db()
    assert four.min_exam_average == Decimal("85")
