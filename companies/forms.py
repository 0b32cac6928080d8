from __future__ import annotations

from django import forms

from companies.models import DESCRIPTION_MAX_LENGTH, LinkSettings
from companies.services import trim_name
from companies.validators import NAME_MAX_LENGTH, validate_company_name


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
        name = trim_name(self.cleaned_data["name"])
        validate_company_name(name)
        return name


class LinkSettingsForm(forms.ModelForm):
    class Meta:
        model = LinkSettings
        fields = ["redirect_url_template", "link_lifetime_days", "display_name"]
        help_texts = {
            "redirect_url_template": "Where end users land after Link. Leave empty to show "
            "them a “You can close this window” page.",
            "display_name": "Shown to end users on the Link pages: who is asking for access.",
        }

    def clean_redirect_url_template(self) -> str:
        return self.cleaned_data["redirect_url_template"].strip()
