"""The pages and the API as the people who use them notice them."""
import datetime as dt

import pytest
from django.utils import timezone

from centers.models import Unit
from credit.actions import standard_copy_payload
from credit.models import CreditRecord, GradeCheck, Objection, ResidentCredit, Review, Standard
from governance.scoping import Role
from governance.tests.fixtures import make_resident, make_user, valid_id_number

from .factories import make_record, make_review, record_type, resident_with_id, v1


def test_the_secretary_sees_changed_grades_first_and_approves_many_at_once(tree, personas, web):
    same = [make_review(make_resident(tree.A1g, name=f"甲{i}"), status="opinion", grade="A", previous="A") for i in range(3)]
    changed = make_review(make_resident(tree.A1g, name="乙变"), status="opinion", grade="B", previous="A")
    client = web(personas.village_secretary_a1)
    page = client.get("/credit/reviews/").content.decode()
    assert page.index("乙变") < min(page.index(f"甲{i}") for i in range(3))
    resp = client.post("/credit/reviews/bulk/", {"action": "approve", "reviews": [r.pk for r in same] + [changed.pk]},
                       follow=True)
    assert "已审批 4 条评议" in resp.content.decode()
    assert Review.objects.filter(status="notice").count() == 4


def test_a_secretary_of_another_village_gets_404_on_the_review_and_the_approval(tree, personas, web, api):
    review = make_review(make_resident(tree.A1g), status="opinion")
    other = make_user("secretary_a2", Role.VILLAGE_SECRETARY, tree.A2)
    assert web(other).get(f"/credit/reviews/{review.pk}/").status_code == 404
    assert web(other).post(f"/credit/reviews/{review.pk}/approve/").status_code == 404
    assert web(other).post("/credit/reviews/bulk/", {"action": "approve", "reviews": [review.pk]}).status_code == 404
    assert api(other).post("/api/v1/credit/reviews-approve/", {"reviews": [review.pk]}, format="json").status_code == 404
    assert Review.objects.get(pk=review.pk).status == "opinion"


def test_approving_twice_through_the_api_answers_409(tree, personas, api):
    review = make_review(make_resident(tree.A1g), status="opinion")
    client = api(personas.village_secretary_a1)
    assert client.post(f"/api/v1/credit/reviews/{review.pk}/approve/").json()["status"] == "notice"
    resp = client.post(f"/api/v1/credit/reviews/{review.pk}/approve/")
    assert resp.status_code == 409 and "未做任何更改" in resp.json()["detail"]


def test_the_public_notice_shows_the_villages_grades_with_masked_ids_only(tree, personas, web):
    neighbour = resident_with_id(tree.A1g, valid_id_number(), name="公示村民")
    make_review(neighbour, status="notice", grade="AA")
    make_review(make_resident(tree.B1g, name="别村居民"), status="notice")
    page = web(personas.resident_a1).get("/credit/notice/").content.decode()
    assert "公示村民" in page and neighbour.id_masked in page and "别村居民" not in page
    from governance import pii

    assert pii.decrypt(neighbour.id_cipher) not in page


def test_a_resident_objects_from_their_own_credit_page(tree, personas, web):
    review = make_review(personas.resident_a1.resident, status="notice", grade="B")
    client = web(personas.resident_a1)
    page = client.get("/credit/me/").content.decode()
    assert "正在公示" in page and "提出异议" in page
    client.post(f"/credit/reviews/{review.pk}/object/", {"reason": "邻里纠纷已调解，记录应撤销"})
    assert Objection.objects.get(review=review).status == "open"
    assert web(personas.resident_b1).post(f"/credit/reviews/{review.pk}/object/", {"reason": "x"}).status_code == 404


def test_the_residents_page_explains_each_criterion_and_the_records_behind_it(tree, personas, web):
    res = make_resident(tree.A1g)
    make_record(res, code="customs", sign=-1, points=-5)
    make_record(res, code="public", sign=1, points=3, days_ago=2000)  # expired
    page = web(personas.village_secretary_a1).get(f"/residents/{res.pk}/").content.decode()
    assert "移风易俗" in page and "大操大办" in page and "已过有效期" in page
    assert "<strong>5</strong>" in page  # 10 − 5


def test_record_entry_and_verification_through_the_pages(tree, personas, web):
    number = valid_id_number()
    res = resident_with_id(tree.A1g, number)
    rt = record_type("neighbour", sign=1)
    resp = web(personas.grid_leader_a1).post("/credit/records/add/", {
        "id_number": number, "record_type": rt.pk, "fact_date": timezone.localdate().isoformat(),
        "source": "grid_visit", "evidence": "调解张李两家宅基地纠纷"})
    record = CreditRecord.objects.get(resident=res)
    assert resp.status_code == 302 and record.status == "pending"
    bad = web(personas.grid_leader_a1).post("/credit/records/add/", {
        "id_number": number, "record_type": rt.pk, "points": 50, "fact_date": timezone.localdate().isoformat(),
        "source": "grid_visit", "evidence": "x"})
    assert "超出" in bad.content.decode() and CreditRecord.objects.count() == 1
    web(personas.village_assistant_a1).post(f"/credit/records/{record.pk}/verify/")
    assert CreditRecord.objects.get(pk=record.pk).status == "verified"


