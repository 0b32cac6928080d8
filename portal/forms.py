from __future__ import annotations

from django import forms


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="Where the key is used, such as “sign-up service”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
