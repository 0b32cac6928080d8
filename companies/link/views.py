"""The hosted Link flow's own pages: the platform chooser, choosing an accounting platform,
and its consent step. Payroll providers' steps are served by `accounts.link_views`."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from companies.link import services
from companies.link.choices import choices_for
from companies.link.limits import limit_link_starts
from companies.link.pages import (
    FILTER_PARAM,
    PLATFORM_PARAM,
    allow_form_redirects,
    error_page,
    link_page,
)
from companies.link.redirects import link_redirect_url
from companies.models import Company, LinkAttempt, LinkSettings
from companies.platforms import Platform, SourceType, get_platform
from companies.platforms.sandbox import ALLOW, CANCEL, SIMULATE_ERROR
from companies.services import CompanyGone


@require_GET
@link_page
def link_start(
    request: HttpRequest, token: str, company: Company, link_settings: LinkSettings, params: dict
) -> HttpResponse:
    search = request.GET.get(FILTER_PARAM, "")[:100].strip()
    only = get_platform(request.GET.get(PLATFORM_PARAM, ""))
    choices = choices_for(company, token, params, only)
    if not only:
        choices = [c for c in choices if search.lower() in c.name.lower()]
    context = {
        "company": company,
        "link_settings": link_settings,
        "choices": choices,
        "search": search,
        "params": params,
        "filter_param": FILTER_PARAM,
        "accounting": SourceType.ACCOUNTING,
    }
    if request.htmx:
        return render(request, "link/start.html#platform-list", context)
    return allow_form_redirects(render(request, "link/start.html", context), link_settings)


@require_POST
@link_page
def link_choose(
    request: HttpRequest,
    token: str,
    company: Company,
    link_settings: LinkSettings,
    params: dict,
    platform_key: str,
) -> HttpResponse:
    """An accounting platform was chosen: start a Link attempt and ask for consent."""
    platform = get_platform(platform_key)
    if platform is None:
        return error_page(
            request, 400, "Unknown platform", "Go back and choose one of the listed platforms."
        )
    if refused := limit_link_starts(request, token=token, company=company):
        return refused
    attempt = services.link_attempt_start(company=company, platform=platform, params=params)
    return redirect("link:consent", token=token, attempt_id=attempt.id)


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
        if not Company.objects.filter(pk=company.pk).exists():
            # Deleted, with its attempts, since this page read it: the link is gone (410).
            raise CompanyGone(company.pk)
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
        return render(request, "link/finished.html", {**context, "already": True}, status=409)

    if link_settings.redirect_url_template:
        url = _redirect_url(link_settings, attempt, platform, result.error_message)
        return HttpResponseRedirect(url)
    return redirect("link:consent", token=token, attempt_id=attempt.id)
