"""Settings > Sync: how often every company's data syncs by itself, unless the company has
its own frequency (set on its page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from companies.activity import Actor
from companies.forms import SyncSettingsForm
from companies.models import Company, SyncFrequency, SyncSettings
from companies.pulls import schedule


@login_required
@permission_required("companies.change_syncsettings", raise_exception=True)
@require_http_methods(["GET", "POST"])
def sync_settings(request: HttpRequest) -> HttpResponse:
    current = SyncSettings.load()
    form = SyncSettingsForm(
        request.POST or None, initial={"default_frequency": current.default_frequency}
    )
    if request.method == "POST" and form.is_valid():
        frequency = form.cleaned_data["default_frequency"]
        schedule.sync_settings_update(default_frequency=frequency, actor=Actor.staff(request.user))
        label = SyncFrequency(frequency).label.lower()
        messages.success(request, f"Saved: companies without their own frequency sync {label}.")
        return redirect("settings:sync")
    context = {
        "form": form,
        "own_frequency_count": Company.objects.exclude(sync_frequency="").count(),
    }
    status = 400 if form.errors else 200
    return render(request, "companies/sync_settings.html", context, status=status)
