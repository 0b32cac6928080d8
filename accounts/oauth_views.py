"""OAuth2 payroll providers: the sandbox provider's consent page, and our callback.

Both are public: the end user arrives from an `authorization_url` (handed over by the
business, or through Link). The signed state names the account; every failure is a page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET, require_http_methods

from accounts import oauth, services
from accounts.link_views import payroll_finish
from accounts.models import PayrollAccount
from accounts.providers import get_provider
from accounts.providers import sandbox as sandbox_rules
from companies.link.pages import allow_form_redirects, error_page
from companies.models import LinkSettings


@require_http_methods(["GET", "POST"])
def sandbox_authorize(request: HttpRequest, provider_key: str) -> HttpResponse:
    """What the provider's own consent page would do: check the request, ask, answer the
    callback with a code (Allow) or an error (Cancel, or a simulated failure)."""
    provider = get_provider(provider_key)
    if provider is None or not provider.uses_oauth:
        return error_page(request, 404, "Unknown provider", "This provider has no consent page.")
    redirect_url = request.GET.get("redirect_url", "")
    if redirect_url != oauth.callback_url():
        # A real provider only answers redirect URLs registered with it: no open redirect.
        return error_page(
            request,
            400,
            "This authorization request is not valid",
            "Its redirect_url is not registered with this provider.",
        )
    state = request.GET.get("state", "")
    try:
        account_id, nonce = oauth.read_state(state)
    except oauth.OAuthStateError as error:
        return error_page(request, error.status, error.title, error.message)
    account = (
        PayrollAccount.objects.select_related("company")
        .filter(pk=account_id, payroll_provider=provider.key)
        .first()
    )
    if account is None:
        return error_page(request, oauth.GONE.status, oauth.GONE.title, oauth.GONE.message)
    if not account.oauth_nonce or not constant_time_compare(account.oauth_nonce, nonce):
        return error_page(request, oauth.USED.status, oauth.USED.title, oauth.USED.message)

    link_settings = LinkSettings.load()
    if request.method == "GET":
        context = {
            "provider": provider,
            "account": account,
            "company": account.company,
            "link_settings": link_settings,
        }
        response = render(request, "accounts/sandbox_consent.html", context)
        return allow_form_redirects(response, link_settings)

    choice = request.POST.get("choice")
    if choice == sandbox_rules.ALLOW:
        answer = {"code": oauth.code_for(nonce), "state": state}
    elif choice in sandbox_rules.CONSENT_ERRORS:
        answer = {"error": sandbox_rules.CONSENT_ERRORS[choice], "state": state}
    else:
        return error_page(request, 400, "Unknown answer", "Choose Allow or Cancel.")
    return HttpResponseRedirect(f"{redirect_url}?{urlencode(answer)}")


@require_GET
def oauth_callback(request: HttpRequest) -> HttpResponse:
    try:
        outcome = services.account_complete_oauth(
            state=request.GET.get("state", ""),
            code=request.GET.get("code", "")[:200],
            error=request.GET.get("error", "")[:100],
        )
    except oauth.OAuthStateError as error:
        return error_page(request, error.status, error.title, error.message)

    account = outcome.account
    provider = account.provider
    link_settings = LinkSettings.load()
    if account.link_params is not None and provider is not None:
        # The user came through Link: back to the business, as after any Link.
        return payroll_finish(
            request,
            link_settings=link_settings,
            company=account.company,
            provider=provider,
            account=account,
            status_code=outcome.status_code,
            error_message=outcome.error_message,
            params=account.link_params,
        )
    context = {
        "provider": provider,
        "account": account,
        "company": account.company,
        "link_settings": link_settings,
        "status_code": outcome.status_code,
    }
    return render(request, "link/payroll_finished.html", context)
