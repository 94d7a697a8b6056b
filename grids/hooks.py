"""Extension points of the issue chain for apps above grids (grids imports none of them).

county_arrivals(rows, actor, at): issues that have just reached the county level, inside the moving
    transaction — the sweep's batch (rows: actions.Moved, level as claimed) or a handler's escalation.
    Called only when there are such rows, so a batch with none costs nothing more.
sweep_extras(now, at) -> dict: once per sweep run, after the issue batches (the hook keeps its own writes
    atomic: one statement, or its own transaction): further set-based, exactly-once escalations (e.g. overdue
    督办); what it returns is merged into the sweep's result.
"""
from __future__ import annotations

from typing import Callable

county_arrivals: list[Callable] = []
sweep_extras: list[Callable] = []
