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
