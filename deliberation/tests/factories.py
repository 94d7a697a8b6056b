"""Factories for 三村议事 tests: a topic open now in a village, villagers at home and away."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from governance.models import Resident
from governance.tests.fixtures import make_resident, make_user
from governance.scoping import Role

from deliberation import actions
from deliberation.models import Council, CouncilMember, Proposal, ProposalSupport, Resolution, Topic


def village_of(region):
    return region if region.level == 3 else region.parent if region.level == 4 else region.parent.parent


def make_villager(region, username=None, away=False, **kw):
    """A villager (18+) registered in `region`, with a login holding the resident role at their village."""
    user = make_user(username, Role.RESIDENT, village_of(region)) if username else None
    extra = {"status": Resident.Status.AWAY, "away_location": "浙江省杭州市"} if away else {}
    return make_resident(region, user=user, **extra, **kw)


def make_topic(region, actor=None, *, status="open", kind=Topic.Kind.PROPOSAL, options=None, quorum=50, majority=50,
               opens_at=None, closes_at=None, title="修建村道路灯", groups=(), secret=False):
    """A topic in the village of `region`, moved to `status` directly (no actor checks): for fixtures."""
    now = timezone.now()
    village = village_of(region)
    topic = Topic.objects.create(
        region=village, title=title, background="村道夜间无照明，拟用村级经费安装太阳能路灯20盏。", kind=kind,
        opens_at=opens_at or now - dt.timedelta(hours=1), closes_at=closes_at or now + dt.timedelta(days=3),
        meeting_at=now + dt.timedelta(days=1), meeting_place="村党群服务中心", quorum_percent=quorum,
        majority_percent=majority, created_by=actor, status=status, secret=secret,
        opened_at=now if status != "draft" else None,
    )
    topic.eligible_groups.set(groups)
    actions._set_options(topic, kind, options or [])
    return topic


def make_council(region, **kw):
    return Council.objects.create(region=village_of(region), name=kw.pop("name", "村民议事会"),
                                  kind=kw.pop("kind", Council.Kind.DELIBERATION), **kw)


def make_member(council, resident, role=CouncilMember.Role.MEMBER):
    return CouncilMember.objects.create(council=council, resident=resident, role=role,
                                        term_start=timezone.localdate() - dt.timedelta(days=30))


def make_resolution(topic, text="同意安装路灯，由村委会组织实施。"):
    Topic.objects.filter(pk=topic.pk).update(status=Topic.Status.CLOSED, closed_at=timezone.now())
    return Resolution.objects.create(topic=topic, text=text)


def make_proposal(region, *, proposer=None, needed=3, status=Proposal.Status.COLLECTING, title="村口增设公交候车亭"):
    """A villagers' proposal in the village of `region`, its proposer its first supporter (no actor checks)."""
    proposer = proposer or make_resident(region)
    proposal = Proposal.objects.create(
        region=village_of(region), title=title, body="村民出行候车无遮挡，建议在村口增设候车亭一座。", proposer=proposer,
        collects_until=timezone.localdate() + dt.timedelta(days=30), eligible_count=30, support_needed=needed,
        status=status, qualified_at=timezone.now() if status != Proposal.Status.COLLECTING else None)
    ProposalSupport.objects.create(proposal=proposal, resident=proposer)
    return proposal


def make_procedure(topic, status="propose"):
    from deliberation.models import Procedure

    return Procedure.objects.create(topic=topic, status=status)


def make_ledger_line(region, *, published=False, month=None, amount="1200.00", kind="expense",
                     category="operating_fund", **kw):
    """A line in the village of `region` (its month published or not), entered directly for fixtures."""
    from decimal import Decimal

    from deliberation.models import LedgerLine, LedgerMonth

    month_day = month or timezone.localdate().replace(day=1)
    m, _created = LedgerMonth.objects.get_or_create(region=village_of(region), month=month_day)
    if published and m.status != "published":
        m.status, m.published_at = "published", timezone.now()
        m.save()
    return LedgerLine.objects.create(month=m, kind=kind, category=category, amount=Decimal(amount),
                                     occurred_on=month_day, counterparty=kw.pop("counterparty", "县供电公司"),
                                     voucher_no=kw.pop("voucher_no", "记-001"),
                                     voucher_summary=kw.pop("voucher_summary", "村部电费"), **kw)


def make_self_build(region, status="building"):
    from decimal import Decimal

    from deliberation.models import SelfBuildProject

    return SelfBuildProject.objects.create(region=village_of(region), name="组内排水沟清淤", description="清淤300米",
                                           budget=Decimal("8000"), decided_on=timezone.localdate(),
                                           decision="村民小组会议到会32人，31人同意自建自管", status=status,
                                           checked_at=timezone.now() if status in ("returned", "accepted") else None)
