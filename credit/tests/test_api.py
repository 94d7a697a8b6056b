"""The API's verbs: declared once (governance.api.base.verb), one policy (404 out of sight, 403 seen but not
allowed, 400 on the field for a reference, 409 for a lost race), and a fixed number of queries each."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from credit.models import CreditRecord, Review
from governance.scoping import Role
from governance.tests.fixtures import make_resident, make_user

from .factories import make_record, make_review, record_type

BASE = "/api/v1/credit"


@pytest.fixture(autouse=True)
def content_types():
    for model in (CreditRecord, Review):  # cached for the process's life in production
        ContentType.objects.get_for_model(model)


def test_a_record_verified_and_a_review_approved_in_a_fixed_number_of_queries(tree, personas, api,
                                                                             django_assert_num_queries):
    """The verify: session, user, roles, the record locked in the caller's scope for the step (with the
    resident and type the answer shows), the conditional UPDATE, the audit entry (+ savepoint and release);
    the answer is the record the action returns. The approval (the bulk one of one): the review locked, its
    standard's notice days, the UPDATE, history and audit rows, the residents to notify, then the review
    read again with its timeline (+2)."""
    record = make_record(make_resident(tree.A1g), status="pending", author=personas.grid_leader_a1)
    client = api(personas.village_assistant_a1)
    with django_assert_num_queries(8):
        resp = client.post(f"{BASE}/records/{record.pk}/verify/", {}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "verified"
    assert resp.json() == client.get(f"{BASE}/records/{record.pk}/").json()  # the answer is what a read shows

    review = make_review(make_resident(tree.A1g), status="opinion")
    secretary = api(personas.village_secretary_a1)
    with django_assert_num_queries(16):  # 13 + the outbox's notice, its deliveries, the people's phones and e-mails
        resp = secretary.post(f"{BASE}/reviews/{review.pk}/approve/", {}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "notice"
    assert resp.json() == secretary.get(f"{BASE}/reviews/{review.pk}/").json()


def test_the_bulk_approval_costs_the_same_at_3_and_30_reviews(tree, personas, api, django_assert_num_queries):
    secretary = api(personas.village_secretary_a1)
    for n in (3, 30):
        ids = [make_review(make_resident(tree.A1g), status="opinion").pk for _ in range(n)]
        with django_assert_num_queries(14):  # 11 + the outbox (outreach): constant whatever the number of reviews
            resp = secretary.post(f"{BASE}/reviews-approve/", {"reviews": ids}, format="json")
        assert resp.status_code == 200 and resp.json() == {"count": n}
    assert Review.objects.filter(status="notice").count() == 33


def test_the_bulk_approval_answers_one_policy_for_the_whole_set(tree, personas, api):
    mine = [make_review(make_resident(tree.A1g), status="opinion") for _ in range(2)]
    theirs = make_review(make_resident(tree.B1g), status="opinion")
    ids = [r.pk for r in mine]
    url = f"{BASE}/reviews-approve/"
    assert api(personas.village_secretary_a1).post(url, {"reviews": ids + [theirs.pk]}, format="json").status_code == 404
    # The assistant sees the village's reviews but does not approve them.
    assert api(personas.village_assistant_a1).post(url, {"reviews": ids}, format="json").status_code == 403
    Review.objects.filter(pk=mine[0].pk).update(status="notice")
    resp = api(personas.village_secretary_a1).post(url, {"reviews": ids}, format="json")
    assert resp.status_code == 409 and "未做任何更改" in resp.json()["detail"]
    assert Review.objects.get(pk=mine[1].pk).status == "opinion"


def test_a_reference_out_of_scope_is_a_400_on_its_field_and_an_outsider_gets_404(tree, personas, api):
    theirs = make_resident(tree.B1g)
    body = {"resident": theirs.pk, "record_type": record_type("law").pk, "fact_date": timezone.localdate().isoformat(),
            "evidence": "走访", "source": "grid_visit"}
    resp = api(personas.grid_leader_a1).post(f"{BASE}/records/", body, format="json")
    assert resp.status_code == 400 and list(resp.json()) == ["resident"] and not CreditRecord.objects.exists()
    record = make_record(make_resident(tree.A1g), status="pending", author=personas.grid_leader_a1)
    outsider = make_user("secretary_a2", Role.VILLAGE_SECRETARY, tree.A2)
    assert api(outsider).post(f"{BASE}/records/{record.pk}/reject/", {}, format="json").status_code == 404
    # The author sees the record but may not decide it (four eyes): 403, with the rule's reason.
    resp = api(personas.grid_leader_a1).post(f"{BASE}/records/{record.pk}/reject/", {"reason": "x"}, format="json")
    assert resp.status_code == 403
