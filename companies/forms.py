from __future__ import annotations

from django import forms

from companies.models import DESCRIPTION_MAX_LENGTH, Company, LinkSettings, SyncFrequency
from companies.validators import (
    NAME_MAX_LENGTH,
    normalize_company_name,
    suggested_company_name,
    validate_company_name,
    validate_description,
)


class CompanyForm(forms.Form):
    # strip=False: only spaces are trimmed; other whitespace must reach the name rule.
    # max_length is checked by the rule after trimming, with a message that says by how much.
    name = forms.CharField(
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": NAME_MAX_LENGTH, "autocomplete": "off"}),
    )
    description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The name rule names NUL among any other forbidden characters; no separate message.
        self.fields["name"].validators = []

    def clean_name(self) -> str:
        name = normalize_company_name(self.cleaned_data["name"])
        validate_company_name(name)
        return name

    def clean_description(self) -> str:
        description = self.cleaned_data["description"]
        validate_description(description)
        return description


class CompanyCreateForm(CompanyForm):
    # Set by "Create another anyway", after the form warned of a company with the same name.
    create_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)

    # The button that offers a refused name's cleaned form submits it under this name; it
    # then stands for the typed name (a plain form cannot change its own input's value).
    USE_NAME = "use_name"

    def __init__(self, data=None, *args, **kwargs) -> None:
        if data is not None and data.get(self.USE_NAME):
            data = data.copy()
            data["name"] = data[self.USE_NAME]
        super().__init__(data, *args, **kwargs)

    @property
    def suggested_name(self) -> str | None:
        """After a refused name: the same name cleaned of invisible characters and look-alike
        letters, when that would be accepted."""
        if not self.is_bound or "name" not in self.errors:
            return None
        return suggested_company_name(normalize_company_name(self.data.get("name", "")))


class CompanyAdminForm(forms.ModelForm):
    """The admin's form: the name is cleaned as the portal's form and the services clean it,
    so the model's rules judge the name that will be stored."""

    class Meta:
        model = Company
        fields = ["name", "description"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # As in CompanyForm: only spaces are trimmed, and the length is the stored name's.
        self.fields["name"].strip = False
        self.fields["name"].validators = []

    def clean_name(self) -> str:
        return normalize_company_name(self.cleaned_data["name"])


class LinkSettingsForm(forms.ModelForm):
    class Meta:
        model = LinkSettings
        fields = ["redirect_url_template", "link_lifetime_days", "display_name"]
        help_texts = {
            "redirect_url_template": "Where end users land after Link. Leave empty to show "
            "them a “You can close this window” page.",
            "display_name": "Shown to end users on the Link pages: who is asking for access.",
        }

    never_expires = forms.BooleanField(
        label="Link URLs never expire",
        required=False,
        help_text="As Codat's: a company keeps one Link URL until you revoke it.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["never_expires"].initial = self.instance.link_lifetime_days is None

    def clean_redirect_url_template(self) -> str:
        return self.cleaned_data["redirect_url_template"].strip()

    def clean(self) -> dict:
        cleaned = super().clean()
        # Not a model field: it decides whether the lifetime is a number of days or none.
        if cleaned.pop("never_expires", False):
            cleaned["link_lifetime_days"] = None
            self.errors.pop("link_lifetime_days", None)
        elif cleaned.get("link_lifetime_days") is None and "link_lifetime_days" not in self.errors:
            self.add_error(
                "link_lifetime_days",
                "Give the number of days, from 1 to 365, or choose “Link URLs never expire”.",
            )
        return cleaned


class SyncSettingsForm(forms.Form):
    default_frequency = forms.ChoiceField(
        label="Default sync frequency", choices=SyncFrequency.choices
    )
