from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from portal import dashboard, services, statuses
from portal.charts import bar_chart
from portal.confirm import asks_first
from portal.forms import ApiKeyForm
from portal.models import ApiKey


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: companies by connection status, and pulls per day."""
    figures = dashboard.company_figures()
    # Bars carry the plain words people read everywhere else, painted in the status's tone.
    by_status = [(statuses.words(code), [n]) for code, n in figures["by_status"].items()]
    tones = {statuses.words(code): statuses.tone(code) for code in figures["by_status"]}
    title = "Companies by connection status" + (" (estimates)" if figures["estimated"] else "")
    context = {
        "totals": {"companies": figures["companies"], "linked": figures["by_status"]["Linked"]},
        "estimated": figures["estimated"],
        "status_chart": bar_chart(title, ["Companies"], by_status, tone_by_label=tones),
        "pulls_chart": bar_chart(
            "Data pulls per day, last 14 days",
            [(statuses.words("Complete"), "ok"), ("Failed", "bad"), ("Other", "neutral")],
            dashboard.pulls_per_day(days=14),
        ),
    }
    return render(request, "portal/home.html", context)


@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/settings.html")


NEW_KEY_SESSION_KEY = "new_api_key"


@login_required
@permission_required("portal.view_apikey", raise_exception=True)
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("portal.add_apikey"):
            raise PermissionDenied
        if form.is_valid():
            _, new_key = services.api_key_create(
                name=form.cleaned_data["name"], created_by=request.user
            )
            # Post/redirect/get: reloading the page shows the list, it creates no second key.
            # The key waits in the session for that one page, then is gone from it.
            request.session[NEW_KEY_SESSION_KEY] = new_key
            return redirect("settings:api-keys")
    context = {
        "form": form,
        "new_key": request.session.pop(NEW_KEY_SESSION_KEY, None),
        "keys": ApiKey.objects.select_related("created_by"),
    }
    # The new key is in this response only: never cache it.
    response = render(request, "portal/api_keys.html", context, status=400 if form.errors else 200)
    add_never_cache_headers(response)
    return response


@login_required
@permission_required("portal.change_apikey", raise_exception=True)
@require_POST
@asks_first(
    lambda request, key_id: (
        f"Revoke the API key “{get_object_or_404(ApiKey, pk=key_id).name}”? "
        "Calls with it will get 401."
    ),
    button="Revoke",
)
def api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    api_key = get_object_or_404(ApiKey, pk=key_id)
    services.api_key_revoke(api_key=api_key)
    messages.success(request, f"Revoked the API key “{api_key.name}”. Calls with it now get 401.")
    return redirect("settings:api-keys")


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """What axes answers, on our login page or the admin's, once a login is locked out."""
    context = {"lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES}
    return render(
        request,
        "registration/locked_out.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
