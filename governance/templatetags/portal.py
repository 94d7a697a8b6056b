from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

register = template.Library()
_choice_maps: dict[tuple, dict] = {}


@register.filter
def choice(obj, field_name: str):
    """`{{ r|choice:"status" }}` = `r.get_status_display`, from a map built once per field (Django
    rebuilds it on every call: ~15 µs, twice a row on a 50-row list)."""
    key = (type(obj), field_name)
    labels = _choice_maps.get(key)
    if labels is None:
        labels = _choice_maps[key] = dict(type(obj)._meta.get_field(field_name).flatchoices)
    value = getattr(obj, field_name)
    return labels.get(value, value)


@register.filter
def bs(field):
    """Render a bound field with Bootstrap's class for its widget (and is-invalid on errors)."""
    widget = field.field.widget
    if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
        css = "form-check-input"
    elif isinstance(widget, (forms.Select, forms.SelectMultiple, forms.NullBooleanSelect)):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.simple_tag(takes_context=True)
def worklist(context):
    """What waits for the signed-in user (governance.worklist): the role home's to-do cards."""
    from governance import worklist as wl

    request = context.get("request")
    user = getattr(request, "user", None)
    return wl.for_user(user) if user is not None and user.is_authenticated else []


@register.inclusion_tag("includes/verb_buttons.html", takes_context=True)
def verb_buttons(context, verbs, obj=None):
    """The steps a user may take on the page's object, each as one button opening an in-page <dialog>: a
    one-click step asks its question, a step with fields holds its form — the rule's `form`, else the form
    of the step's own view (an ActionFormView on the generic form page) — posting to the step's view, which
    redirects back with the message. Progressive: the markup is a link to the step's page (its confirmation
    or form), which portal.js turns into the dialog's button; without script the link still works."""
    request = context["request"]
    obj = obj if obj is not None else context.get("object")
    items = []
    for v in verbs or []:
        rule = v.rule
        form = _verb_form(request, v, obj)
        items.append({"v": v, "form": form, "dialog": form is not None or not v.asks,
                      "question": rule.confirm or gettext("确认%(verb)s？") % {"verb": rule.label}})
    return {"items": items, "object": obj, "csrf_token": context.get("csrf_token"), "request": request}


def _verb_form(request, v, obj):
    """The unbound form a step's dialog shows, or None when the step keeps its own page (a custom layout)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.urls import Resolver404, resolve

    from governance.generic import ActionFormView, EmptyForm, _form_takes

    auto_id = f"id_{v.key}_%s"
    rule = v.rule
    if rule.form is not None:
        kwargs = {}
        if _form_takes(rule.form, "user"):
            kwargs["user"] = request.user
        if rule.form_object_arg:
            kwargs[rule.form_object_arg] = obj
        return rule.form(auto_id=auto_id, **kwargs)
    if not v.url:
        return None
    try:
        match = resolve(v.url)
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    if not (isinstance(view_class, type) and issubclass(view_class, ActionFormView)):
        return None
    if view_class.template_name not in ("governance/form.html", "governance/confirm.html"):
        return None  # the step has a page of its own design (a tally sheet, a sign-in list): keep the link
    # the step's own view builds its form, as its page would (user, object, initial such as a version)
    view = view_class()
    view.setup(request, *match.args, **match.kwargs)
    try:
        view.object = None
        view.load(**match.kwargs)
        form_class = view.get_form_class()
        if form_class is EmptyForm:
            return EmptyForm(auto_id=auto_id)
        kwargs = view.get_form_kwargs()
        kwargs.pop("data", None), kwargs.pop("files", None)  # always unbound: the page is not the step's POST
        return form_class(auto_id=auto_id, **kwargs)
    except (Http404, PermissionDenied):
        return None


@register.filter
def job_label(name: str):
    from governance.jobs import label_for

    return label_for(name)


@register.filter
def menu_has(section, path: str) -> bool:
    """Whether a menu group holds the page at `path` (its group opens in the side menu)."""
    return any(url == path for _label, url in section["items"])


@register.simple_tag(takes_context=True)
def querystring_with(context, **kwargs):
    query = context["request"].GET.copy()
    for k, v in kwargs.items():
        query[k] = v
    return query.urlencode()


@register.simple_tag
def resident_rows(residents):
    """The resident list's rows, written in Python: the busiest list in the county (50 rows of 500,000,
    ten cells each) spent more time in the template engine than in its query. Masked numbers only."""
    from governance.places import place_names

    residents = list(residents)
    places = place_names(r.region for r in residents)  # 乡镇 · 村 · 组: one query for the page
    party = format_html('<i class="bi bi-check-lg text-danger" title="{}"></i>', gettext("党员"))
    return format_html_join("\n", "<tr><td><a href=\"{}\">{}</a></td><td class=\"masked\">{}</td><td>{}</td>"
                            "<td>{}</td><td class=\"masked\">{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>", (
        (r.get_absolute_url(), r.name, r.id_masked, choice(r, "gender"),
         r.age, r.phone_masked or "—", places.get(r.region_id, r.region.name),
         choice(r, "status"), f"（{r.away_location}）" if r.away_location else "", party if r.is_party_member else "")
        for r in residents))
