"""Who may take which step of a workflow, declared once: the action checks it, the page shows the button.

A `Rule` names a verb of a model: the states it starts from, the ScopeSpec action the user needs on the
object (`scope`), an optional predicate for what scope cannot say ("works for the order's unit", "placed the
order"), the refusal messages, and how the page offers it (label, URL name, whether it asks for fields).
The action calls `rule.check(actor, obj)` on the row it locked; the detail page calls
`rules.allowed(user, obj)` — so a button is shown exactly when the action would be allowed (the state
may still change before the press: then the action answers with the refusal, as a Conflict).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .errors import Conflict
from .scoping import can


@dataclass(frozen=True)
class Rule:
    name: str
    label: Any
    states: frozenset = frozenset()  # the states the step starts from; empty: any
    scope: str | None = "change"  # the ScopeSpec action needed on the object; None: seeing it is enough
    who: Callable[[Any, Any], bool] | None = None  # what scope cannot say, on the loaded object
    state_field: str = "status"
    refusal: Any = _("当前状态为“%(status)s”，不能执行此操作，请刷新后查看。")
    denial: Any = _("您的角色无权执行此操作。")
    url_name: str | None = None  # the page/button that performs it, reversed with the object's pk
    asks: bool = False  # True: the step has fields (a dialog/form); False: one click with a confirmation
    style: str = "primary"
    form: Any = None  # the step's form class, rendered in its dialog on the detail page (asks=True)
    form_object_arg: str | None = None  # the form's parameter that takes the object (e.g. "order")
    confirm: Any = None  # the one-click step's question ("确认接单？"); default: the label

    def state_ok(self, obj) -> bool:
        return not self.states or getattr(obj, self.state_field) in self.states

    def permitted(self, user, obj, _can=None) -> bool:
        if self.scope is not None:
            ok = _can(self.scope) if _can else can(user, obj, self.scope)
            if not ok:
                return False
        return self.who is None or bool(self.who(user, obj))

    def allows(self, user, obj) -> bool:
        return self.state_ok(obj) and self.permitted(user, obj)

    def check(self, user, obj) -> None:
        """In the action, on the locked row: Conflict if the state moved on, PermissionDenied if not allowed."""
        if not self.permitted(user, obj):
            raise PermissionDenied(self.denial)
        if not self.state_ok(obj):
            raise Conflict(self.refusal % {"status": _label(obj, self.state_field)})

    def url(self, obj) -> str | None:
        return reverse(self.url_name, args=[obj.pk]) if self.url_name else None


def _label(obj, field_name: str) -> str:
    getter = getattr(obj, f"get_{field_name}_display", None)
    return str(getter()) if getter else str(getattr(obj, field_name))


@dataclass
class Offer:
    """A rule as a page offers it on one object."""

    rule: Rule
    url: str | None

    @property
    def name(self):
        return self.rule.name

    @property
    def label(self):
        return self.rule.label

    @property
    def asks(self):
        return self.rule.asks

    @property
    def style(self):
        return self.rule.style

    @property
    def key(self):
        return self.rule.name.replace("_", "-")

    def __eq__(self, other):  # `"accept" in verbs` reads naturally in templates and tests
        return other == self.rule.name if isinstance(other, str) else super().__eq__(other)

    def __hash__(self):
        return hash(self.rule.name)


@dataclass
class Rules:
    """The rules of one model's workflow, in the order a page shows them."""

    model: type
    rules: list[Rule] = field(default_factory=list)

    def __post_init__(self):
        self._by_name = {r.name: r for r in self.rules}

    def __getitem__(self, name: str) -> Rule:
        return self._by_name[name]

    def __iter__(self):
        return iter(self.rules)

    def allowed(self, user, obj) -> list[Offer]:
        """The steps the user may take on `obj` now. States first (no query); one EXISTS per scope action."""
        cache: dict[str, bool] = {}

        def _can(scope):
            if scope not in cache:
                cache[scope] = can(user, obj, scope)
            return cache[scope]

        return [Offer(r, r.url(obj)) for r in self.rules if r.state_ok(obj) and r.permitted(user, obj, _can)]
