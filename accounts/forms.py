from __future__ import annotations

from django import forms

from accounts.company_search import CompanyNotFound, company_for
from accounts.crypto import Secret
from accounts.models import USER_NAME_MAX_LENGTH
from accounts.providers import all_providers, get_provider, provider_choices
from accounts.services import PASSWORD_MAX_LENGTH
from companies.models import Company


class PasswordField(forms.CharField):
    """A password as typed (not stripped), handed on as a `Secret`; never rendered back."""

    widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})

    def __init__(self, **kwargs) -> None:
        super().__init__(strip=False, max_length=PASSWORD_MAX_LENGTH, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return Secret(value) if value else None


class UserNameField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        attrs = {"autocomplete": "off", "maxlength": USER_NAME_MAX_LENGTH}
        super().__init__(
            max_length=USER_NAME_MAX_LENGTH, widget=forms.TextInput(attrs=attrs), **kwargs
        )


class ProviderSelect(forms.Select):
    """The provider select; each option says how its provider signs in (`data-auth`), so the
    page's script can hide the fields that provider does not use."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        provider = get_provider(str(value))
        if provider:
            option["attrs"]["data-auth"] = provider.auth
        return option


class PayrollAccountForm(forms.Form):
    """Staff add an account. The provider decides whether user name and password are needed
    (the service says so); OAuth2 accounts get an authorization URL to send to the user."""

    # Text, not a list of every company (an installation may have a million): a name, part
    # of one or an id, resolved by `company_search`. The autocomplete fills `company_id` with
    # the company picked, as does the list of matches shown when the text names several.
    company = forms.CharField(
        label="Company",
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Choose a company: type part of its name, or paste its id."},
    )
    company_id = forms.CharField(required=False, max_length=36, widget=forms.HiddenInput)
    payroll_provider = forms.ChoiceField(
        label="Provider", choices=provider_choices, widget=ProviderSelect
    )
    user_name = UserNameField(required=False)
    password = PasswordField(required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # When the text names several companies, the page lists them to choose from.
        self.company_matches: list[Company] = []
        self.more_company_matches = False

    def clean(self):
        cleaned = super().clean()
        if "company" in cleaned:
            try:
                cleaned["company"] = company_for(cleaned["company"], cleaned.get("company_id", ""))
            except CompanyNotFound as problem:
                self.company_matches, self.more_company_matches = problem.matches, problem.more
                self.add_error("company", str(problem))
        cleaned.pop("company_id", None)
        provider = get_provider(cleaned.get("payroll_provider", ""))
        if provider and provider.uses_oauth:
            # The page says these are not needed for OAuth providers (a browser may still
            # have filled them in): the account signs in through its consent page instead.
            cleaned["user_name"], cleaned["password"] = "", None
        return cleaned

    @staticmethod
    def oauth_provider_names() -> list[str]:
        return [provider.name for provider in all_providers() if provider.uses_oauth]


class CredentialsForm(forms.Form):
    """The end user signs in to their payroll provider on the hosted Link page."""

    user_name = UserNameField(label="User name")
    password = PasswordField(label="Password")


class MfaForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "maxlength": 20,
                "pattern": "[0-9 ]*",
            }
        ),
    )
