"""Centers on SQLite: the township's staff take a work item from their center's queue, and the township head
switches the operating mode (which only the head or the county may do)."""
from django.urls import reverse

from centers.actions import township_mode
from centers.models import CenterKind, OperatingMode, WorkItem
from governance.models import Region

from .helpers import messages_of, page


def test_the_township_staff_take_an_open_item_of_their_center(login):
    item = WorkItem.objects.filter(township__name="青石镇", center__kind=CenterKind.CONSTRUCTION_DEVELOPMENT,
                                   status=WorkItem.Status.OPEN).order_by("pk").first()
    client = login("township_staff")
    assert item.title in page(client.get("/centers/queue/"))
    resp = client.post(reverse("centers:work_item_take", args=[item.pk]), follow=True)
    assert resp.status_code == 200 and "已承办该事项。" in messages_of(resp)
    item.refresh_from_db()
    assert item.status == WorkItem.Status.IN_PROGRESS and item.assignee.username == "township_staff"


def test_the_township_head_switches_the_mode_and_the_staff_may_not(login):
    township = Region.objects.get(name="青石镇")
    url = reverse("centers:mode_switch", args=[township.pk])
    before = township_mode(township)
    after = OperatingMode.COORDINATED if before == OperatingMode.NORMAL else OperatingMode.NORMAL
    assert login("township_staff").post(url, {"to_mode": after, "reason": "我想切换"}).status_code == 403
    resp = login("township_head").post(url, {"to_mode": after, "reason": "秋收秋种集中攻坚"}, follow=True)
    assert resp.status_code == 200 and "运行模式已切换，并已记入日志。" in messages_of(resp)
    assert township_mode(township) == after
