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

from django.core.exceptions import PermissionDenied, ValidationError
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
    # County line departments (交通、水利、电力 …): staff of one department (issue #20).
    DEPARTMENT_STAFF = "department_staff", _("县直部门工作人员")
    # 三员分立 (等保 2.0): accounts, roles and policies, the audit log — none reads residents' data (issue #18).
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# Handy role sets for ScopeSpecs.
COUNTY = frozenset({Role.COUNTY_ADMIN})
TOWNSHIP = frozenset({Role.TOWNSHIP_HEAD, Role.TOWNSHIP_STAFF})
VILLAGE_OFFICE = frozenset({Role.VILLAGE_SECRETARY, Role.VILLAGE_ASSISTANT})
STAFF_ROLES = COUNTY | TOWNSHIP | VILLAGE_OFFICE | {Role.GRID_LEADER}
MANAGERS = COUNTY | TOWNSHIP | {Role.VILLAGE_SECRETARY}
# 三员分立: the three administrators, whose roles reach no resident's data (issue #18)
ADMINISTRATORS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


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
    """(role, region path, region id) for the user's current assignments, cached on the user object (one request:
    the session and the token authentication load the user afresh on every request)."""
    cached = getattr(user, "_scope_assignments", None)
    if cached is None:
        from .models import RoleAssignment

        # only the terms in force today: an ended or not yet started role grants nothing, from the next request on
        cached = list(
            RoleAssignment.objects.current().filter(user=user).values_list("role", "region__path", "region_id")
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
        return _mark(queryset.none(), user, action)
    if is_unrestricted(user):
        return _mark(queryset._chain(), user, action)
    from .models import Region

    clauses: list[Q] = []
    paths = role_paths(user, spec.roles_for(action))
    if paths and spec.region is None:
        # a county-wide table (a standard, a category list): the role alone decides
        return _mark(queryset._chain(), user, action)
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
        return _mark(queryset.none(), user, action)
    return _mark(queryset.filter(reduce(operator.or_, clauses)), user, action)


# --- The mark a restricted queryset carries ---------------------------------------------------------
# restrict() marks the queryset it returns with (user, action); the mark survives filter(), annotate(),
# select_related() … (every clone). The generic bases and the loader ask `scoped()`: a queryset marked for
# the same user passes as it is (a selector may narrow it, or restrict it for another action of that
# user, like the dispatch queue); a queryset a selector built by hand is restricted for the view's action.
# A deliberate reach past the user's own scope (the public notice board, the county's co-building units
# offered on a village form) says so with beyond_scope(qs, reason), which is greppable and reviewed.


class ScopeMarkMixin:
    _scope_mark: tuple | None = None

    def _clone(self):
        clone = super()._clone()
        clone._scope_mark = self._scope_mark
        return clone


_MARKABLE: dict[type, type] = {}


def _markable(queryset: models.QuerySet) -> models.QuerySet:
    cls = type(queryset)
    if not issubclass(cls, ScopeMarkMixin):
        sub = _MARKABLE.get(cls)
        if sub is None:
            sub = _MARKABLE[cls] = type(f"Marked{cls.__name__}", (ScopeMarkMixin, cls), {})
        queryset.__class__ = sub
    return queryset


def _mark(queryset: models.QuerySet, user, action: str) -> models.QuerySet:
    queryset = _markable(queryset)
    queryset._scope_mark = ("user", getattr(user, "pk", None), action)
    return queryset


def beyond_scope(queryset: models.QuerySet, reason: str) -> models.QuerySet:
    """Mark `queryset` as a deliberate reach past the user's restrict() scope: the bases then take it as it
    is. `reason` says why in a sentence (it is read in review, not at run time)."""
    if not reason:
        raise ValueError("beyond_scope() needs the reason")
    queryset = _markable(queryset._chain())
    queryset._scope_mark = ("beyond", None, reason)
    return queryset


def scoped_by(queryset: models.QuerySet, user, how: str) -> models.QuerySet:
    """Mark a queryset of a model that has no ScopeSpec of its own (users: the cadres one may assign) as
    restricted for `user` by hand, through a scoped one — `how` says through which (e.g. "holders of a role
    in role_assignment_list(user)"). Like beyond_scope(), greppable and read in review."""
    if not how:
        raise ValueError("scoped_by() needs to say how the queryset is restricted")
    return _mark(queryset._chain(), user, "by:" + how)


def scope_mark(queryset) -> tuple | None:
    return getattr(queryset, "_scope_mark", None)


def is_scoped_for(queryset, user) -> bool:
    """Whether `queryset` was restricted for this user (for any action) or is a declared reach."""
    mark = scope_mark(queryset)
    if mark is None:
        return False
    return mark[0] == "beyond" or (mark[0] == "user" and mark[1] == getattr(user, "pk", None)
                                   and getattr(user, "is_authenticated", False))


def scoped(queryset, user, action: str = "view") -> models.QuerySet:
    """The one gate of the generic bases: `queryset` as it is when it was restricted for this user (a selector
    narrowing its scope) or declared beyond_scope(); otherwise restricted for `action`. A selector can narrow
    the user's scope, never replace it."""
    if isinstance(queryset, models.Manager):
        queryset = queryset.all()
    if is_scoped_for(queryset, user):
        return queryset
    return restrict_queryset(queryset, user, action)


class RestrictedQuerySet(ScopeMarkMixin, models.QuerySet):
    def restrict(self, user, action: str = "view") -> "RestrictedQuerySet":
        return restrict_queryset(self, user, action)


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


NOT_FOUND_REFERENCE = _("引用的对象不存在或不在您的管辖范围内。")


def load_for(source, user, pk, action: str = "view", *, lock: bool = False, field: str | None = None,
             related: Iterable[str] = (), message=None):
    """The object a request is about — the one way a view, a form, a serializer or an action fetches it.

    `source`: a model, a manager or a queryset (a selector's: it keeps what it preloads and how it narrows;
    it is put through `scoped()`). The object must lie in the user's scope for `action` — restricted for
    `action` itself, not only for view. `lock`: SELECT … FOR UPDATE (inside the caller's transaction).
    A miss is answered by one policy:
    - a path object (`field` None): 404 when the user cannot see it, 403 when they see it but may not act;
    - a reference in a body or form (`field` given): a ValidationError on that field, whether the object
      does not exist or lies outside the scope (the answer never tells which).
    The happy path is one query; only a refusal pays for the second (view) query that tells 404 from 403.
    """
    if isinstance(source, type) and issubclass(source, models.Model):
        queryset = source._default_manager.all()
    elif isinstance(source, models.Manager):
        queryset = source.all()
    else:
        queryset = source
    model = queryset.model
    if field is not None and pk in (None, ""):
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    obj = None
    if pk is not None:
        if action == "view":
            base = scoped(queryset, user, "view")
        else:  # the action's own scope, on top of whatever the selector narrows
            mark = scope_mark(queryset)
            same = mark is not None and mark[0] == "user" and mark[1:] == (getattr(user, "pk", None), action)
            base = queryset if same else restrict_queryset(queryset, user, action)
        if related:
            base = base.select_related(*related)
        if lock:
            base = base.select_for_update(of=("self",)) if base.query.select_related else base.select_for_update()
        obj = base.filter(pk=pk).first()
    if obj is not None:
        return obj
    if field is not None:
        raise ValidationError({field: message or NOT_FOUND_REFERENCE})
    if pk is not None and action != "view" and restrict_queryset(model._default_manager.all(), user).filter(pk=pk).exists():
        raise PermissionDenied(message or _("您的角色无权执行此操作。"))
    raise Http404


def get_for_update(model, user, pk, action: str = "change"):
    """Inside a transaction: lock the row, and 404 unless it is still in the user's scope."""
    return load_for(model, user, pk, action, lock=True)


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
