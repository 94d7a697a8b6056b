"""The pages township staff, village secretaries and the county use."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from centers import actions
from centers.models import CenterKind, OperatingMode, Stage, WorkItem

from . import factories as f


def test_it_shows_the_township_page_with_its_mode_centers_and_flags(tree, personas, web):
    f.staff(tree.A, CenterKind.SOCIAL_AFFAIRS)
    actions.township_mode_switch(actor=personas.township_head_a, township=tree.A, to_mode=OperatingMode.COORDINATED,
                                 reason="防汛抢险全员统筹")
    f.reserves(tree.A2, 3)
    page = web(personas.township_head_a).get(tree.A.get_absolute_url()).content.decode()
    assert "紧时有统筹" in page and "防汛抢险全员统筹" in page
    assert "依法治理中心党支部" in page
    assert "无联系干部的村" in page and "甲一村" in page  # no contact cadre, and short of reserves
    assert reverse("centers:mode_switch", args=[tree.A.pk]) in page
    staff_page = web(personas.township_staff_a).get(tree.A.get_absolute_url()).content.decode()
    assert reverse("centers:mode_switch", args=[tree.A.pk]) not in staff_page


def test_it_switches_the_mode_through_the_form_and_refuses_without_a_reason(tree, personas, web):
    client = web(personas.township_head_a)
    url = reverse("centers:mode_switch", args=[tree.A.pk])
    resp = client.post(url, {"to_mode": "coordinated", "reason": ""})
    assert resp.status_code == 200 and actions.township_mode(tree.A) == OperatingMode.NORMAL
    resp = client.post(url, {"to_mode": "coordinated", "reason": "秋收秋种集中攻坚"})
    assert resp.status_code == 302 and actions.township_mode(tree.A) == OperatingMode.COORDINATED
    assert web(personas.township_staff_a).post(url, {"to_mode": "normal", "reason": "我想切回去"}).status_code == 403
    assert web(personas.township_head_b).get(url).status_code == 404


def test_it_lets_the_owning_centers_staff_take_an_item_from_its_page(tree, personas, web):
    builder = f.staff(tree.A, CenterKind.CONSTRUCTION_DEVELOPMENT)
    social = f.staff(tree.A, CenterKind.SOCIAL_AFFAIRS)
    item = f.work_item(tree.A)
    assert "我来承办" not in web(social).get(item.get_absolute_url()).content.decode()
    assert web(social).post(reverse("centers:work_item_take", args=[item.pk])).status_code == 403
    assert "我来承办" in web(builder).get(item.get_absolute_url()).content.decode()
    resp = web(builder).post(reverse("centers:work_item_take", args=[item.pk]))
    assert resp.status_code == 302
    item.refresh_from_db()
    assert item.status == WorkItem.Status.IN_PROGRESS and item.assignee == builder


def test_the_queue_costs_the_same_queries_at_10_and_100_items(tree, personas, web, django_assert_max_num_queries):
    client = web(personas.township_head_a)
    for _ in range(10):
        f.work_item(tree.A)
    client.get(reverse("centers:work_item_list"))
    with django_assert_max_num_queries(16) as small:
        assert client.get(reverse("centers:work_item_list")).status_code == 200
    for _ in range(90):
        f.work_item(tree.A)
    with django_assert_max_num_queries(len(small.captured_queries)):
        resp = client.get(reverse("centers:work_item_list"))
    assert resp.content.decode().count("修补村道坑洼") == 50  # one page


@pytest.mark.parametrize("name", ["candidate_list", "member_list", "reserve_list", "session_list", "organization_list",
                                  "assignment_list", "cluster_list", "committee_post_list", "rating_list",
                                  "pioneer_list", "training_behind"])
def test_every_list_page_opens_for_the_county_and_a_village_secretary(name, tree, personas, web):
    f.candidate(tree.A1g)
    for user in (personas.county_admin, personas.village_secretary_a1):
        assert web(user).get(reverse(f"centers:{name}")).status_code == 200


def test_a_village_secretary_proposes_and_the_township_approves_through_the_pages(tree, personas, web):
    cand = f.candidate(tree.A1g, stage=Stage.APPLICANT, since=dt.date(2025, 1, 1))
    page = web(personas.village_secretary_a1).get(cand.get_absolute_url()).content.decode()
    assert "提出下一步" in page
    early = web(personas.village_secretary_a1).post(reverse("centers:step_propose", args=[cand.pk]),
                                                    {"step_date": "2025-01-10"})
    assert early.status_code == 200 and "须满30天" in early.content.decode()
    ok = web(personas.village_secretary_a1).post(reverse("centers:step_propose", args=[cand.pk]),
                                                 {"step_date": "2025-03-01", "note": "表现良好"})
    assert ok.status_code == 302
    step = cand.steps.get()
    assert web(personas.village_secretary_a1).post(reverse("centers:step_approve", args=[step.pk])).status_code == 403
    assert web(personas.township_staff_a).post(reverse("centers:step_approve", args=[step.pk])).status_code == 302
    cand.refresh_from_db()
    assert cand.stage == Stage.ACTIVIST
    assert "备案（县备案）" in web(personas.county_admin).get(cand.get_absolute_url()).content.decode()


def test_the_village_page_shows_reserves_pipeline_and_the_two_committees(tree, personas, web):
    f.reserves(tree.A1, 2)
    f.candidate(tree.A1g, stage=Stage.TARGET)
    page = web(personas.village_secretary_a1).get(tree.A1.get_absolute_url()).content.decode()
    assert "不足3人" in page and "发展对象" in page and "书记兼村委会主任" in page
    assert "未设置" in page  # no contact cadre yet


def test_bulk_attendance_records_everyone_ticked(tree, personas, web):
    from decimal import Decimal

    from centers.models import Attendance, CommitteePost, TrainingLevel
    from governance.tests.fixtures import make_resident

    people = [make_resident(tree.A1g) for _ in range(3)]
    for i, r in enumerate(people):
        actions.committee_post_set(actor=personas.township_head_a, village=tree.A1, resident=r,
                                   body=CommitteePost.Body.PARTY, post="head" if i == 0 else "member")
    course = actions.course_create(actor=personas.township_head_a, title="农民夜校：电商", level=TrainingLevel.NIGHT_SCHOOL,
                                   region=tree.A)
    session = actions.session_create(actor=personas.township_head_a, course=course, region=tree.A,
                                     date=dt.date(2026, 4, 1), hours=Decimal("3"))
    resp = web(personas.township_staff_a).post(reverse("centers:attendance_add", args=[session.pk]),
                                               {"residents": [r.pk for r in people]})
    assert resp.status_code == 302
    assert Attendance.objects.filter(session=session).count() == 3


def test_the_pipeline_and_member_lists_cost_the_same_at_10_and_100_rows(tree, personas, web, api,
                                                                       django_assert_max_num_queries):
    mentor = f.member(tree.A1g)

    def grow(n):
        for _ in range(n):
            f.candidate(tree.A1g, mentor=mentor)
            f.member(tree.A1g)

    grow(10)
    client, rest = web(personas.township_head_a), api(personas.township_head_a)
    client.get(reverse("centers:candidate_list"))
    with django_assert_max_num_queries(40) as page_small:
        client.get(reverse("centers:candidate_list"))
    with django_assert_max_num_queries(40) as api_small:
        rest.get("/api/v1/centers/party-members/")
    grow(90)
    with django_assert_max_num_queries(len(page_small.captured_queries)):
        assert client.get(reverse("centers:candidate_list")).status_code == 200
    with django_assert_max_num_queries(len(api_small.captured_queries)):
        assert len(rest.get("/api/v1/centers/party-members/").json()["results"]) >= 50


def test_a_contact_cadre_is_released_with_a_reason_and_the_village_is_flagged_again(tree, personas, web):
    from centers.models import VillageContact

    cadre = f.staff(tree.A)
    contact = actions.village_contact_set(actor=personas.township_head_a, village=tree.A1, cadre=cadre)
    client = web(personas.township_staff_a)
    assert "解除" in client.get(reverse("centers:cluster_list")).content.decode()
    url = reverse("centers:contact_remove", args=[contact.pk])
    assert client.post(url, {"reason": ""}).status_code == 200 and VillageContact.objects.filter(pk=contact.pk).exists()
    assert client.post(url, {"reason": "干部调整到县直单位"}).status_code == 302
    assert not VillageContact.objects.filter(village=tree.A1).exists()
    assert "甲一村" in client.get(tree.A.get_absolute_url()).content.decode()


def test_a_village_secretary_takes_a_reserve_out_from_the_list(tree, personas, web):
    entries = f.reserves(tree.A1, 3)
    client = web(personas.village_secretary_a1)
    page = client.get(reverse("centers:reserve_list")).content.decode()
    assert reverse("centers:reserve_remove", args=[entries[0].pk]) in page and "全部达标" in page
    assert client.post(reverse("centers:reserve_remove", args=[entries[0].pk]), {"reason": "考取公务员"}).status_code == 302
    assert "甲一村（2）" in client.get(reverse("centers:reserve_list")).content.decode()


def test_a_community_sees_its_buildings_without_a_pioneer_and_fills_one(tree, personas, web):
    from centers.models import PioneerPost

    member = f.member(tree.B1)
    client = web(personas.village_secretary_b1)
    page = client.get(reverse("centers:pioneer_list")).content.decode()
    assert "无楼栋长的楼栋" in page and "1号楼" in page
    resp = client.post(reverse("centers:pioneer_add"), {"region": tree.B1b.pk, "kind": "building_head",
                                                        "member": member.pk})
    assert resp.status_code == 302 and PioneerPost.objects.filter(region=tree.B1b).exists()
    assert "无楼栋长的楼栋" not in client.get(reverse("centers:pioneer_list")).content.decode()


def test_a_village_secretary_registers_a_member_by_name(tree, personas, web):
    from centers.models import PartyMember
    from governance.tests.fixtures import make_resident

    make_resident(tree.A1g, name="周建华")
    resp = web(personas.village_secretary_a1).post(reverse("centers:member_add"), {
        "village": tree.A1.pk, "resident_name": "周建华", "organization": f.village_branch(tree.A1).pk,
        "membership": "full", "joined_on": "2001-07-01", "in_service": "on", "work_unit": ""})
    assert resp.status_code == 200 and "在职党员须填写工作单位" in resp.content.decode()
    resp = web(personas.village_secretary_a1).post(reverse("centers:member_add"), {
        "village": tree.A1.pk, "resident_name": "周建华", "organization": f.village_branch(tree.A1).pk,
        "membership": "full", "joined_on": "2001-07-01", "in_service": "on", "work_unit": "县供电公司"})
    assert resp.status_code == 302 and PartyMember.objects.get(resident__name="周建华").work_unit == "县供电公司"


def test_a_village_secretary_founds_a_branch_seats_its_committee_and_removes_a_member(tree, personas, web):
    """党组织 and their committees in the browser (were API/admin only): errors in Chinese write nothing,
    a part-time member needs the unit they come from, removal asks why and is audited."""
    from centers.models import CommitteeSeat, PartyOrganization, Unit
    from governance.models import AuditEntry

    client = web(personas.village_secretary_a1)
    assert "新建党组织" in client.get(reverse("centers:organization_list")).content.decode()
    page = client.get(reverse("centers:organization_add")).content.decode()
    assert "甲一村" in page and "乙一社区" not in page  # only their own regions to choose from
    resp = client.post(reverse("centers:organization_add"), {"region": tree.A1.pk, "name": "甲一村第二党支部",
                                                            "kind": "grand_committee", "parent": ""})
    assert resp.status_code == 200 and "“大党委”只设在社区" in resp.content.decode()
    assert not PartyOrganization.objects.filter(name="甲一村第二党支部").exists()
    resp = client.post(reverse("centers:organization_add"), {"region": tree.A1.pk, "name": "甲一村第二党支部",
                                                            "kind": "branch", "parent": ""})
    org = PartyOrganization.objects.get(name="甲一村第二党支部")
    assert resp.status_code == 302 and resp["Location"] == org.get_absolute_url()

    # Part-time members come from the county's and the township's units — outside a village's own scope.
    unit = Unit.objects.create(name="县供电公司", kind=Unit.Kind.STATE_FIRM, region=tree.C)
    Unit.objects.create(name="甲镇卫生院", kind=Unit.Kind.AGENCY, region=tree.A)
    far = Unit.objects.create(name="乙街道物业公司", kind=Unit.Kind.PRIVATE_FIRM, region=tree.B)
    add = reverse("centers:seat_add", args=[org.pk])
    form = client.get(add).content.decode()
    assert "县供电公司" in form and "甲镇卫生院" in form and "乙街道物业公司" not in form
    resp = client.post(add, {"person_name": "王兼职", "title": "委员", "part_time": "on", "unit": ""})
    assert resp.status_code == 200 and "兼职委员须来自共驻共建单位" in resp.content.decode()
    with pytest.raises(ValidationError):  # another township's unit, however it is named
        actions.committee_seat_add(actor=personas.village_secretary_a1, organization=org, person_name="赵",
                                   part_time=True, unit=far)
    client.post(add, {"person_name": "王兼职", "title": "委员", "part_time": "on", "unit": unit.pk})
    client.post(add, {"person_name": "李书记", "title": "书记", "unit": ""})
    page = client.get(org.get_absolute_url()).content.decode()
    assert "王兼职" in page and "县供电公司" in page and "李书记" in page and "移出" in page

    seat = CommitteeSeat.objects.get(person_name="王兼职")
    remove = reverse("centers:seat_remove", args=[seat.pk])
    assert client.post(remove, {"reason": ""}).status_code == 200 and CommitteeSeat.objects.filter(pk=seat.pk).exists()
    resp = client.post(remove, {"reason": "单位调整，不再兼任"})
    assert resp.status_code == 302 and not CommitteeSeat.objects.filter(pk=seat.pk).exists()
    entry = AuditEntry.objects.get(action="committee_seat.remove")
    assert (entry.reason, entry.actor, entry.region) == ("单位调整，不再兼任", personas.village_secretary_a1, tree.A1)


def test_committee_seats_of_another_village_are_not_found_and_staff_cannot_change_them(tree, personas, web):
    from centers.models import CommitteeSeat

    seat = CommitteeSeat.objects.create(organization=f.village_branch(tree.A1), person_name="委员甲")
    org = seat.organization
    for user in (personas.village_secretary_b1, personas.township_head_b):
        client = web(user)
        assert client.get(reverse("centers:seat_add", args=[org.pk])).status_code == 404
        assert client.post(reverse("centers:seat_remove", args=[seat.pk]), {"reason": "x"}).status_code == 404
    # The village assistant sees the organization but does not manage it: no buttons, and 403.
    client = web(personas.village_assistant_a1)
    page = client.get(org.get_absolute_url())
    assert page.status_code == 200 and "委员甲" in page.content.decode()
    assert "添加委员" not in page.content.decode() and "移出" not in page.content.decode()
    assert client.post(reverse("centers:seat_add", args=[org.pk]), {"person_name": "x", "title": "委员"}).status_code == 403
    assert client.post(reverse("centers:seat_remove", args=[seat.pk]), {"reason": "x"}).status_code == 403
    assert CommitteeSeat.objects.filter(pk=seat.pk).exists() and CommitteeSeat.objects.count() == 1


def test_a_township_names_the_mentor_where_a_drop_down_of_members_would_not_fit(tree, personas, web, monkeypatch):
    """Above 300 members in scope (a township holds thousands) the mentor is typed: a name, or where two
    share it, the ID number; a village's few dozen stay a drop-down."""
    import centers.forms
    from centers.models import Candidate
    from governance.tests.fixtures import make_resident, valid_id_number

    number = valid_id_number()
    mentor = f.member(tree.A1g, resident=make_resident(tree.A1g, name="周老师", id_number=number))
    f.member(tree.A2g, resident=make_resident(tree.A2g, name="周老师"))  # the same name in the next village
    f.member(tree.B1b, resident=make_resident(tree.B1b, name="吴导师"))  # another township: out of scope
    make_resident(tree.A1g, name="申请人甲")
    monkeypatch.setattr(centers.forms, "MEMBER_SELECT_LIMIT", 1)
    client = web(personas.township_staff_a)
    form = client.get(reverse("centers:candidate_add")).content.decode()
    assert '<select name="mentor"' not in form and "重名时填写身份证号" in form
    post = {"village": tree.A1.pk, "resident_name": "申请人甲", "organization": f.village_branch(tree.A1).pk,
            "applied_on": "2026-03-01"}
    for name, error in (("吴导师", "未找到“吴导师”"), ("周老师", "有多名“周老师”，请改填其18位身份证号")):
        resp = client.post(reverse("centers:candidate_add"), {**post, "mentor": name})
        assert resp.status_code == 200 and error in resp.content.decode()
    assert not Candidate.objects.exists()
    resp = client.post(reverse("centers:candidate_add"), {**post, "mentor": number})
    assert resp.status_code == 302 and Candidate.objects.get().mentor == mentor
    assert number not in client.get(resp["Location"]).content.decode()  # the number is never shown back
    monkeypatch.setattr(centers.forms, "MEMBER_SELECT_LIMIT", 300)
    assert '<select name="mentor"' in web(personas.village_secretary_a1).get(reverse("centers:candidate_add")).content.decode()
