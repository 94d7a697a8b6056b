"""Viewsets are configuration on top of these bases: the queryset is always restricted, and every write
is declared — an input serializer (references resolved inside the caller's scope by `ScopedRef`), one
action, what the answer shows — with `verb(...)`. See CONTRIBUTING.md."""
from __future__ import annotations

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status as http, viewsets
from rest_framework.decorators import action as drf_action
from rest_framework.response import Response

from governance.scoping import NOT_FOUND_REFERENCE, load_for, scoped


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


def _source_for(source, user):
    """A ScopedRef's source: a model, a queryset, or a selector callable(*, user)."""
    if callable(source) and not isinstance(source, type):
        return source(user=user)
    return source


class ScopedRef(serializers.IntegerField):
    """A reference in a request body (an id), resolved through the scoped loader: the object when the caller
    may see it (for `action`), else a 400 on the field that does not say whether it exists. `source` is a
    model, a queryset, or a selector `callable(*, user)` (which may narrow or declare a reach past the scope
    with beyond_scope())."""

    def __init__(self, source, *, action: str = "view", message=None, **kwargs):
        self.ref_source, self.ref_action, self.ref_message = source, action, message
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        user = self.context["request"].user
        try:
            return load_for(_source_for(self.ref_source, user), user, pk, self.ref_action, field=self.field_name,
                            message=self.ref_message)
        except DjangoValidationError:
            raise serializers.ValidationError(self.ref_message or NOT_FOUND_REFERENCE)

    def to_representation(self, value):
        return getattr(value, "pk", value)


class ScopedRefList(serializers.ListField):
    """A list of ids resolved in one query inside the caller's scope; any one outside it is a 400."""

    def __init__(self, source, *, action: str = "view", **kwargs):
        self.ref_source, self.ref_action = source, action
        kwargs.setdefault("child", serializers.IntegerField())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        ids = set(super().to_internal_value(data))
        if not ids:
            return []
        user = self.context["request"].user
        qs = scoped(_source_for(self.ref_source, user), user, self.ref_action)
        found = list(qs.filter(pk__in=ids))
        if len(found) != len(ids):
            raise serializers.ValidationError(NOT_FOUND_REFERENCE)
        return found


class verb:
    """A workflow step or a create of a viewset, declared:

        accept = verb(actions.order_accept, pk_arg="order_id")
        dispatch_order = verb(actions.order_dispatch, input=s.OrderDispatchSerializer, pk_arg="order_id",
                              url_path="dispatch")
        create = verb(actions.order_place, input=s.OrderPlaceSerializer, detail=False)

    The request body goes through `input` (its ScopedRef fields resolve references inside the caller's
    scope; names are the action's parameters); the action is called as `action(actor=user, <pk_arg>=pk,
    **validated_data)` (`obj_arg` instead passes the object, loaded through the viewset's scoped queryset);
    what it returns is the answer, through `output` (default: the viewset's serializer; `reread=True` reads
    it again through the viewset's queryset when the answer shows annotations). An outsider gets 404 —
    also with a bad body: the 400 is only for whoever may see the object. A create answers 201.
    """

    def __init__(self, action, *, input=None, output=None, detail=True, pk_arg=None, obj_arg=None,
                 load_action="view", url_path=None, status=None, reread=False, kwargs=None, doc=None):
        self.action, self.input, self.output = action, input, output
        self.detail, self.pk_arg, self.obj_arg, self.load_action = detail, pk_arg, obj_arg, load_action
        self.url_path, self.reread, self.fixed = url_path, reread, kwargs or {}
        self.status, self.doc = status, doc

    def __set_name__(self, owner, name):
        spec = self
        if spec.status is None:
            spec.status = http.HTTP_201_CREATED if name == "create" else http.HTTP_200_OK
        if spec.detail and not (spec.pk_arg or spec.obj_arg):
            raise TypeError(f"{owner.__name__}.{name}: a detail verb needs pk_arg or obj_arg")

        def handler(viewset, request, *args, pk=None, **kwargs):
            return viewset.run_verb(request, spec, pk)

        handler.__name__ = name
        handler.__qualname__ = f"{owner.__qualname__}.{name}"
        handler.__doc__ = spec.doc or (spec.action.__doc__ or "").strip() or None
        handler.verb = spec
        if name != "create":
            handler = drf_action(detail=spec.detail, methods=["post"], url_path=spec.url_path)(handler)
        # after @action: it replaces the function's `kwargs`, where extend_schema keeps a custom action's schema
        handler = extend_schema(request=spec.input, responses={spec.status: spec.output or owner.serializer_class})(handler)
        setattr(owner, name, handler)


class ScopedViewSetMixin:
    """`get_queryset()` passes whatever the selector returns through `scoped()` (restricted for the user
    unless it already is); writes are declared with `verb`, whose actions re-check scope for their own
    action inside the transaction."""

    queryset = None
    lookup_value_regex = r"\d+"  # ids are integers: anything else is not a route (JSON 404)
    selector = None  # optional: callable(*, user) -> restricted queryset with what is shown preloaded

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        if self.selector is not None:
            return scoped(type(self).selector(user=user), user)
        return scoped(self.queryset, user)

    def run_verb(self, request, spec: verb, pk):
        user = request.user
        data = {}
        if spec.input is not None:
            ser = spec.input(data=request.data, context=self.get_serializer_context())
            if not ser.is_valid():
                if spec.detail:  # an outsider learns nothing from a 400: out of sight is 404 first
                    load_for(self.get_queryset(), user, pk)
                raise serializers.ValidationError(ser.errors)
            data = dict(ser.validated_data)
        kwargs = {**spec.fixed, **data}
        if spec.detail:
            if spec.obj_arg:
                kwargs[spec.obj_arg] = load_for(self.get_queryset(), user, pk, spec.load_action)
            else:
                kwargs[spec.pk_arg] = int(pk)
        result = spec.action(actor=user, **kwargs)
        if spec.reread:
            result = self.get_queryset().get(pk=result.pk)
        out = spec.output or self.get_serializer_class()
        return Response(out(result, context=self.get_serializer_context()).data, status=spec.status)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and retrieve; subclasses declare their create and workflow verbs with `verb(...)`."""
