"""Reads of the core: start from the restricted queryset, preload what the page shows."""
from __future__ import annotations

from django.db.models import Count, QuerySet

from .scoping import beyond_scope

from .models import (
    Attachment, AuditEntry, ExportJob, Household, ImportJob, JobStatus, Notification, Region, Resident,
    RoleAssignment,
)


def region_list(*, user, action: str = "view") -> QuerySet[Region]:
    return Region.objects.restrict(user, action).select_related("parent")


def region_children(*, user, region: Region) -> QuerySet[Region]:
    return region_list(user=user).filter(parent=region).annotate(n_children=Count("children")).order_by("code")


def regions_where(*, user, roles, levels) -> QuerySet[Region]:
    """The regions at `levels` inside the subtrees where the user holds one of `roles`: where they may file
    something (a township's menu, a village's micro-work, a household) — the choices of a form's region."""
    from .scoping import is_unrestricted, role_paths, subtree_q

    qs = region_list(user=user).filter(level__in=list(levels)).order_by("path")
    if is_unrestricted(user):
        return qs
    paths = role_paths(user, roles)
    return qs.filter(subtree_q(paths)) if paths else qs.none()


def regions_for(*, user, model, action: str, levels) -> QuerySet[Region]:
    """The regions at `levels` where the user may take `action` on a `model` (its ScopeSpec's roles)."""
    return regions_where(user=user, roles=model.scope_spec.roles_for(action), levels=levels)


def user_root_regions(*, user) -> QuerySet[Region]:
    """The top regions of the user's scope: where the region browser starts."""
    from .scoping import role_paths, user_roles

    if getattr(user, "is_superuser", False):
        return region_list(user=user).filter(level=Region.Level.COUNTY)
    return region_list(user=user).filter(path__in=role_paths(user, user_roles(user))).order_by("path")


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
    for region_id, user_id in (RoleAssignment.objects.current().filter(role__in=list(roles), region_id__in=region_ids)
                               .order_by("region_id", "user_id").values_list("region_id", "user_id").distinct()):
        out.setdefault(region_id, []).append(user_id)
    return out


def role_assignment_list(*, user) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.restrict(user, "view").select_related("user", "region", "granted_by", "proposed_by")


def my_role_assignments(*, user) -> QuerySet[RoleAssignment]:
    """The user's own active roles (their home page)."""
    return role_assignment_list(user=user).filter(user=user, active=True)


def audit_list(*, user) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.restrict(user, "view").select_related("actor", "content_type", "region")


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.restrict(user, "view")


def unread_count(*, user) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()


def job_status_list(*, user) -> QuerySet[JobStatus]:
    return JobStatus.objects.restrict(user, "view").order_by("name")


def export_job_list(*, user) -> QuerySet[ExportJob]:
    """The user's own export jobs (nobody else's: an export holds what its owner may see)."""
    return ExportJob.objects.restrict(user, "view")


def import_job_list(*, user, kind: str | None = None) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.restrict(user, "view")
    return qs.filter(kind=kind) if kind else qs


def attachments_by_target():
    """Attachments looked up by id for download: an attachment is served to whoever may see the object it is
    attached to, which the download checks next (`attachment_target_visible`)."""
    return beyond_scope(Attachment.objects.select_related("content_type"),
                        "an attachment is served by its target's scope, checked right after the lookup")


def attachment_target_visible(*, user, attachment: Attachment) -> bool:
    model = attachment.content_type.model_class()
    return model is not None and hasattr(model, "scope_spec") and (
        model.objects.restrict(user, "view").filter(pk=attachment.object_id).exists())


# --- Accounts (issue #18) ---------------------------------------------------------------------------

def account_list(*, user) -> QuerySet:
    from .models import AccountProfile

    return AccountProfile.objects.restrict(user, "view").select_related("user", "region")


def account_users(*, user) -> QuerySet:
    """The logins whose accounts the user administers or sees (to appoint or propose them)."""
    from django.contrib.auth import get_user_model

    from .models import AccountProfile
    from .scoping import scoped_by

    return scoped_by(get_user_model().objects.filter(profile__in=AccountProfile.objects.restrict(user, "view").values("pk"))
                     .order_by("username"), user, "users whose AccountProfile is in account_list(user)")


def account_roles(*, user, account) -> QuerySet[RoleAssignment]:
    """An account's roles, current and past (its history), as far as the user sees them."""
    return role_assignment_list(user=user).filter(user_id=account.user_id).order_by("-starts_on", "-id")
