"""Reads of the core: start from the restricted queryset, preload what the page shows."""
from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import AuditEntry, Household, JobStatus, Notification, Region, Resident, RoleAssignment


def region_list(*, user, action: str = "view") -> QuerySet[Region]:
    return Region.objects.restrict(user, action).select_related("parent")


def region_children(*, user, region: Region) -> QuerySet[Region]:
    return region_list(user=user).filter(parent=region).annotate(n_children=Count("children")).order_by("code")


def user_root_regions(*, user) -> QuerySet[Region]:
    """The top regions of the user's scope: where the region browser starts."""
    from .scoping import role_paths, user_roles

    paths = role_paths(user, user_roles(user))
    if getattr(user, "is_superuser", False):
        return Region.objects.filter(level=Region.Level.COUNTY)
    return Region.objects.filter(path__in=paths).order_by("path")


def household_list(*, user) -> QuerySet[Household]:
    return (
        Household.objects.restrict(user, "view")
        .select_related("region", "head")
        .annotate(member_count=Count("members"))
        .order_by("number")
    )


def resident_list(*, user) -> QuerySet[Resident]:
    return Resident.objects.restrict(user, "view").select_related("region", "household").order_by("region__path", "name", "id")


def office_users(region_ids, roles) -> dict[int, list[int]]:
    """Who is the office of each region: {region id: [user ids]} of the active holders of one of `roles`
    assigned at exactly that region (the village office of a village, the township's staff, a grid's leader).
    One query, for one region or a batch of them; the one answer to "whom do we tell there"."""
    out: dict[int, list[int]] = {}
    region_ids = list(region_ids)
    if not region_ids:
        return out
    for region_id, user_id in (RoleAssignment.objects.filter(active=True, role__in=list(roles), region_id__in=region_ids)
                               .order_by("region_id", "user_id").values_list("region_id", "user_id").distinct()):
        out.setdefault(region_id, []).append(user_id)
    return out


def role_assignment_list(*, user) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.restrict(user, "view").select_related("user", "region")


def audit_list(*, user) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.restrict(user, "view").select_related("actor", "content_type", "region")


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.restrict(user, "view")


def unread_count(*, user) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()


def job_status_list(*, user) -> QuerySet[JobStatus]:
    return JobStatus.objects.restrict(user, "view").order_by("name")
