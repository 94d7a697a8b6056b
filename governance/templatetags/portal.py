from django import forms, template

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
def querystring_with(context, **kwargs):
    query = context["request"].GET.copy()
    for k, v in kwargs.items():
        query[k] = v
    return query.urlencode()
