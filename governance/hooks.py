"""Extension points for things the core does that apps must follow up (the core imports no app).

Apps append callables in their AppConfig.ready(); actions call them inside their transaction.
"""
from __future__ import annotations

from typing import Callable

# region_created(actor, region): e.g. centers creates a new township's four centers.
region_created: list[Callable] = []
# notice_created(notifications, title, body, url, event, residents, sender, region): audit.notify() calls it in
# the notifying action's transaction — outreach writes its SMS / e-mail outbox rows there.
notice_created: list[Callable] = []


def run(hooks: list[Callable], **kwargs) -> None:
    for hook in hooks:
        hook(**kwargs)
