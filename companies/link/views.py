"""The hosted Link flow: public pages for a company's end users, reached by a Link URL.

No login: the signed token in the URL is the credential. Every failure is a friendly page.
"""

from __future__ import annotations

import functools
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import PayrollAccount
from accounts.providers import all_providers
from companies import services
from companies.link.redirects import PLACEHOLDER_NAME, link_redirect_url
from companies.link.tokens import LinkTokenError, company_for_token
from companies.models import Company, DataConnection, LinkAttempt, LinkSettings
from companies.platforms import Platform, SourceType, all_platforms, get_platform
from companies.platforms.sandbox import ALLOW, CANCEL, SIMULATE_ERROR

# Our own query parameters start with "_", so they cannot clash with custom placeholders.
FILTER_PARAM = "_filter"  # the platform filter box
PLATFORM_PARAM = "_platform"  # a connection's linkUrl offers just its platform
MAX_CUSTOM_PARAMS = 20
MAX_CUSTOM_VALUE_LENGTH = 500


class BadLinkRequest(Exception):
    pass


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def allow_form_redirects(response: HttpResponse, link_settings: LinkSettings) -> HttpResponse:
    """Browsers apply CSP `form-action` to every redirect after a form is posted, so a Link
    page whose form ends on the business's redirect URL (or on PUBLIC_BASE_URL, where OAuth2
    consent pages and callbacks live) must allow those origins as well as its own."""
    origins = {_origin(settings.PUBLIC_BASE_URL), _origin(link_settings.redirect_url_template)}
    origins.discard(None)
    if origins:
        response._csp_update = {"form-action": sorted(origins)}
    return response


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    context = {"title": title, "message": message}
    return render(request, "link/error.html", context, status=status)


def custom_params(request: HttpRequest) -> dict[str, str]:
    """Custom values for the redirect's placeholders, from the Link URL's query string."""
    params = {}
    for name, value in request.GET.items():
        if name in (FILTER_PARAM, PLATFORM_PARAM):
            continue
        if not PLACEHOLDER_NAME.fullmatch(name):
            raise BadLinkRequest(f"“{name[:40]}” is not a parameter name this link accepts.")
        if len(value) > MAX_CUSTOM_VALUE_LENGTH or not value.isprintable():
            raise BadLinkRequest(f"The value of “{name}” is too long or holds control characters.")
        params[name] = value
    if len(params) > MAX_CUSTOM_PARAMS:
        raise BadLinkRequest(f"A link may carry at most {MAX_CUSTOM_PARAMS} parameters.")
    return params


def link_page(view):
    """Resolve the Link URL: the view gets the company, the Link settings and the custom
    values from the query string, or the end user gets the friendly page saying what is wrong."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, token: str, **kwargs) -> HttpResponse:
        link_settings = LinkSettings.load()
        try:
            company = company_for_token(token, link_settings)
            params = custom_params(request)
        except LinkTokenError as error:
            return error_page(request, error.status, error.title, error.message)
        except BadLinkRequest as bad:
            return error_page(request, 400, "This link is not valid", str(bad))
        return view(
            request,
            token=token,
            company=company,
            link_settings=link_settings,
            params=params,
            **kwargs,
        )

    return wrapper


@require_http_methods(["GET", "POST"])
@link_page
def link_start(
    request: HttpRequest, token: str, company: Company, link_settings: LinkSettings, params: dict
) -> HttpResponse:
    if request.method == "POST" and "payroll_provider" in request.POST:
        # Imported here: the payroll pages import this module's helpers.
        from accounts.link_views import payroll_chosen

        return payroll_chosen(request, token=token, company=company, params=params)
    if request.method == "POST":
        platform = get_platform(request.POST.get("platform", ""))
        if platform is None:
            return error_page(
                request, 400, "Unknown platform", "Go back and choose one of the listed platforms."
            )
        attempt = services.link_attempt_start(company=company, platform=platform, params=params)
        return redirect("link:consent", token=token, attempt_id=attempt.id)

    search = request.GET.get(FILTER_PARAM, "")[:100].strip()
    # Accounting platforms first, then payroll providers (each marked with its source type).
    choices = [*all_platforms(), *all_providers()]
    platforms = [p for p in choices if search.lower() in p.name.lower()]
    only = get_platform(request.GET.get(PLATFORM_PARAM, ""))
    if only:
        platforms = [only]
    linked = set(
        company.connections.filter(status=DataConnection.Status.LINKED).values_list(
            "platform", flat=True
        )
    )
    connected_payroll = set(
        company.payroll_accounts.filter(status=PayrollAccount.Status.CONNECTED).values_list(
            "payroll_provider", flat=True
        )
    )
    context = {
        "company": company,
        "link_settings": link_settings,
        "platforms": platforms,
        "linked": linked,
        "connected_payroll": connected_payroll,
        "payroll": SourceType.PAYROLL,
        "search": search,
        "params": params,
        "filter_param": FILTER_PARAM,
    }
    if request.htmx:
        return render(request, "link/start.html#platform-list", context)
    return allow_form_redirects(render(request, "link/start.html", context), link_settings)


def _attempt_for(company: Company, attempt_id: uuid.UUID) -> LinkAttempt | None:
    return (
        LinkAttempt.objects.select_related("connection")
        .filter(pk=attempt_id, connection__company=company)
        .first()
    )


def _redirect_url(
    link_settings: LinkSettings, attempt: LinkAttempt, platform: Platform, error: str
) -> str:
    connection = attempt.connection
    return link_redirect_url(
        link_settings.redirect_url_template,
        company_id=connection.company_id,
        connection_id=connection.id,
        platform=platform,
        status_code=attempt.status_code,
        error_message=error,
        custom=attempt.params,
    )


@require_http_methods(["GET", "POST"])
@link_page
def link_consent(
    request: HttpRequest,
    token: str,
    company: Company,
    link_settings: LinkSettings,
    params: dict,
    attempt_id: uuid.UUID,
) -> HttpResponse:
    # The custom values that count are those stored when the platform was chosen.
    attempt = _attempt_for(company, attempt_id)
    if attempt is None:
        return error_page(
            request,
            404,
            "Not found",
            "This step of linking does not exist. Start again from your link.",
        )
    platform = get_platform(attempt.connection.platform)
    if platform is None:
        return error_page(
            request, 410, "Platform unavailable", "This platform can no longer be linked."
        )
    context = {
        "company": company,
        "link_settings": link_settings,
        "platform": platform,
        "attempt": attempt,
        "token": token,
    }

    if request.method == "GET":
        template = "link/finished.html" if attempt.answered_at else "link/consent.html"
        return allow_form_redirects(render(request, template, context), link_settings)

    choice = request.POST.get("choice")
    if choice not in (ALLOW, CANCEL, SIMULATE_ERROR):
        return error_page(request, 400, "Unknown answer", "Choose Allow or Cancel.")
    result = platform.adapter.answer_consent(choice)
    connection = services.link_attempt_answer(attempt=attempt, result=result)
    if connection is None:
        # Replayed, or answered in another tab: nothing changes a second time.
        attempt.refresh_from_db()
        return render(request, "link/finished.html", {**context, "already": True}, status=409)

    attempt.refresh_from_db()
    if link_settings.redirect_url_template:
        url = _redirect_url(link_settings, attempt, platform, result.error_message)
        return HttpResponseRedirect(url)
    return redirect("link:consent", token=token, attempt_id=attempt.id)
