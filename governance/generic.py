"""Generic HTML views: a view is configuration (a selector, a filterset, a form, an action)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.views.generic import DetailView, FormView, ListView

from .errors import Conflict
from .pagination import EstimatingPaginator


class ObjectListView(LoginRequiredMixin, ListView):
    """A scoped, filtered, paginated list. `selector(user=...)` must return a restricted queryset."""

    selector = None
    filterset_class = None
    paginate_by = 50
    paginator_class = EstimatingPaginator
    title = ""

    def get_base_queryset(self):
        return type(self).selector(user=self.request.user)

    def get_queryset(self):
        qs = self.get_base_queryset()
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
        return ctx


class ObjectDetailView(LoginRequiredMixin, DetailView):
    """Anything outside the user's scope is simply not found (404)."""

    selector = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user)


class ActionFormView(LoginRequiredMixin, FormView):
    """A form whose valid data is handed to one action. ValidationError lands on the form (in the
    user's language), PermissionDenied is a 403, Conflict is a message on the form."""

    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(**kwargs)  # after the login check: anonymous callers learn nothing about objects
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        """Fetch the object(s) the URL names, through a selector (404 when out of scope)."""

    def perform(self, form):  # -> object with get_absolute_url, or a URL string
        raise ImproperlyConfigured(f"{type(self).__name__} must define perform(form)")

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
        except Http404:
            raise
        except PermissionDenied:
            raise
        if self.success_message:
            messages.success(self.request, self.success_message)
        url = result if isinstance(result, str) else result.get_absolute_url()
        return HttpResponseRedirect(url)
