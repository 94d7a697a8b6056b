"""What 三村议事 adds to a village's page and a resident's page (registered in apps.py)."""
from __future__ import annotations

from governance.models import Region

from . import selectors
from .models import Topic, Vote


def region_panel(*, user, region):
    if region.level != Region.Level.VILLAGE:
        return None
    topics = selectors.topic_list(user=user).filter(region=region)[:5]
    councils = selectors.council_list(user=user).filter(region=region)
    if not topics and not councils.exists():
        return None
    return {"region": region, "topics": topics, "councils": councils}


def resident_panel(*, user, resident):
    votes = (Vote.objects.restrict(user, "view").filter(resident=resident)
             .select_related("topic", "option").order_by("-cast_at")[:10])
    memberships = selectors.council_member_list(user=user).filter(resident=resident)
    if not votes and not memberships.exists():
        return None
    return {"votes": votes, "memberships": memberships, "Topic": Topic}
