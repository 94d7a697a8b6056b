"""centers/ in the demo county (idempotent)."""
from .actions import centers_create_for_township


def seed(ctx) -> None:
    for township in ctx.townships():
        centers_create_for_township(actor=None, region=township)
