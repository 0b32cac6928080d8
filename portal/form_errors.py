"""A service's ValidationError shown on the form that called it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def apply_service_errors(
    form: forms.Form, error: ValidationError, renames: dict[str, str] | None = None
) -> None:
    """Put each of the error's messages on its field (`renames` maps the service's names to
    the form's, e.g. the API's `eventTypes`), or above the form when no field has its name."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        field = (renames or {}).get(name, name)
        form.add_error(field if field in form.fields else None, messages)
