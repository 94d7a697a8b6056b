"""Sections centers/ adds to a region's page: the township (mode, centers, contacts, reserves),
the village (contact cadre, members, reserves, pipeline, 两委, stars) and the county (shortfalls)."""
from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from governance.models import Region
from governance.scoping import COUNTY, TOWNSHIP, Role, region_allows

from . import actions, rules, selectors
from .models import RESERVE_MINIMUM, OperatingMode, PipelineStep, WorkItem


def township_panel(*, user, region):
    if region.level != Region.Level.TOWNSHIP or not selectors.center_list(user=user).filter(township=region).exists():
        return None
    centers = list(selectors.center_list(user=user).filter(township=region).annotate(
        open_items=Count("work_items", filter=~Q(work_items__status=WorkItem.Status.DONE)),
        staff=Count("assignments", filter=Q(assignments__end_date__isnull=True))))
    return {
        "region": region,
        "mode": OperatingMode(actions.township_mode(region)),
        "verbs": rules.TOWNSHIP_MODE.allowed(user, region),  # 切换模式 for the head or the county
        "switches": selectors.mode_switch_list(user=user).filter(township=region)[:5],
        "centers": centers,
        "no_contact": selectors.villages_without_contact(user=user, township=region),
        "short": selectors.villages_short_of_reserves(user=user, within=region),
        "minimum": RESERVE_MINIMUM,
        "overdue": selectors.work_item_list(user=user).filter(
            township=region, deadline__lt=timezone.now()).exclude(status=WorkItem.Status.DONE).count(),
    }


def village_panel(*, user, region):
    if region.level != Region.Level.VILLAGE or not region_allows(
            user, region, COUNTY | TOWNSHIP | {Role.VILLAGE_SECRETARY, Role.VILLAGE_ASSISTANT}):
        return None
    village = selectors.villages_with_reserve_counts(Region.objects.filter(pk=region.pk)).get()
    year = timezone.localdate().year
    return {
        "region": region,
        "contact": selectors.village_contact_list(user=user).filter(village=region).first(),
        "organizations": selectors.party_organization_list(user=user).filter(region=region),
        "reserve_count": village.reserve_count,
        "minimum": RESERVE_MINIMUM,
        "reserves": selectors.reserve_list(user=user).filter(village=region, left_on__isnull=True),
        "candidates": selectors.candidate_list(user=user).filter(village=region),
        "pending_steps": selectors.pipeline_step_list(user=user).filter(
            candidate__village=region, status=PipelineStep.Status.PROPOSED).count(),
        "committee": selectors.village_committee_summary(user=user, village=region),
        "ratings": selectors.secretary_rating_list(user=user).filter(village=region)[:5],
        "lead_goose": selectors.lead_goose_mark_list(user=user).filter(village=region, year=year),
        "year": year,
    }


def county_panel(*, user, region):
    if region.level != Region.Level.COUNTY or not region_allows(user, region, COUNTY):
        return None
    return {
        "short": selectors.villages_short_of_reserves(user=user, within=region),
        "minimum": RESERVE_MINIMUM,
        "modes": selectors.township_mode_list(user=user).filter(mode=OperatingMode.COORDINATED),
    }
