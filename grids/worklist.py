"""What waits in the grids: the open issues at the level this user handles (a grid leader's grid, the
village office's village, the township, the county), overdue first."""
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.scoping import role_paths
from governance.jobs import register_label
from governance.worklist import Task, register

from .models import ACTIVE_STATUSES, LEVEL_NOTIFY, EscalationLevel, Issue

# Which column holds the region an issue sits at, per level (the grid's group, its village, its township).
_LEVEL_REGION = {EscalationLevel.GRID: "region", EscalationLevel.VILLAGE: "village",
                 EscalationLevel.TOWNSHIP: "township", EscalationLevel.COUNTY: "township"}


def _levels(user) -> list[tuple]:
    return [(level, paths) for level, roles in LEVEL_NOTIFY.items() if (paths := role_paths(user, roles))]


def issues_at_my_level(user):
    clauses = [Q(level=level) & reduce(or_, (Q(**{f"{_LEVEL_REGION[level]}__path__startswith": p}) for p in paths))
               for level, paths in _levels(user)]
    qs = Issue.objects.restrict(user, "change").filter(status__in=ACTIVE_STATUSES)
    return qs.filter(reduce(or_, clauses)) if clauses else qs.none()


def _query(user) -> str:
    levels = [level for level, _paths in _levels(user)]
    return "open=true" + (f"&level={levels[0]}" if len(levels) == 1 else "")


register(Task("grids.issues_at_my_level", _("待本级处置的事件"), group=_("网格与事件"), order=5,
              url_name="grids:issue_list", query=_query, since="created_at", deadline="deadline",
              queryset=issues_at_my_level))

register_label("grids-escalate-overdue", _("超时事件自动上报"))
