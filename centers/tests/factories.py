"""Factories for centers/ tests: staff in centers, party branches and members, candidates."""
from __future__ import annotations

import datetime as dt
import itertools

from governance.models import Region
from governance.scoping import Role
from governance.tests.fixtures import make_resident, make_user

from centers.models import (
    Candidate,
    Center,
    CenterKind,
    PartyMember,
    PartyOrganization,
    ReserveCadre,
    Stage,
    StaffAssignment,
    WorkCategory,
    WorkItem,
)

_seq = itertools.count(1)


def center(township: Region, kind: str = CenterKind.CONSTRUCTION_DEVELOPMENT) -> Center:
    return Center.objects.get(township=township, kind=kind)


def staff(township: Region, kind: str = CenterKind.CONSTRUCTION_DEVELOPMENT, role: str = Role.TOWNSHIP_STAFF,
          user=None, username: str | None = None):
    """A township cadre assigned to one of its centers."""
    user = user or make_user(username or f"staff{next(_seq)}", role, township)
    StaffAssignment.objects.create(user=user, township=township, center=center(township, kind),
                                   original_unit="镇农业综合服务站", original_post="站长",
                                   establishment=StaffAssignment.Establishment.PUBLIC_INSTITUTION,
                                   start_date=dt.date(2025, 1, 1))
    return user


def work_item(township: Region, code: str = "road_repair", **kw) -> WorkItem:
    from centers.actions import work_item_create

    # Transactional tests (live server, worker) flush the migration's rows: restore the one needed.
    category, _ = WorkCategory.objects.get_or_create(
        code=code, defaults={"name": "道路维修", "center_kind": CenterKind.CONSTRUCTION_DEVELOPMENT})
    return work_item_create(actor=None, township=township, category=category, title=kw.pop("title", "修补村道坑洼"), **kw)


def village_branch(village: Region) -> PartyOrganization:
    org, _ = PartyOrganization.objects.get_or_create(
        region=village, name=f"{village.name}党支部", defaults={"kind": PartyOrganization.Kind.BRANCH})
    return org


def member(region: Region, membership=PartyMember.Membership.FULL, joined=dt.date(2010, 7, 1), **kw) -> PartyMember:
    village = region if region.level == Region.Level.VILLAGE else region.ancestor_at(Region.Level.VILLAGE)
    resident = kw.pop("resident", None) or make_resident(region)
    return PartyMember.objects.create(resident=resident, organization=village_branch(village), region=village,
                                      membership=membership, joined_on=joined, **kw)


def candidate(region: Region, stage: str = Stage.APPLICANT, since=dt.date(2024, 1, 1), mentor=None) -> Candidate:
    village = region if region.level == Region.Level.VILLAGE else region.ancestor_at(Region.Level.VILLAGE)
    return Candidate.objects.create(resident=make_resident(region), village=village, organization=village_branch(village),
                                    stage=stage, stage_since=since, mentor=mentor or member(region))


def reserves(village: Region, n: int) -> list[ReserveCadre]:
    return [ReserveCadre.objects.create(village=village, resident=make_resident(village), since=dt.date(2025, 3, 1))
            for _ in range(n)]
