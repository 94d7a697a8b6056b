"""The review list's bulk bar: each ticked review goes through the one-review action in its own transaction;
one that cannot take the step is named with its reason and does not undo the others."""
from credit.models import Review, ReviewEvent
from governance.tests.fixtures import make_resident

from .factories import make_review


def test_approving_twenty_with_one_already_on_notice_approves_nineteen_and_names_the_one(tree, personas, web):
    ready = [make_review(make_resident(tree.A1g, name=f"村民{i}"), status="opinion") for i in range(19)]
    late = make_review(make_resident(tree.A1g, name="已公示者"), status="notice")
    client = web(personas.village_secretary_a1)
    page = client.get("/credit/reviews/").content.decode()
    assert 'data-bulk="input[name=reviews]"' in page and '<dialog id="bulk-approve"' in page
    resp = client.post("/credit/reviews/bulk/", {"action": "approve", "reviews": [r.pk for r in ready] + [late.pk],
                                                 "next": "/credit/reviews/?status=opinion"}, follow=True)
    assert resp.redirect_chain[-1][0] == "/credit/reviews/?status=opinion"
    said = [str(m) for m in resp.context["messages"]]
    assert "已审批 19 条评议，进入公示。" in said
    refusal = next(m for m in said if "1 条未处理" in m)
    assert "已公示者" in refusal and "公示中" in refusal and "他人" not in refusal  # the real reason, nobody blamed
    assert Review.objects.filter(pk__in=[r.pk for r in ready], status="notice").count() == 19
    assert ReviewEvent.objects.filter(review=late).count() == 0


def test_the_meetings_opinion_goes_only_with_the_agree_step(tree, personas, web):
    drafts = [make_review(make_resident(tree.A1g, name=f"草稿{i}"), status="draft") for i in range(2)]
    client = web(personas.village_secretary_a1)
    resp = client.post("/credit/reviews/bulk/", {"action": "agree", "reviews": [r.pk for r in drafts],
                                                 "opinion": "经村评议会讨论同意"}, follow=True)
    assert "已为 2 条评议记录评议意见。" in [str(m) for m in resp.context["messages"]]
    assert set(Review.objects.filter(pk__in=[r.pk for r in drafts]).values_list("status", "opinion")) == {
        ("opinion", "经村评议会讨论同意")}