def test_a_bank_without_consent_gets_a_clear_message_and_no_check(tree, personas, web):
    number = valid_id_number()
    resident_with_id(tree.A1g, number)
    bank = Unit.objects.create(name="农商银行甲镇支行", kind="financial", region=tree.A)
    bank.staff.add(personas.unit_staff_a)
    from credit.models import CheckPurpose

    loan = CheckPurpose.objects.get(code="loan")
    resp = web(personas.unit_staff_a).post("/credit/checks/bank/", {"unit": bank.pk, "purpose": loan.pk,
                                                                    "id_number": number})
    assert "未查到该居民对本单位" in resp.content.decode()
    assert not GradeCheck.objects.exists()


def test_a_standard_with_six_criteria_is_refused_by_the_api(personas, api):
    payload = standard_copy_payload(v1())
    payload.update(version=2, effective_from=timezone.localdate().isoformat(), criteria=payload["criteria"][:6])
    resp = api(personas.county_admin).post("/api/v1/credit/standards/", payload, format="json")
    assert resp.status_code == 400 and "七个条目" in resp.json()["criteria"][0]
    assert Standard.objects.count() == 1


def test_the_county_saves_a_new_version_in_the_standard_editor(personas, web):
    from credit.forms import StandardForm

    initial = StandardForm.initial_from(standard_copy_payload(v1()), 2)
    data = {**initial, "effective_from": (timezone.localdate() + dt.timedelta(days=30)).isoformat(), "a": 65}
    resp = web(personas.county_admin).post("/credit/standards/add/", data)
    assert resp.status_code == 302
    assert Standard.objects.get(version=2).a_min == 65
    data = {**data, "version": 3, "law_types": "见义勇为 +50"}
    resp = web(personas.county_admin).post("/credit/standards/add/", data)
    assert "超出该条目的范围" in resp.content.decode() and not Standard.objects.filter(version=3).exists()


def test_the_shortlist_puts_honest_workers_first_and_leaves_out_low_grades(tree, personas, api):
    from credit.models import DomesticWorker, WorkerRequest

    def worker(name, grade, stars):
        res = make_resident(tree.A1g, name=name)
        make_review(res, status="effective", grade=grade)
        ResidentCredit.objects.filter(resident=res).update(effective_grade=grade)
        return DomesticWorker.objects.create(resident=res, skills="育婴、保洁", stars=stars)

    worker("五星B", "B", 5), worker("三星AAA", "AAA", 3), worker("四星AAA", "AAA", 4), worker("五星C", "C", 5)
    req = WorkerRequest.objects.create(region=tree.A1, employer="李先生", skill="育婴",
                                       created_by=personas.village_assistant_a1)
    rows = api(personas.village_assistant_a1).get(f"/api/v1/credit/worker-requests/{req.pk}/shortlist/").json()
    assert [r["name"] for r in rows] == ["四星AAA", "三星AAA", "五星B"]
    assert "信用等级 AAA" in rows[0]["why"] and "4 星" in rows[0]["why"]


@pytest.mark.parametrize("url", ["/credit/reviews/", "/credit/records/", "/credit/notice/", "/credit/workers/",
                                 "/credit/checks/", "/api/v1/credit/reviews/", "/api/v1/credit/records/"])
def test_lists_cost_the_same_queries_at_10_and_100_rows(url, tree, personas, web, django_assert_max_num_queries):
    from credit.models import DomesticWorker

    client = web(personas.village_secretary_a1)

    def grow(n):
        for _ in range(n):
            res = make_resident(tree.A1g)
            make_review(res, status="notice")
            make_record(res, status="pending", author=personas.grid_leader_a1)
            DomesticWorker.objects.create(resident=res, skills="保洁", stars=3)
            GradeCheck.objects.create(purpose_id=1, resident=res, grade_seen="A", rule="r", result="pass",
                                      asked_by=personas.township_staff_a)

    grow(10)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(90)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_public_notice_reaches_no_administrator_by_virtue_of_their_role(tree, administrators, web):
    """三员分立: the notice board names residents, so the three administrators' roles do not open it (issue #18)."""
    make_review(make_resident(tree.A1g, name="公示人"), status="notice")
    assert "公示人" in web(administrators.village_secretary_a1).get("/credit/notice/").content.decode()
    for admin in (administrators.system_admin, administrators.security_admin, administrators.audit_admin):
        page = web(admin).get("/credit/notice/").content.decode()
        assert "公示人" not in page and "评议公示" not in web(admin).get("/").content.decode()
