"""The one scoping mechanism: `Model.objects.restrict(user, action)`.

Every model that reaches a person declares a `ScopeSpec`: where its region is, which roles may do
which action inside their region's subtree, and (optionally) which user owns it. `restrict()` turns
the user's role assignments into one filter: the region subtree as a subquery on the indexed
`Region.path`, OR ownership, OR a django-guardian per-object grant. Anything undeclared is denied.

Views, viewsets, exports, admin changelists and tasks all start from `restrict()`; a write re-checks
inside its transaction with `get_for_update()` / `require_region()`.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING, Iterable

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县委组织部")
    TOWNSHIP_HEAD = "township_head", _("乡镇（街道）主要负责人")
    TOWNSHIP_STAFF = "township_staff", _("乡镇（街道）干部")
    VILLAGE_SECRETARY = "village_secretary", _("村（社区）党组织书记")
    GRID_LEADER = "grid_leader", _("网格长")
    UNIT_STAFF = "unit_staff", _("共建单位工作人员")
    VILLAGE_ASSISTANT = "village_assistant", _("村助理")
    RESIDENT = "resident", _("群众")


# Handy role sets for ScopeSpecs.
COUNTY = frozenset({Role.COUNTY_ADMIN})
TOWNSHIP = frozenset({Role.TOWNSHIP_HEAD, Role.TOWNSHIP_STAFF})
VILLAGE_OFFICE = frozenset({Role.VILLAGE_SECRETARY, Role.VILLAGE_ASSISTANT})
STAFF_ROLES = COUNTY | TOWNSHIP | VILLAGE_OFFICE | {Role.GRID_LEADER}
MANAGERS = COUNTY | TOWNSHIP | {Role.VILLAGE_SECRETARY}


@dataclass(frozen=True)
class ScopeSpec:
    """How a model is scoped.

    region: lookup from the model to its Region FK ("region", "household__region"), or "self"
        for the Region model itself. None: a county-wide table — holding one of the action's roles
        anywhere is enough (owner and grant access work as usual).
    roles: action -> roles that may take it on objects inside their assigned region's subtree.
    owner: lookup from the model to a User whose own objects they are ("user", "reporter").
    owner_actions: actions the owner may take on their own objects.
    grants: the guardian direct-FK permission model (app_label.Model) holding per-object grants.
    """

    region: str | None
    roles: dict[str, frozenset[str]] = field(default_factory=dict)
    owner: str | None = None
    owner_actions: frozenset[str] = frozenset()
    grants: str | None = None

    def roles_for(self, action: str) -> frozenset[str]:
        return frozenset(self.roles.get(action, ()))


def _assignments(user) -> list[tuple[str, str, int]]:
    """(role, region path, region id) for the user's active assignments, cached on the user object."""
    cached = getattr(user, "_scope_assignments", None)
    if cached is None:
        from .models import RoleAssignment

        cached = list(
            RoleAssignment.objects.filter(user=user, active=True).values_list("role", "region__path", "region_id")
        )
        user._scope_assignments = cached
    return cached


def clear_cache(user) -> None:
    if hasattr(user, "_scope_assignments"):
        del user._scope_assignments


def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {role for role, _, _ in _assignments(user)}


def role_paths(user, roles: Iterable[str]) -> list[str]:
    """The minimal set of subtree roots where the user holds any of `roles`."""
    roles = set(roles)
    paths = sorted({path for role, path, _ in _assignments(user) if role in roles})
    minimal: list[str] = []
    for path in paths:  # sorted: a parent comes before its descendants
        if not any(path.startswith(root) for root in minimal):
            minimal.append(path)
    return minimal


def home_region_id(user) -> int | None:
    """The region at the top of the user's scope (the shallowest active assignment): where the audit log
    files what the user did that concerns no single object (an export, an exact lookup), so that the
    level above sees it."""
    if not getattr(user, "is_authenticated", False):
        return None
    rows = sorted(_assignments(user), key=lambda a: (len(a[1]), a[1]))
    if rows:
        return rows[0][2]
    if is_unrestricted(user):  # a superuser without assignments: filed under the county
        from .models import Region

        return Region.objects.filter(parent__isnull=True).order_by("path").values_list("pk", flat=True).first()
    return None


