from __future__ import annotations

from django import forms

from portal.webhooks.events import TYPES
from portal.webhooks.models import Delivery


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/webhooks"}),
    )
    description = forms.CharField(max_length=500, required=False)
    event_types = forms.MultipleChoiceField(
        label="Event types",
        choices=[(t, t) for t in TYPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every event type, including ones added later.",
    )
    enabled = forms.BooleanField(required=False, initial=True)


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Delivery.Status.choices], required=False
    )
    event_type = forms.ChoiceField(
        label="Event type",
        choices=[("", "Any event type"), *[(t, t) for t in TYPES]],
        required=False,
    )


class ResendFailedForm(forms.Form):
    since = forms.DateTimeField(
        label="Failed since",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
