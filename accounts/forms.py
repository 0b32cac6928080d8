from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accounts.crypto import Secret
from accounts.models import USER_NAME_MAX_LENGTH
from accounts.providers import provider_choices
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


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields, or above it."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class PayrollAccountForm(forms.Form):
    """Staff add an account. The provider decides whether user name and password are needed
    (the service says so); OAuth2 accounts get an authorization URL to send to the user."""

    # The company's id, not a list of every company: an installation may have 100,000.
    # "Add payroll account" on a company page fills it in.
    company = forms.ModelChoiceField(
        queryset=Company.objects.all(),
        widget=forms.TextInput(
            attrs={"placeholder": "8f74269c-6cbf-4c5e-9b93-599965a7fd49", "autocomplete": "off"}
        ),
        help_text="The company’s id, as shown in the companies table.",
        error_messages={
            "invalid_choice": "No company has this id. Copy it from the companies table.",
        },
    )
    payroll_provider = forms.ChoiceField(label="Provider", choices=provider_choices)
    user_name = UserNameField(required=False)
    password = PasswordField(required=False)


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
