"""三村议事 on SQLite: the village secretary convenes a topic, a migrant votes remotely and a villager online (one
vote each), and closing locks the tally per channel."""
import datetime as dt

from django.utils import timezone

from deliberation.models import Topic, Vote
from governance.models import RoleAssignment

from .helpers import messages_of, page


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_topic_is_convened_voted_on_from_away_and_at_home_and_closed(login):
    village = RoleAssignment.objects.get(user__username="village_secretary").region
    secretary = login("village_secretary")
    now = timezone.now()
    resp = secretary.post("/deliberation/topics/add/", {
        "region": village.pk, "title": "冒烟：村口安装路灯", "background": "村口夜间无照明", "kind": "proposal",
        "opens_at": _local(now - dt.timedelta(hours=1)), "closes_at": _local(now + dt.timedelta(days=7)),
        "quorum_percent": 1, "majority_percent": 50})
    assert resp.status_code == 302
    topic = Topic.objects.get(title="冒烟：村口安装路灯")
    resp = secretary.post(f"/deliberation/topics/{topic.pk}/open/", follow=True)
    assert "议题已发布，已通知本村村民（含外出村民）。" in messages_of(resp)
    yes = topic.options.get(meaning="for")

    migrant = login("resident_away")
    assert "村口夜间无照明" in page(migrant.get(topic.get_absolute_url()))
    resp = migrant.post(f"/deliberation/topics/{topic.pk}/vote/", {"option": yes.pk, "confirmed": "1"}, follow=True)
    assert any("您的表决已记录" in m for m in messages_of(resp))
    resp = migrant.post(f"/deliberation/topics/{topic.pk}/vote/", {"option": yes.pk, "confirmed": "1"}, follow=True)
    assert "只能表决一次" in page(resp)
    login("resident").post(f"/deliberation/topics/{topic.pk}/vote/", {"option": yes.pk, "confirmed": "1"})
    assert sorted(Vote.objects.filter(topic=topic).values_list("channel", flat=True)) == ["online", "remote"]

    resp = secretary.post(f"/deliberation/topics/{topic.pk}/close/", follow=True)
    assert "表决已结束，结果已锁定。" in messages_of(resp)
    topic.refresh_from_db()
    assert topic.status == "closed" and topic.result["total"] == 2 and topic.passed
    assert login("village_secretary_2").get(topic.get_absolute_url()).status_code == 404
