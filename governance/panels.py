"""Sections that apps contribute to core pages (a region's page, a resident's page).

The core imports no domain app: each app registers a panel in its AppConfig.ready(), the way
admin.autodiscover() finds admin.py. A panel is a template and a function returning its context
(or None to hide it); the function gets the user and must read through selectors (scoped).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Panel:
    title: str
    template: str
    context: Callable[..., dict | None]
    order: int = 100


_region: list[Panel] = []
_resident: list[Panel] = []


def register_region_panel(title, template: str, context: Callable, order: int = 100) -> None:
    _region.append(Panel(title, template, context, order))


def register_resident_panel(title, template: str, context: Callable, order: int = 100) -> None:
    _resident.append(Panel(title, template, context, order))


def _render(panels: list[Panel], **kwargs) -> list[dict]:
    out = []
    for panel in sorted(panels, key=lambda p: p.order):
        ctx = panel.context(**kwargs)
        if ctx is not None:
            out.append({"title": panel.title, "template": panel.template, "ctx": ctx})
    return out


def panels_for(*, user, region) -> list[dict]:
    return _render(_region, user=user, region=region)


def resident_panels_for(*, user, resident) -> list[dict]:
    return _render(_resident, user=user, resident=resident)
