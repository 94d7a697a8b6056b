"""outreach/'s entries in the authorization matrix."""
import datetime as dt
import itertools

from django.utils import timezone

from governance.tests.fixtures import make_resident, make_user
from governance.tests.matrix import PUBLIC_URL_NAMES, register, register_kwarg, register_pages
from outreach.models import Delivery, LocalMessage, Notice, NoticePreference, SignInCode

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
register(SignInCode, lambda region, side, tree, p: SignInCode.objects.create(
    phone_hash=f"matrix-{next(_seq)}", phone_masked="139****0000", code_hash="x$y",
    expires_at=timezone.now() + dt.timedelta(minutes=5)))
# The villager's sign-in by SMS code (issue #19) is for the anonymous: public like the login page.
PUBLIC_URL_NAMES |= {"phone_sign_in", "phone_sign_in_code"}
# A person's own page (issue #19): no object in its URL; it reads and writes only the signed-in user's rows.
register_pages("preferences")
register(NoticePreference, lambda region, side, tree, p: NoticePreference.objects.create(
    user=make_user(f"matrix-pref-{next(_seq)}"), event="credit.notice", channels=["portal", "sms"]))
