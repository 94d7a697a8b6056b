"""A villager's report (issue #17): plain words, no level to choose, the grid from who they are."""
import pytest


@pytest.mark.django_db
def test_a_villager_reports_in_plain_words_and_the_grid_comes_from_who_they_are(client, tree, personas):
    from grids.models import Issue, WorkCategory

    category = WorkCategory.objects.filter(active=True).first() or WorkCategory.objects.create(name="环境卫生")
    client.force_login(personas.resident_a1)
    form = client.get("/grids/issues/report/").content.decode()
    assert 'name="severity"' not in form and 'name="region"' not in form and 'name="household"' not in form
    assert 'capture="environment"' in form and "小事" not in form
    resp = client.post("/grids/issues/report/", {"category": category.pk, "title": "路灯坏了",
                                                 "description": "村口路灯不亮一周了"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    issue = Issue.objects.get(title="路灯坏了")
    assert issue.severity == "minor" and issue.region.path.startswith(tree.A1.path)
    assert issue.household is not None and issue.household.members.filter(user=personas.resident_a1).exists()
