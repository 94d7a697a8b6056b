"""The API: the same rules as the pages, as JSON (400 with Chinese field messages, 404 out of scope, 409 races)."""
from django.contrib.contenttypes.models import ContentType

from deliberation.models import Topic, Vote

from .factories import make_resolution, make_topic, make_villager


def test_a_villager_votes_once_through_the_api(tree, personas, api):
    topic = make_topic(tree.A1g)
    c = api(personas.resident_a1)
    yes = topic.options.get(meaning="for")
    resp = c.post(f"/api/v1/deliberation/topics/{topic.pk}/vote/", {"option": yes.pk}, format="json")
    assert resp.status_code == 201 and resp.json()["channel"] == "online"
    resp = c.post(f"/api/v1/deliberation/topics/{topic.pk}/vote/", {"option": yes.pk}, format="json")
    assert resp.status_code == 400 and "只能表决一次" in resp.json()["non_field_errors"][0]
    assert [v["id"] for v in c.get("/api/v1/deliberation/votes/").json()["results"]] == [Vote.objects.get().pk]


def test_another_village_gets_404_and_a_closed_topic_400(tree, personas, api):
    topic = make_topic(tree.A1g)
    yes = topic.options.get(meaning="for")
    assert api(personas.resident_b1).post(f"/api/v1/deliberation/topics/{topic.pk}/vote/", {"option": yes.pk},
                                          format="json").status_code == 404
    assert api(personas.village_secretary_a1).post(f"/api/v1/deliberation/topics/{topic.pk}/close/").status_code == 200
    resp = api(personas.resident_a1).post(f"/api/v1/deliberation/topics/{topic.pk}/vote/", {"option": yes.pk},
                                          format="json")
    assert resp.status_code == 400 and "已结束表决" in str(resp.json())
    assert api(personas.village_secretary_a1).post(f"/api/v1/deliberation/topics/{topic.pk}/close/").status_code == 409


def test_a_quorum_above_100_and_a_tally_above_attendance_are_400(tree, personas, api):
    c = api(personas.village_secretary_a1)
    resp = c.post("/api/v1/deliberation/topics/", {
        "region": tree.A1.pk, "title": "议题", "background": "材料", "opens_at": "2026-12-01T08:00:00+08:00",
        "closes_at": "2026-12-03T08:00:00+08:00", "quorum_percent": 101}, format="json")
    assert resp.status_code == 400 and "quorum_percent" in resp.json() and not Topic.objects.exists()
    topic = make_topic(tree.A1g)
    people = [make_villager(tree.A1g) for _ in range(2)]
    assert c.post(f"/api/v1/deliberation/topics/{topic.pk}/sign-in/", {"residents": [p.pk for p in people]},
                  format="json").json()["signed_in"] == 2
    yes = topic.options.get(meaning="for")
    resp = c.post(f"/api/v1/deliberation/topics/{topic.pk}/hand-tally/", {"counts": {str(yes.pk): 3}}, format="json")
    assert resp.status_code == 400 and "超过了现场签到" in resp.json()["counts"][0]
    resp = c.post(f"/api/v1/deliberation/topics/{topic.pk}/hand-tally/", {"counts": {str(yes.pk): 2}}, format="json")
    assert resp.status_code == 200 and resp.json()["channels"]["in_person"]["votes"] == 2


def test_the_tally_is_published_to_villagers_only_once_closed(tree, personas, api):
    topic = make_topic(tree.A1g)
    api(personas.resident_a1).post(f"/api/v1/deliberation/topics/{topic.pk}/vote/",
                                   {"option": topic.options.first().pk}, format="json")
    assert api(personas.resident_a1).get(f"/api/v1/deliberation/topics/{topic.pk}/tally/").status_code == 403
    assert api(personas.village_secretary_a1).get(f"/api/v1/deliberation/topics/{topic.pk}/tally/").json()["total"] == 1
    api(personas.village_secretary_a1).post(f"/api/v1/deliberation/topics/{topic.pk}/close/")
    body = api(personas.resident_a1).get(f"/api/v1/deliberation/topics/{topic.pk}/tally/").json()
    assert body["total"] == sum(ch["votes"] for ch in body["channels"].values()) == 1


def test_a_resolution_links_a_work_item_through_the_api(tree, personas, api):
    from centers.models import Center, WorkCategory, WorkItem

    resolution = make_resolution(make_topic(tree.A1g))
    item = WorkItem.objects.create(township=tree.A, center=Center.objects.filter(township=tree.A).first(),
                                   category=WorkCategory.objects.first(), title="村道硬化")
    ct = ContentType.objects.get_for_model(WorkItem).pk
    c = api(personas.township_head_a)
    resp = c.post(f"/api/v1/deliberation/resolutions/{resolution.pk}/link/", {"content_type": ct,
                                                                              "object_id": str(item.pk)}, format="json")
    assert resp.status_code == 200 and resp.json()["links"][0]["label"] == "村道硬化"
    # The village secretary cannot see township work items, so cannot link one.
    resp = api(personas.village_secretary_a1).post(f"/api/v1/deliberation/resolutions/{resolution.pk}/link/",
                                                   {"content_type": ct, "object_id": str(item.pk)}, format="json")
    assert resp.status_code == 400 and "target" in resp.json()


def test_a_draft_is_edited_through_patch_and_a_published_topic_is_not(tree, personas, api):
    c = api(personas.village_secretary_a1)
    draft = make_topic(tree.A1g, status="draft")
    resp = c.patch(f"/api/v1/deliberation/topics/{draft.pk}/", {"title": "改过的议题", "kind": "choice",
                                                                 "options": ["甲方案", "乙方案"]}, format="json")
    assert resp.status_code == 200 and [o["label"] for o in resp.json()["options"]] == ["甲方案", "乙方案"]
    assert c.patch(f"/api/v1/deliberation/topics/{draft.pk}/", [1, 2], format="json").status_code == 400
    published = make_topic(tree.A1g)
    resp = c.patch(f"/api/v1/deliberation/topics/{published.pk}/", {"title": "偷偷改"}, format="json")
    assert resp.status_code == 400 and Topic.objects.get(pk=published.pk).title != "偷偷改"
