"""Viewsets are configuration on top of these bases: the queryset is always restricted."""
from __future__ import annotations

import copy

from rest_framework import mixins, serializers, viewsets


class ModelSerializer(serializers.ModelSerializer):
    """Every API shape's base. DRF builds a ModelSerializer's fields from the model's metadata for every
    instance (~1 ms per answer); here they are built once per class and each instance gets a deep copy,
    which is what DRF itself does with declared fields. Fields that depend on the request are set on
    the instance (in `__init__`), never by overriding `get_fields`."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)


class ScopedViewSetMixin:
    """`get_queryset()` passes through `restrict(user, "view")`; writes go through actions, which
    re-check scope for their own action inside the transaction."""

    queryset = None
    lookup_value_regex = r"\d+"  # ids are integers: anything else is not a route (JSON 404)
    selector = None  # optional: callable(*, user) -> restricted queryset with what is shown preloaded

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        if self.selector is not None:
            return type(self).selector(user=user)
        return self.queryset.restrict(user, "view")


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and retrieve; subclasses add create/update/workflow verbs that call actions."""
