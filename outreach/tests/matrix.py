"""outreach/'s entries in the authorization matrix."""
import itertools

from governance.tests.fixtures import make_resident
from governance.tests.matrix import register, register_kwarg, register_pages
from outreach.models import Delivery, LocalMessage, Notice

_seq = itertools.count(1)


def _notice(region, side, tree, p):
    return Notice.objects.create(title="matrix", region=region)


register(Notice, _notice)
register(Delivery, lambda region, side, tree, p: Delivery.objects.create(
    notice=_notice(region, side, tree, p), resident=make_resident(region), channel=Delivery.Channel.SMS))
register(LocalMessage, lambda region, side, tree, p: LocalMessage.objects.create(
    channel="sms", message_id=f"matrix-{next(_seq)}", to="139****0000", text="matrix"))
register_pages("sent_notice_list", "local_outbox")
register_kwarg("notice_detail:pk", Notice)
