"""Thin Celery tasks: the nightly recompute (beat) and the daily step that makes noticed reviews effective."""
from celery import shared_task

from .actions import reviews_make_effective
from .recompute import recompute_all


@shared_task(name="credit.recompute_grades")
def recompute_grades() -> dict:
    # Reviews whose notice has ended take effect first, so the recompute compares with them.
    effective = reviews_make_effective()
    result = recompute_all()
    result["made_effective"] = effective
    return result
