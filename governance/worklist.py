"""What waits for me: the role home's to-do list, contributed by the apps.

Each app declares its tasks in `<app>/worklist.py` (found the way `dashboard.py` is): a task is a queryset of
the things waiting — built from `restrict(user, <the action that handles them>)`, so it holds exactly what
this user may act on —, the field that says since when each waits, the field of its deadline (overdue counts
in red), and the filtered list it links to. The home page shows every task whose queryset can hold anything for
the user (a role that can never act on it does not see it), with its count, how long the oldest has waited
and how many are overdue: one aggregate query per task, bounded by the user's scope.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from typing import Any, Callable

from django.conf import settings
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class Task:
    key: str
    label: Any
    queryset: Callable  # (user) -> the restricted queryset of what waits for this user
    url_name: str
    query: Any = ""  # the list's filter, e.g. "status=opinion", or callable(user) -> that
    roles: frozenset = frozenset()  # shown only to holders of one of these (empty: whoever restrict() lets act)
    since: str | None = None  # waits since this field (the oldest is shown)
    deadline: str | None = None  # overdue when this field is in the past
    group: Any = ""
    order: int = 100

    def url(self, user=None) -> str:
        base = reverse(self.url_name)
        query = self.query(user) if callable(self.query) else self.query
        return f"{base}?{query}" if query else base


_tasks: list[Task] = []
_discovered = False


def register(task: Task) -> None:
    if any(t.key == task.key for t in _tasks):
        raise ValueError(f"worklist task {task.key} registered twice")
    _tasks.append(task)


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    _discovered = True
    for app in ["governance", *settings.DOMAIN_APPS]:
        name = f"{app}.worklist" if app != "governance" else None
        if name and find_spec(name) is not None:
            import_module(name)


def all_tasks() -> list[Task]:
    _discover()
    return sorted(_tasks, key=lambda t: (t.order, t.key))


def for_user(user) -> list[dict]:
    """[{task, label, count, overdue, oldest, url}] of the tasks this user can act on, most urgent first."""
    from .scoping import is_unrestricted, user_roles

    now = timezone.now()
    roles = user_roles(user)
    out = []
    for task in all_tasks():
        if task.roles and not (task.roles & roles) and not is_unrestricted(user):
            continue
        qs = task.queryset(user)
        if qs.query.is_empty():  # restrict() found no role that may act on these: not this user's task
            continue
        aggregates = {"n": Count("pk")}
        if task.since:
            aggregates["oldest"] = Min(task.since)
        if task.deadline:
            aggregates["overdue"] = Count("pk", filter=Q(**{f"{task.deadline}__lt": now}))
        row = qs.order_by().aggregate(**aggregates)
        out.append({"task": task, "label": task.label, "group": task.group, "count": row["n"],
                    "overdue": row.get("overdue") or 0, "oldest": row.get("oldest"), "url": task.url(user)})
    out.sort(key=lambda r: (-(r["overdue"] > 0), -(r["count"] > 0), r["task"].order))
    return out
