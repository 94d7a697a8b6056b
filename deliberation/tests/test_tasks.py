import datetime as dt

from django.utils import timezone

from governance.models import JobStatus, Notification

from deliberation.tasks import notify_ended_windows, window_ended

from .factories import make_topic


def test_the_office_is_told_once_when_the_online_window_ends(tree, personas):
    now = timezone.now()
    ended = make_topic(tree.A1g, opens_at=now - dt.timedelta(days=3), closes_at=now - dt.timedelta(minutes=5))
    make_topic(tree.A1g, title="仍在进行")
    make_topic(tree.B1g, opens_at=now - dt.timedelta(days=3), closes_at=now - dt.timedelta(minutes=5),
               status="closed")
    assert window_ended() == 1
    notes = Notification.objects.filter(title__contains=ended.title)
    assert set(notes.values_list("user__username", flat=True)) == {"village_secretary_a1", "village_assistant_a1"}
    assert notify_ended_windows() == 0 and notes.count() == 2
    assert JobStatus.objects.get(name="deliberation-window-ended").last_result == {"topics": 1}
