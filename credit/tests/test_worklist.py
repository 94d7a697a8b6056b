"""The village secretary's home says what waits: reviews to approve, with a link to exactly that list."""
from governance.tests.fixtures import make_resident

from .factories import make_review


def _card(html: str, key: str) -> str:
    start = html.index(f'data-task="{key}"')
    return html[html.rindex("<a", 0, start):html.index("</a>", start)]


def test_the_secretary_sees_the_reviews_waiting_for_approval_and_the_outsider_does_not(tree, personas, web):
    for n in range(3):
        make_review(make_resident(tree.A1g, name=f"待审{n}"), status="opinion")
    make_review(make_resident(tree.A1g, name="待评"), status="draft")
    make_review(make_resident(tree.B1g, name="乙村"), status="opinion")
    html = web(personas.village_secretary_a1).get("/").content.decode()
    card = _card(html, "credit.reviews_to_approve")
    assert 'worklist-count" aria-hidden="true">3<' in card and "/credit/reviews/?status=opinion" in card
    assert 'aria-hidden="true">1<' in _card(html, "credit.reviews_for_opinion")
    # the assistant prepares the meeting but does not approve; the township neither
    assert "credit.reviews_to_approve" not in web(personas.village_assistant_a1).get("/").content.decode()
    assert "credit.reviews_to_approve" not in web(personas.township_head_a).get("/").content.decode()
    other = web(personas.village_secretary_b1).get("/").content.decode()
    assert 'aria-hidden="true">1<' in _card(other, "credit.reviews_to_approve")


def test_the_home_costs_one_query_per_task(tree, personas, web, django_assert_max_num_queries):
    client = web(personas.village_secretary_a1)
    client.get("/")
    with django_assert_max_num_queries(25):
        assert client.get("/").status_code == 200


def test_background_jobs_are_named_in_words_on_the_countys_home(tree, personas, web):
    from governance.models import JobStatus
    from django.utils import timezone

    JobStatus.objects.create(name="credit.recompute", last_started_at=timezone.now())
    html = web(personas.county_admin).get("/").content.decode()
    assert "夜间信用等级重算" in html and "credit.recompute" not in html
