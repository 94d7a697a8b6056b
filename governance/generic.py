"""Generic HTML views: a view is configuration (a selector, a filterset, a form, an action).

Reads: `ObjectListView` and `ObjectDetailView` put whatever their selector returns through
`scoping.scoped()` — a selector narrows the user's scope, it never replaces it.

Writes: `ActionFormView` is declared, not written out: the object the URL names (`object_selector`,
loaded through `load_for`: 404 out of scope), a form (its model choices restricted by
`governance.forms.ScopedForm`), one action (`action`, called as `action(actor=user, <object_arg>=…,
**form.cleaned_data)`), a success message and where to go next. `ButtonView` is the one-click case
(nothing to fill in: a POST, and a confirmation page for a GET). See CONTRIBUTING.md.
"""
from __future__ import annotations

import inspect
from functools import lru_cache

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.views.generic import DetailView, FormView, ListView

from .breadcrumbs import breadcrumbs
from .errors import Conflict
from .pagination import EstimatingPaginator
from .scoping import load_for, scoped


class ObjectListView(LoginRequiredMixin, ListView):
    """A scoped, filtered, paginated list. `selector(user=...)` returns the rows the page shows; the base
    restricts it for `scope_action` unless it is already restricted for this user."""

    selector = None
    scope_action = "view"
    filterset_class = None
    status_tabs: str | None = None  # a choices field: tabs above the list, one per value, with counts
    paginate_by = 50
    paginator_class = EstimatingPaginator
    title = ""

    def get_base_queryset(self):
        return type(self).selector(user=self.request.user)

    def get_queryset(self):
        qs = scoped(self.get_base_queryset(), self.request.user, self.scope_action)
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            return self.filterset.qs if self.filterset.is_bound else qs
        self.filterset = None
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = self.filterset
        ctx["title"] = self.title
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query_string"] = query.urlencode()
        if self.status_tabs:
            ctx["status_tabs"] = self.get_status_tabs()
            ctx["status_tabs_field"] = self.status_tabs
        return ctx

    def get_status_tabs(self) -> list[dict]:
        """[{label, value, count, url, active}]: the list's other filters kept, one GROUP BY for all counts."""
        from django.db.models import Count

        field = self.status_tabs
        params = self.request.GET.copy()
        params.pop("page", None)
        current = params.pop(field, [""])[-1]
        qs = scoped(self.get_base_queryset(), self.request.user, self.scope_action)
        if self.filterset_class is not None and params:
            fs = self.filterset_class(params, queryset=qs, request=self.request)
            qs = fs.qs if fs.is_valid() else qs
        counts = dict(qs.order_by().values_list(field).annotate(n=Count("pk")))
        choices = qs.model._meta.get_field(field).choices or []

        def url(value):
            q = params.copy()
            if value:
                q[field] = value
            return "?" + q.urlencode()

        from django.utils.translation import gettext as _

        tabs = [{"label": _("全部"), "value": "", "count": sum(counts.values()), "url": url(""), "active": not current}]
        tabs += [{"label": label, "value": value, "count": counts.get(value, 0), "url": url(value),
                  "active": str(value) == current} for value, label in choices]
        return tabs


class ObjectDetailView(LoginRequiredMixin, DetailView):
    """Anything outside the user's scope is simply not found (404). `rules` (a governance.rules.Rules)
    puts the verbs the user may take on this object into the context as `verbs` — the same declaration the
    actions check, so a button shows exactly when its action would be allowed."""

    selector = None
    rules = None

    def get_queryset(self):
        return scoped(type(self).selector(user=self.request.user), self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.rules is not None:
            ctx["verbs"] = self.rules.allowed(self.request.user, self.object)
        ctx.setdefault("breadcrumbs", breadcrumbs(self.request, self.object))
        return ctx


class EmptyForm(forms.Form):
    """A step that asks nothing: the button is the whole form."""


@lru_cache(maxsize=None)
def _form_takes(form_class, name: str) -> bool:
    """Whether the form's constructor takes `name` (a ScopedForm always takes `user`)."""
    from .forms import ScopedForm

    if name == "user" and isinstance(form_class, type) and issubclass(form_class, ScopedForm):
        return True
    try:
        return name in inspect.signature(form_class.__init__).parameters
    except (TypeError, ValueError):
        return False


class ActionFormView(LoginRequiredMixin, FormView):
    """A form whose valid data is handed to one action. ValidationError lands on the form (in the
    user's language), PermissionDenied is a 403, Conflict is a message on the form.

    Declare:
    - `object_selector` (callable(*, user) -> queryset) and `object_action`: the URL's `pk` is loaded
      through `load_for` (404 outside the scope, 403 when seen but not allowed) as `self.object`;
    - `action`: the write, called as `action(actor=user, **self.action_kwargs(form))`; `object_arg` names
      the action's parameter for the object ("order_id" gets the pk, any other name the object);
    - `form_object_arg`: the form's parameter that receives the object (e.g. "order"); forms taking `user`
      get the user;
    - `title` (may say `%(object)s`), `success_message`, `success_url` (a URL name, a URL, or None: the
      action's result's, else the object's get_absolute_url()).
    Override `action_kwargs(form)` where the form's fields are not the action's parameters, `perform(form)`
    only for a view that calls more than one action.
    """

    template_name = "governance/form.html"
    form_class = EmptyForm
    object_selector = None
    object_action = "view"
    object_arg: str | None = None
    form_object_arg: str | None = None
    action = None
    title = ""
    submit_label = None
    success_message = ""
    success_url = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = None
        self.load(**kwargs)  # after the login check: anonymous callers learn nothing about objects
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        """Fetch the object the URL names, through the scoped loader (404 when out of scope)."""
        if type(self).object_selector is not None and "pk" in kwargs:
            self.object = load_for(type(self).object_selector(user=self.request.user), self.request.user,
                                   kwargs["pk"], self.object_action)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        form_class = self.get_form_class()
        if _form_takes(form_class, "user"):
            kwargs["user"] = self.request.user
        if self.form_object_arg:
            kwargs[self.form_object_arg] = self.object
        return kwargs

    def get_title(self):
        title = self.title
        if title and self.object is not None and "%(object)" in str(title):
            return title % {"object": self.object}
        return title

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("title", self.get_title())
        ctx.setdefault("object", self.object)
        if self.request.method == "GET" or self.object is not None:
            ctx.setdefault("breadcrumbs", breadcrumbs(self.request, self.object, leaf=ctx["title"] or None))
        if self.submit_label:
            ctx["submit_label"] = self.submit_label
        return ctx

    def action_kwargs(self, form) -> dict:
        kwargs = dict(form.cleaned_data)
        if self.object_arg:
            kwargs[self.object_arg] = self.object.pk if self.object_arg.endswith("_id") else self.object
        return kwargs

    def perform(self, form):  # -> the action's result: an object with get_absolute_url, or a URL string
        if type(self).action is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare `action` (or define perform(form))")
        return type(self).action(actor=self.request.user, **self.action_kwargs(form))

    def get_success_url_for(self, result) -> str:
        from django.urls import NoReverseMatch, reverse

        if self.success_url:
            try:
                return reverse(self.success_url)
            except NoReverseMatch:
                return str(self.success_url)
        if isinstance(result, str):
            return result
        for candidate in (result, self.object):
            if hasattr(candidate, "get_absolute_url"):
                return candidate.get_absolute_url()
        raise ImproperlyConfigured(f"{type(self).__name__}: no success_url and nothing with get_absolute_url()")

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            return self.form_invalid(form)
        except Conflict as exc:
            form.add_error(None, str(exc.message))
            return self.form_invalid(form)
        except (Http404, PermissionDenied):
            raise
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url_for(result))


