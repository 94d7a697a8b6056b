"""四议两公开, 财务公开 and 自建自管: each step in order, frozen months, questions answered, township acceptance."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from deliberation import actions
from deliberation.models import LedgerLine, LedgerMonth, LedgerQuestion, Procedure, SelfBuildProject, TopicEvent
from governance.errors import Conflict
from governance.models import AuditEntry, Notification
from governance.worklist import for_user

from .factories import make_ledger_line, make_self_build, make_topic, make_villager


def _at(hours_ago):
    return timezone.now() - dt.timedelta(hours=hours_ago)


STEP_DATA = {
    "propose": {"summary": "党支部提议修建村道路灯"},
    "consult": {"summary": "两委一致同意", "expected": 7, "present": 7},
    "review": {"summary": "党员大会审议通过", "expected": 30, "present": 26, "votes_for": 24, "votes_against": 1,
               "votes_abstain": 1},
    "resolve": {"summary": "村民代表会议决议", "expected": 45, "present": 40, "votes_for": 38, "votes_against": 2},
    "publish": {"summary": "决议：安装太阳能路灯40盏，预算12万元。"},
    "report": {"summary": "已安装40盏，决算11.6万元，验收合格。"},
}


def test_four_discussions_two_publications_in_order_and_published_to_the_village(tree, personas, web):
    secretary, villager = personas.village_secretary_a1, personas.resident_a1
    topic = make_topic(tree.A1g)
    c = web(secretary)
    assert c.post(f"/deliberation/topics/{topic.pk}/procedure/").status_code == 302
    procedure = Procedure.objects.get(topic=topic)
    # Out of order: 党员大会 before 两委商议 is refused, nothing written.
    with pytest.raises(Conflict):
        actions.procedure_record_step(actor=secretary, procedure_id=procedure.pk, stage="review", held_at=_at(10),
                                      **STEP_DATA["review"])
    for i, (stage, data) in enumerate(STEP_DATA.items()):
        resp = c.post(f"/deliberation/procedures/{procedure.pk}/{stage}/", {
            "held_at": timezone.localtime(_at(10 - i)).strftime("%Y-%m-%dT%H:%M"), **data})
        assert resp.status_code == 302, resp.content.decode()[:2000]
    procedure.refresh_from_db()
    assert procedure.status == Procedure.Status.DONE and procedure.steps.count() == 6
    assert TopicEvent.objects.filter(topic=topic, action="procedure").count() == 7
    assert AuditEntry.objects.filter(action="deliberation.procedure").count() == 7
    assert Notification.objects.filter(user=villager, title__startswith="决议公开").count() == 1
    assert Notification.objects.filter(user=villager, title__startswith="实施结果公开").count() == 1
    # A step recorded twice: refused (the procedure has moved on).
    with pytest.raises(Conflict):
        actions.procedure_record_step(actor=secretary, procedure_id=procedure.pk, stage="report", held_at=_at(1),
                                      **STEP_DATA["report"])
    page = web(villager).get(topic.get_absolute_url()).content.decode()
    assert 'id="procedure"' in page and "已安装40盏" in page and "安装太阳能路灯40盏" in page
    assert "两委一致同意" not in page  # the internal meetings' minutes stay with the office
    assert 'id="procedure-actions"' not in page


def test_a_meeting_without_quorum_or_majority(tree, personas):
    secretary = personas.village_secretary_a1
    procedure = Procedure.objects.create(topic=make_topic(tree.A1g), status="resolve")
    with pytest.raises(ValidationError) as err:  # fewer than two thirds of the representatives
        actions.procedure_record_step(actor=secretary, procedure_id=procedure.pk, stage="resolve", held_at=_at(2),
                                      summary="x", expected=45, present=29, votes_for=29, votes_against=0)
    assert "三分之二" in str(err.value.message_dict["present"])
    with pytest.raises(ValidationError):
        actions.procedure_record_step(actor=secretary, procedure_id=procedure.pk, stage="resolve", held_at=_at(2),
                                      summary="x", expected=45, present=40, votes_for=30, votes_against=20)
    assert procedure.steps.count() == 0
    step = actions.procedure_record_step(actor=secretary, procedure_id=procedure.pk, stage="resolve", held_at=_at(2),
                                         summary="未过半", expected=45, present=40, votes_for=18, votes_against=22)
    procedure.refresh_from_db()
    assert step.passed is False and procedure.status == Procedure.Status.STOPPED


def test_an_outsider_cannot_record_a_step(tree, personas, web):
    procedure = Procedure.objects.create(topic=make_topic(tree.A1g))
    assert web(personas.village_secretary_b1).get(f"/deliberation/procedures/{procedure.pk}/propose/").status_code == 404
    with pytest.raises(PermissionDenied):
        actions.procedure_record_step(actor=personas.resident_a1, procedure_id=procedure.pk, stage="propose",
                                      held_at=_at(1), summary="x")


def test_a_published_month_is_frozen_and_corrected_by_a_new_line(tree, personas, web):
    secretary, villager = personas.village_secretary_a1, personas.resident_a1
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    c = web(secretary)
    resp = c.post("/deliberation/ledger/add/", {
        "region": tree.A1.pk, "kind": "expense", "category": "operating_fund", "amount": "1234.50",
        "occurred_on": f"{last_month:%Y-%m-%d}", "counterparty": "县供电公司", "voucher_no": "记-12",
        "voucher_summary": "村部电费"})
    assert resp.status_code == 302
    month = LedgerMonth.objects.get(region=tree.A1, month=last_month)
    actions.ledger_line_add(actor=secretary, region=tree.A1, kind="income", category="lease", amount=Decimal("12000"),
                            occurred_on=last_month, counterparty="农业合作社", voucher_no="记-13",
                            voucher_summary="闲置校舍租金")
    assert web(villager).get(month.get_absolute_url()).status_code == 404  # not published yet
    assert c.post(f"/deliberation/ledger/{month.pk}/publish/").status_code == 302
    month.refresh_from_db()
    assert month.status == LedgerMonth.Status.PUBLISHED
    assert Notification.objects.filter(user=villager, title__startswith="财务公开").count() == 1
    with pytest.raises(ValidationError) as err:
        actions.ledger_line_add(actor=secretary, region=tree.A1, kind="expense", category="office",
                                amount=Decimal("10"), occurred_on=last_month, counterparty="x", voucher_no="1",
                                voucher_summary="y")
    assert "已公开" in str(err.value)
    wrong = month.lines.get(voucher_no="记-12")
    fix = actions.ledger_line_add(actor=secretary, region=tree.A1, kind="expense", category="operating_fund",
                                  amount=Decimal("-100.00"), occurred_on=timezone.localdate(), counterparty="县供电公司",
                                  voucher_no="记-20", voucher_summary="更正上月电费多记", corrects_id=wrong.pk)
    assert fix.corrects == wrong and fix.month.month == timezone.localdate().replace(day=1)
    with pytest.raises(ValidationError):  # an ordinary line cannot be negative
        actions.ledger_line_add(actor=secretary, region=tree.A1, kind="expense", category="office",
                                amount=Decimal("-5"), occurred_on=timezone.localdate(), counterparty="x",
                                voucher_no="1", voucher_summary="y")
    page = web(villager).get(month.get_absolute_url()).content.decode()
    assert "12000.00" in page and "1234.50" in page and "10765.50" in page  # totals and balance


def test_a_villager_asks_and_the_office_answers(tree, personas, web):
    villager = personas.resident_a1
    line = make_ledger_line(tree.A1g, published=True)
    c = web(villager)
    assert c.post(f"/deliberation/ledger/lines/{line.pk}/ask/", {"body": "电费为什么这么高？"}).status_code == 302
    question = LedgerQuestion.objects.get()
    assert question.status == LedgerQuestion.Status.ASKED
    assert any(row["task"].key == "deliberation.ledger_questions_to_answer" and row["count"] == 1
               for row in for_user(personas.village_secretary_a1))
    assert Notification.objects.filter(user=personas.village_secretary_a1, title__startswith="村民对财务公开提问").exists()
    with pytest.raises(PermissionDenied):
        actions.ledger_question_answer(actor=villager, question_id=question.pk, answer="x")
    resp = web(personas.village_secretary_a1).post(f"/deliberation/ledger/questions/{question.pk}/answer/",
                                                   {"answer": "含冬季取暖用电，详见凭证。"})
    assert resp.status_code == 302
    question.refresh_from_db()
    assert question.status == LedgerQuestion.Status.ANSWERED
    assert Notification.objects.filter(user=villager, title="您对财务公开的提问已答复").count() == 1
    with pytest.raises(Conflict):
        actions.ledger_question_answer(actor=personas.village_secretary_a1, question_id=question.pk, answer="again")
    # Another village's villager does not see the line at all.
    assert web(personas.resident_b1).post(f"/deliberation/ledger/lines/{line.pk}/ask/", {"body": "?"}).status_code == 404


def test_ledger_month_page_queries_do_not_grow_with_lines(tree, personas, web, django_assert_max_num_queries):
    line = make_ledger_line(tree.A1g, published=True)
    c = web(personas.resident_a1)
    c.get(line.month.get_absolute_url())
    for i in range(30):
        make_ledger_line(tree.A1g, published=True, voucher_no=f"记-{i}")
    with django_assert_max_num_queries(25):
        assert c.get(line.month.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(20):
        assert c.get("/deliberation/ledger/").status_code == 200


def test_self_build_project_worked_submitted_returned_and_accepted(tree, personas, web):
    secretary, township = personas.village_secretary_a1, personas.township_staff_a
    c = web(secretary)
    resp = c.post("/deliberation/self-build/add/", {
        "region": tree.A1.pk, "name": "第一组排水沟清淤", "description": "清淤300米", "budget": "8000",
        "decided_on": f"{timezone.localdate():%Y-%m-%d}", "decision": "村民小组会议到会32人，31人同意"})
    assert resp.status_code == 302
    project = SelfBuildProject.objects.get()
    with pytest.raises(ValidationError):  # nothing to accept yet
        actions.self_build_submit(actor=secretary, project_id=project.pk)
    c.post(f"/deliberation/self-build/{project.pk}/work/", {"worked_on": f"{timezone.localdate():%Y-%m-%d}",
                                                            "days": "2", "people": "6", "note": "清淤",
                                                            "materials": "水泥10袋", "material_cost": "350"})
    assert project.works.count() == 1
    with pytest.raises(PermissionDenied):  # the village does not accept its own work
        actions.self_build_submit(actor=secretary, project_id=project.pk)
        actions.self_build_accept(actor=secretary, project_id=project.pk, note="ok")
    project.refresh_from_db()
    assert project.status == SelfBuildProject.Status.SUBMITTED
    assert any(row["task"].key == "deliberation.self_build_to_accept" and row["count"] == 1 for row in for_user(township))
    assert not any(row["task"].key == "deliberation.self_build_to_accept" for row in for_user(secretary))
    assert web(township).post(f"/deliberation/self-build/{project.pk}/return/", {"reason": "沟底未清到位"}).status_code == 302
    project.refresh_from_db()
    assert project.status == SelfBuildProject.Status.RETURNED and project.check_note == "沟底未清到位"
    actions.self_build_work_add(actor=secretary, project_id=project.pk, worked_on=timezone.localdate(),
                                days=Decimal("1"), people=4, note="返工")
    actions.self_build_submit(actor=secretary, project_id=project.pk)
    actions.self_build_accept(actor=township, project_id=project.pk, note="现场查验合格")
    project.refresh_from_db()
    assert project.status == SelfBuildProject.Status.ACCEPTED
    page = web(personas.resident_a1).get(project.get_absolute_url()).content.decode()
    assert "现场查验合格" in page and "16.0" in page  # 2×6 + 1×4 person-days
    assert web(personas.resident_b1).get(project.get_absolute_url()).status_code == 404


def test_api_verbs(tree, personas, api):
    secretary = personas.village_secretary_a1
    topic = make_topic(tree.A1g)
    resp = api(secretary).post("/api/v1/deliberation/procedures/", {"topic": topic.pk}, format="json")
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    resp = api(secretary).post(f"/api/v1/deliberation/procedures/{pk}/consult/",
                               {"held_at": _at(1).isoformat(), "summary": "x", "expected": 7, "present": 7},
                               format="json")
    assert resp.status_code == 409  # 两委商议 before the party branch's proposal
    resp = api(secretary).post(f"/api/v1/deliberation/procedures/{pk}/propose/",
                               {"held_at": _at(1).isoformat(), "summary": "党支部提议"}, format="json")
    assert resp.status_code == 201 and resp.json()["stage"] == "propose"
    assert api(personas.village_secretary_b1).post(f"/api/v1/deliberation/procedures/{pk}/consult/", {},
                                                   format="json").status_code == 404
    resp = api(secretary).post("/api/v1/deliberation/ledger-lines/", {
        "region": tree.A1.pk, "kind": "income", "category": "subsidy", "amount": "60000.00",
        "occurred_on": f"{timezone.localdate():%Y-%m-%d}", "counterparty": "镇财政所", "voucher_no": "记-1",
        "voucher_summary": "村级运转经费拨付"}, format="json")
    assert resp.status_code == 201, resp.content
    month = LedgerLine.objects.get(pk=resp.json()["id"]).month
    assert api(secretary).post(f"/api/v1/deliberation/ledger-months/{month.pk}/publish/").json()["income"] == "60000.00"
    project = make_self_build(tree.A1g, status="submitted")
    resp = api(personas.township_staff_a).post(f"/api/v1/deliberation/self-build/{project.pk}/return/",
                                               {"reason": ""}, format="json")
    assert resp.status_code == 400


def test_verbs_cost_a_bounded_number_of_queries(tree, personas, api, django_assert_max_num_queries):
    secretary = personas.village_secretary_a1
    procedure = Procedure.objects.create(topic=make_topic(tree.A1g))
    body = {"region": tree.A1.pk, "kind": "expense", "category": "office", "amount": "10.00",
            "occurred_on": f"{timezone.localdate():%Y-%m-%d}", "counterparty": "x", "voucher_no": "1",
            "voucher_summary": "y"}
    c = api(secretary)
    c.post("/api/v1/deliberation/ledger-lines/", body, format="json")
    with django_assert_max_num_queries(16):
        assert c.post("/api/v1/deliberation/ledger-lines/", body, format="json").status_code == 201
    with django_assert_max_num_queries(20):
        assert c.post(f"/api/v1/deliberation/procedures/{procedure.pk}/propose/",
                      {"held_at": _at(1).isoformat(), "summary": "提议"}, format="json").status_code == 201