def subtree_q(paths: list[str], prefix: str = "") -> Q:
    return reduce(operator.or_, (Q(**{f"{prefix}path__startswith": p}) for p in paths))


def is_unrestricted(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def restrict_queryset(queryset: models.QuerySet, user, action: str = "view") -> models.QuerySet:
    model = queryset.model
    spec: ScopeSpec | None = getattr(model, "scope_spec", None)
    if spec is None or user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if is_unrestricted(user):
        return queryset
    from .models import Region

    clauses: list[Q] = []
    paths = role_paths(user, spec.roles_for(action))
    if paths and spec.region is None:
        return queryset  # a county-wide table (a standard, a category list): the role alone decides
    if paths and spec.region == "self":
        clauses.append(subtree_q(paths))
    elif paths and spec.region:
        regions = Region.objects.filter(subtree_q(paths)).values("pk")
        clauses.append(Q(**{f"{spec.region}__in": regions}))
    if spec.owner and action in spec.owner_actions:
        # A subquery, not a join: an owner path through a to-many relation (a household's members)
        # must not multiply the rows of a list or an aggregate.
        clauses.append(Q(pk__in=model._base_manager.filter(**{spec.owner: user}).values("pk")))
    if spec.grants:
        from django.apps import apps

        grant_model = apps.get_model(spec.grants)
        granted = grant_model.objects.filter(
            user=user, permission__codename=f"{action}_{model._meta.model_name}"
        ).values("content_object_id")
        clauses.append(Q(pk__in=granted))
    if not clauses:
        return queryset.none()
    return queryset.filter(reduce(operator.or_, clauses))


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> "RestrictedQuerySet":
        return restrict_queryset(self, user, action)


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


def get_for_update(model, user, pk, action: str = "change"):
    """Inside a transaction: lock the row, and 404 unless it is still in the user's scope."""
    obj = model.objects.restrict(user, action).select_for_update().filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def can(user, obj, action: str) -> bool:
    """Whether `obj` is inside the user's scope for `action` (one EXISTS query)."""
    return type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists()


def require(user, obj, action: str) -> None:
    """Refuse an action the user may see but not take (403); callers 404 what is out of view."""
    if not can(user, obj, action):
        raise PermissionDenied(_("您的角色无权执行此操作。"))


def region_allows(user, region, roles: Iterable[str]) -> bool:
    """Whether `region` lies inside a subtree where the user holds one of `roles`."""
    if is_unrestricted(user):
        return True
    return any(region.path.startswith(p) for p in role_paths(user, roles))


def within_regions(queryset, user, roles: Iterable[str], region_field: str = "region"):
    """`queryset` narrowed to the subtrees where the user holds one of `roles` — region_allows() as a
    filter, for a lookup that must find only what the user may act on."""
    if is_unrestricted(user):
        return queryset
    paths = role_paths(user, roles)
    return queryset.filter(subtree_q(paths, prefix=f"{region_field}__")) if paths else queryset.none()


def covers(user, model, region, action: str = "view") -> bool:
    """Whether the user's scope for `action` holds *every* row of `model` inside `region`'s subtree
    (so that a figure computed over all those rows — a stored summary — is theirs to see)."""
    if isinstance(model, str):
        from django.apps import apps

        model = apps.get_model(model)
    if is_unrestricted(user):
        return True
    spec: ScopeSpec | None = getattr(model, "scope_spec", None)
    if spec is None:
        return False
    paths = role_paths(user, spec.roles_for(action))
    if not paths:
        return False
    return spec.region is None or any(region.path.startswith(p) for p in paths)


def require_region(user, region, roles: Iterable[str]) -> None:
    if not region_allows(user, region, roles):
        raise PermissionDenied(_("该区域不在您的管辖范围内。"))