class ButtonView(ActionFormView):
    """A step that asks nothing: POST performs it; GET shows what it will do and one button (for a link
    opened directly). A refusal (state changed meanwhile, not allowed) comes back as a message."""

    template_name = "governance/confirm.html"
    form_class = EmptyForm
    subject = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("subject", self.subject or (str(self.object) if self.object is not None else ""))
        return ctx


class BulkActionView(ActionFormView):
    """A list's bulk bar: the ticked rows, one verb, each row through the verb's own one-object action in
    its own transaction — a row that is refused (moved on, not allowed, bad input) does not undo the others —
    then one message of what was done and one naming each refusal with its reason. Back to the list.

    Declare `form_class` (with the ids field `ids_field` and the verb field `verb_field`), `object_source` (a
    selector or model: every id must be in the user's sight, else 404 for the whole request, saying nothing
    about which), and `bulk_verbs = {value: (action, done_message)}`; override `item_kwargs(form)` for the
    fields an action takes, `name_of(obj)` for how a refusal names its row."""

    ids_field = "ids"
    verb_field = "action"
    object_source = None
    object_related: tuple = ()
    bulk_verbs: dict = {}
    item_arg = "id"
    default_next = "home"
    refusals_shown = 10

    def back(self) -> str:
        from django.urls import reverse

        back = self.request.POST.get("next") or ""
        return back if back.startswith("/") and not back.startswith("//") else reverse(self.default_next)

    def item_kwargs(self, form) -> dict:
        return {}

    def name_of(self, obj) -> str:
        return str(obj)

    def perform(self, form):
        from django.utils.translation import gettext

        data = form.cleaned_data
        ids = sorted({int(i) for i in data[self.ids_field]})
        source = type(self).object_source  # a plain function, not a method
        qs = source(user=self.request.user) if callable(source) and not isinstance(source, type) else source.objects.all()
        rows = {o.pk: o for o in scoped(qs, self.request.user).filter(pk__in=ids)
                .select_related(*self.object_related)}
        if len(rows) != len(ids):
            raise Http404  # one policy for the set: nothing about which id is out of sight
        action, done_message = self.bulk_verbs[data[self.verb_field]]
        extra = self.item_kwargs(form)
        done, refused = 0, []
        for pk in ids:
            try:
                action(actor=self.request.user, **{self.item_arg: pk}, **extra)  # its own transaction
                done += 1
            except ValidationError as exc:
                refused.append((rows[pk], "；".join(exc.messages)))
            except Conflict as exc:
                refused.append((rows[pk], str(exc.message)))
            except PermissionDenied as exc:
                refused.append((rows[pk], str(exc) or gettext("您的角色无权执行此操作。")))
            except Http404:
                refused.append((rows[pk], gettext("不存在或无权查看。")))
        if done:
            messages.success(self.request, done_message % {"n": done})
        if refused:
            shown = "；".join(f"{self.name_of(o)}：{reason}" for o, reason in refused[:self.refusals_shown])
            more = (gettext("等 %(n)d 条") % {"n": len(refused)}) if len(refused) > self.refusals_shown else ""
            messages.warning(self.request, gettext("%(n)d 条未处理（其余已处理）：%(list)s%(more)s") % {
                "n": len(refused), "list": shown, "more": more})
        return self.back()

    def form_invalid(self, form):
        if self.request.method != "POST":
            return super().form_invalid(form)
        for errors in form.errors.values():
            for e in errors:
                messages.error(self.request, e)
        return HttpResponseRedirect(self.back())
