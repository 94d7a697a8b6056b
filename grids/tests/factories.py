from __future__ import annotations

import datetime as dt

from django.utils import timezone

from centers.models import WorkCategory
from governance.tests.fixtures import make_household, make_resident
from grids.models import EscalationLevel, Grid, GridMember, Issue, IssueEvent, IssueStatus, Severity


def category(kind: str | None = None) -> WorkCategory:
    qs = WorkCategory.objects.filter(active=True)
    if kind:
        qs = qs.filter(center_kind=kind)
    found = qs.order_by("pk").first()
    if found is None:  # transactional tests flush the data migration's categories
        kind = kind or "construction_development"
        found, _ = WorkCategory.objects.get_or_create(code=f"test-{kind}"[:40], defaults={
            "name": f"测试类别{kind}", "center_kind": kind})
    return found


def make_issue(region, *, reporter, level=EscalationLevel.GRID, status=IssueStatus.REPORTED, severity=Severity.MINOR,
               deadline=None, title="路灯不亮", cat=None) -> Issue:
    from governance.models import Region

    group = region if region.level == Region.Level.GROUP else Region.objects.get(path=region.path[:15])
    issue = Issue.objects.create(
        title=title, description="村口路灯坏了一周", category=cat or category(), severity=severity, region=group,
        village=Region.objects.get(path=group.path[:12]), township=Region.objects.get(path=group.path[:9]),
        reporter=reporter, level=level, status=status,
        deadline=deadline or timezone.now() + dt.timedelta(hours=24),
    )
    IssueEvent.objects.create(issue=issue, kind="reported", actor=reporter, to_status=status, to_level=EscalationLevel.GRID)
    return issue


def party_member(region, name="党员甲"):
    return make_resident(region, name=name, is_party_member=True)


def staffed_grid(region, n_members=2) -> tuple[Grid, list]:
    grid = Grid.objects.get(region=region)
    members = [party_member(region, f"党员{i}") for i in range(n_members)]
    for m in members:
        GridMember.objects.create(grid=grid, resident=m)
    return grid, members


__all__ = ["make_household", "make_issue", "party_member", "staffed_grid", "category"]
