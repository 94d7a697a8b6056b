"""accounts/'s part of the demo county: a few earlier sign-ins per demo user, so that 我的账号 and the
"上次登录" line show a history (idempotent: users who already have one are left alone)."""
from datetime import timedelta

from django.utils import timezone

from .models import LoginEvent

AGENTS = ["Chrome 120 · Windows", "微信 · Android", "Edge 119 · Windows", "Safari · iPhone"]


def seed(ctx) -> None:
    now = timezone.now()
    for n, (username, user) in enumerate(sorted(ctx.users.items())):
        if LoginEvent.objects.filter(user=user).exists():
            continue
        ip = f"10.12.{n % 200}.{ctx.rng.randint(2, 250)}"
        agent = AGENTS[n % len(AGENTS)]
        for days, kind in ((3, LoginEvent.Kind.SUCCESS), (1, LoginEvent.Kind.FAILURE), (1, LoginEvent.Kind.SUCCESS)):
            event = LoginEvent.objects.create(user=user, username=username, kind=kind, ip_address=ip, user_agent=agent)
            at = now - timedelta(days=days, hours=ctx.rng.randint(1, 8), minutes=ctx.rng.randint(0, 59))
            LoginEvent.objects.filter(pk=event.pk).update(at=at)
