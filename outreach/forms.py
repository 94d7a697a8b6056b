"""The two steps of the villager's sign-in by SMS code (issue #19)."""
from django import forms
from django.utils.translation import gettext_lazy as _


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={
        "inputmode": "tel", "autocomplete": "tel", "placeholder": _("登记的11位手机号")}))


class CodeForm(forms.Form):
    code = forms.RegexField(label=_("验证码"), regex=r"^\s*\d{6}\s*$", max_length=10,
                            error_messages={"invalid": _("验证码是6位数字。")},
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                          "pattern": r"\d{6}", "maxlength": "6"}))


class PreferencesForm(forms.Form):
    """The preferences page: one multiple choice per kind of notice (messages.KINDS), named by its event. The
    action checks what each kind may go by and adds what it always goes by; the page shows those disabled."""

    def __init__(self, *args, user=None, **kwargs):
        from .messages import KINDS
        from .models import Delivery, NoticePreference

        super().__init__(*args, **kwargs)
        saved = dict(NoticePreference.objects.restrict(user, "view").values_list("event", "channels")) if user else {}
        for event, kind in KINDS.items():
            self.fields[event] = forms.MultipleChoiceField(
                label=kind.label, required=False, choices=Delivery.Channel.choices,
                widget=forms.CheckboxSelectMultiple, initial=saved.get(event, list(kind.channels)))

    def choices(self) -> dict[str, list[str]]:
        return {event: list(self.cleaned_data.get(event) or []) for event in self.fields}

    def rows(self) -> list[dict]:
        """[{label, legal, errors, cells: [{channel, name, id, offered, forced, checked}]}] for the table."""
        from .messages import KINDS, forced_channels
        from .models import Delivery

        out = []
        for event, kind in KINDS.items():
            bound = self[event]
            current = {str(v) for v in (bound.value() or [])}
            forced = forced_channels(event)
            cells = [{"channel": value, "label": label, "name": bound.html_name,
                      "id": f"pref-{event.replace('.', '-')}-{value}", "offered": value in kind.channels,
                      "forced": value in forced, "checked": value in forced or value in current}
                     for value, label in Delivery.Channel.choices]
            out.append({"event": event, "label": kind.label, "legal": kind.legal, "errors": bound.errors,
                        "cells": cells})
        return out
