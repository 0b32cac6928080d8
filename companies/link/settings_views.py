"""Settings > Auth flow > Link: the business's name, colour and redirect URL for the hosted
Link pages, with a live preview of the redirect URL filled in."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from companies import services
from companies.activity import Actor
from companies.forms import LinkSettingsForm
from companies.link.redirects import (
    BUILT_IN_PLACEHOLDERS,
    CANCELLED,
    link_redirect_url,
    placeholders_in,
    validate_redirect_template,
)
from companies.models import LinkSettings
from companies.platforms import get_platform

EXAMPLE_COMPANY_ID = uuid.UUID("8f74269c-6cbf-4c5e-9b93-599965a7fd49")
EXAMPLE_CONNECTION_ID = uuid.UUID("2e2eb431-c1fa-4dc9-93fa-d29781c12bcd")
EXAMPLE_PLATFORM = "xero"


def _redirect_previews(template: str) -> list[tuple[str, str]]:
    example = {
        "company_id": EXAMPLE_COMPANY_ID,
        "connection_id": EXAMPLE_CONNECTION_ID,
        "platform": get_platform(EXAMPLE_PLATFORM),
        "custom": {name: f"example-{name}" for name in placeholders_in(template)},
    }
    return [
        ("Linked", link_redirect_url(template, **example, status_code=200, error_message="")),
        (
            "Cancelled",
            link_redirect_url(template, **example, status_code=403, error_message=CANCELLED),
        ),
    ]


@login_required
@permission_required("companies.change_linksettings", raise_exception=True)
@require_http_methods(["GET", "POST"])
def link_settings(request: HttpRequest) -> HttpResponse:
    current = LinkSettings.load()
    form = LinkSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.link_settings_update(**form.cleaned_data, actor=Actor.staff(request.user))
        messages.success(request, "Saved the Link settings.")
        return redirect("settings:link")
    template = form["redirect_url_template"].value() or ""
    context = {
        "form": form,
        "previews": _redirect_previews(template) if not form.errors else [],
        "built_in": BUILT_IN_PLACEHOLDERS,
    }
    status = 400 if form.errors else 200
    return render(request, "companies/link_settings.html", context, status=status)


@login_required
@permission_required("companies.change_linksettings", raise_exception=True)
@require_GET
def link_settings_preview(request: HttpRequest) -> HttpResponse:
    template = request.GET.get("redirect_url_template", "").strip()
    error = ""
    try:
        if template:  # empty means no redirect: nothing to check
            validate_redirect_template(template)
    except ValidationError as invalid:
        error = " ".join(invalid.messages)
    context = {
        "previews": [] if error or not template else _redirect_previews(template),
        "preview_error": error,
    }
    return render(request, "companies/link_settings.html#preview", context)
