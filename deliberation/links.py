"""What may carry a resolution out: models of other apps, which opt in; this app neither imports nor names them.

A resolution links to a micro-work, a service order or a center work item through a generic relation
(ContentType + object id). Each such model declares `carries_out_resolutions = True` (services' `Order` and
`MicroWork`, centers' `WorkItem`), the way apps register into the core, so deliberation depends on the core
alone (the layers contract in `.importlinter`) and works with whichever apps are installed. A project may add
models by label with the setting `DELIBERATION_LINK_TARGETS`. Whatever the source, a model is offered only if
it is scoped (`objects.restrict`), and a user only ever sees and links the objects that `restrict(user,
"view")` lets them see.
"""
from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType

CHOICES_PER_MODEL = 100


def target_models() -> list[type]:
    labels = getattr(settings, "DELIBERATION_LINK_TARGETS", ())
    found: list[type] = []
    for label in labels:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        found.append(model)
    for model in apps.get_models():
        if getattr(model, "carries_out_resolutions", False) and model not in found:
            found.append(model)
    return [m for m in found if hasattr(m, "scope_spec") and hasattr(m.objects, "restrict")]


def is_target(model) -> bool:
    return model in target_models()


def visible_target(user, content_type: ContentType, object_id):
    """The object, if it is a link target the user may see; else None."""
    model = content_type.model_class()
    if model is None or not is_target(model):
        return None
    try:
        return model.objects.restrict(user, "view").filter(pk=object_id).first()
    except (ValueError, TypeError):
        return None


def target_choices(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices "<content type id>:<object id>" of the latest objects the user may see."""
    groups = []
    for model in target_models():
        ct = ContentType.objects.get_for_model(model)
        objs = model.objects.restrict(user, "view").order_by("-pk")[:CHOICES_PER_MODEL]
        items = [(f"{ct.pk}:{obj.pk}", f"#{obj.pk} {obj}"[:120]) for obj in objs]
        if items:
            groups.append((str(model._meta.verbose_name), items))
    return groups
