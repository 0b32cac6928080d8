"""Payroll providers in the hosted Link flow: the end user signs in on our page (then gives
the MFA code when asked), or consents on an OAuth2 provider's page, and is redirected back
with the same placeholders as for accounting platforms, `sourceType` being `Payroll`.

One action per URL: signing in, cancelling, answering MFA and signing in again each post to
their own address; a post that no longer fits the account's state shows its current step.

The business never handles the password: it goes from the end user's browser to the service,
which encrypts it. Credentials are verified in the request (the same service call the worker
makes), so the end user sees the MFA step or a refusal at once instead of waiting on a queue.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services
from accounts.forms import CredentialsForm, MfaForm
from accounts.models import PayrollAccount
from accounts.providers import PayrollProvider, all_providers, get_provider
from companies.activity import Actor
from companies.link.choices import Choice
from companies.link.limits import limit_link_starts
from companies.link.pages import allow_form_redirects, error_page, link_page, with_params
from companies.link.redirects import CANCELLED, link_redirect_url
from companies.models import Company, LinkSettings
from portal.form_errors import apply_service_errors

Status = PayrollAccount.Status
NO_SUCH_STEP = "This step of linking does not exist. Start again from your link."


def _url(name: str, params: Mapping[str, str], **kwargs) -> str:
    return with_params(reverse(f"payroll-link:{name}", kwargs=kwargs), params)


def _account_path(token: str, account: PayrollAccount, params: Mapping[str, str]) -> str:
    return _url("account", params, token=token, account_id=account.account_id)


def chooser_choices(company: Company, token: str, params: Mapping[str, str]) -> list[Choice]:
    """The payroll providers in the Link chooser (registered by `AccountsConfig.ready`):
    a credentials provider opens our sign-in page, an OAuth2 provider starts its consent."""
    connected = set(
        company.payroll_accounts.filter(status=Status.CONNECTED).values_list(
            "payroll_provider", flat=True
        )
    )
    return [
        Choice(
            key=provider.key,
            name=provider.name,
            source_type=provider.source_type,
            url=_url(
                "authorize" if provider.uses_oauth else "sign-in",
                params,
                token=token,
                provider_key=provider.key,
            ),
            method="post" if provider.uses_oauth else "get",
            connected="Connected" if provider.key in connected else "",
            colour=provider.colour,
            text_colour=provider.text_colour,
        )
        for provider in all_providers()
    ]


# Unfinished: the end user has not got through yet (a wrong password, an MFA code awaited, an
# OAuth2 consent not given).
UNFINISHED = (Status.PENDING, Status.MFA_REQUIRED, Status.INVALID_CREDENTIALS)


def open_link_accounts(company: Company, since: datetime) -> QuerySet:
    """Accounts started through Link since then and not finished (when each was), for the
    company's cap on open Link attempts (registered by `AccountsConfig.ready`)."""
    return PayrollAccount.objects.filter(
        company=company, link_params__isnull=False, status__in=UNFINISHED, created_at__gte=since
    ).values(started=F("created_at"))


def payroll_finish(
    request: HttpRequest,
    *,
    link_settings: LinkSettings,
    company: Company,
    provider: PayrollProvider,
    account: PayrollAccount | None,
    status_code: int,
    error_message: str,
    params: Mapping[str, str],
    token: str = "",
) -> HttpResponse:
    """Back to the business: its redirect URL with the placeholders filled, or a page that
    says the user can close the window."""
    if link_settings.redirect_url_template:
        url = link_redirect_url(
            link_settings.redirect_url_template,
            company_id=company.id,
            connection_id=account.account_id if account else "",
            platform=provider,
            status_code=status_code,
            error_message=error_message,
            custom=params,
        )
        return HttpResponseRedirect(url)
    if account is not None and token and status_code == 200:
        # Post/redirect/get: reloading the finished page repeats nothing.
        return HttpResponseRedirect(_account_path(token, account, params))
    context = {
        "company": company,
        "link_settings": link_settings,
        "provider": provider,
        "account": account,
        "status_code": status_code,
    }
    return render(request, "link/payroll_finished.html", context)


def _brand_context(company, link_settings, provider, token, params) -> dict:
    return {
        "company": company,
        "link_settings": link_settings,
        "provider": provider,
        "token": token,
        "params": params,
        "start_path": with_params(reverse("link:start", kwargs={"token": token}), params),
    }


def _provider_or_404(request, provider_key: str, *, oauth: bool):
    provider = get_provider(provider_key)
    if provider is None or provider.uses_oauth != oauth:
        return None, error_page(
            request, 404, "Unknown provider", "Go back to your link and choose a listed provider."
        )
    return provider, None


# Before an account exists: choosing a provider


@require_POST
@link_page
def payroll_authorize(
    request: HttpRequest,
    token: str,
    company: Company,
    link_settings: LinkSettings,
    params: dict,
    provider_key: str,
) -> HttpResponse:
    """An OAuth2 provider was chosen: straight to its consent page."""
    provider, refusal = _provider_or_404(request, provider_key, oauth=True)
    if refusal:
        return refusal
    if refused := limit_link_starts(request, token=token, company=company):
        return refused
    account = services.account_start_oauth_via_link(
        company=company, provider=provider, link_params=params
    )
    return HttpResponseRedirect(account.authorization_url)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@link_page
def payroll_sign_in(
    request: HttpRequest,
    token: str,
    company: Company,
    link_settings: LinkSettings,
    params: dict,
    provider_key: str,
) -> HttpResponse:
    """A credentials provider was chosen: its sign-in form, and signing in."""
    provider, refusal = _provider_or_404(request, provider_key, oauth=False)
    if refusal:
        return refusal
    if request.method == "POST" and (
        refused := limit_link_starts(request, token=token, company=company)
    ):
        return refused
    form = CredentialsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_create(
                company=company,
                payroll_provider=provider.key,
                **form.cleaned_data,
                actor=Actor.end_user(),
                verify_now=True,
                link_params=params,
            )
        except ValidationError as invalid:
            apply_service_errors(form, invalid)
        else:
            return _after_sign_in(
                request,
                link_settings=link_settings,
                company=company,
                provider=provider,
                account=account,
                params=params,
                token=token,
            )
    context = {
        **_brand_context(company, link_settings, provider, token, params),
        "form": form,
        "cancel_url": _url("cancel", params, token=token, provider_key=provider.key),
    }
    response = render(
        request, "link/payroll_sign_in.html", context, status=400 if form.errors else 200
    )
    return allow_form_redirects(response, link_settings)


@require_POST
@link_page
def payroll_cancel(
    request: HttpRequest,
    token: str,
    company: Company,
    link_settings: LinkSettings,
    params: dict,
    provider_key: str,
) -> HttpResponse:
    """Cancel on the sign-in page, before any account exists."""
    provider, refusal = _provider_or_404(request, provider_key, oauth=False)
    if refusal:
        return refusal
    return payroll_finish(
        request,
        link_settings=link_settings,
        company=company,
        provider=provider,
        account=None,
        status_code=403,
        error_message=CANCELLED,
        params=params,
    )


def _after_sign_in(request, *, link_settings, company, provider, account, params, token):
    if account.status == Status.CONNECTED:
        return payroll_finish(
            request,
            link_settings=link_settings,
            company=company,
            provider=provider,
            account=account,
            status_code=200,
            error_message="",
            params=params,
            token=token,
        )
    # MFA or a refusal: the account's page shows the next step.
    return HttpResponseRedirect(_account_path(token, account, params))


# An account started through Link: its next step


def link_account(view):
    """The account of the URL, if it was started through Link for this company (an account
    the business created stays its own), and its provider; a friendly page otherwise."""

    @link_page
    def wrapper(request, token, company, link_settings, params, account_id: uuid.UUID):
        account = PayrollAccount.objects.filter(
            pk=account_id, company=company, link_params__isnull=False
        ).first()
        if account is None:
            return error_page(request, 404, "Not found", NO_SUCH_STEP)
        if account.provider is None:
            return error_page(
                request, 410, "Provider unavailable", "This provider can no longer be linked."
            )
        finish = {
            "link_settings": link_settings,
            "company": company,
            "provider": account.provider,
            "params": params,
            "token": token,
        }
        try:
            return view(request, account=account, finish=finish)
        except services.AccountGone:
            # Deleted by the business while the end user was on this step.
            return error_page(request, 404, "Not found", NO_SUCH_STEP)

    return wrapper


def _render_step(request, account, finish, *, mfa_form=None, sign_in_form=None):
    context = _brand_context(
        finish["company"],
        finish["link_settings"],
        finish["provider"],
        finish["token"],
        finish["params"],
    )
    mfa_form = mfa_form or MfaForm()
    sign_in_form = sign_in_form or CredentialsForm(initial={"user_name": account.user_name})
    account_url = {
        "params": finish["params"],
        "token": finish["token"],
        "account_id": account.account_id,
    }
    context.update(
        account=account,
        mfa_form=mfa_form,
        form=sign_in_form,
        mfa_url=_url("account-mfa", **account_url),
        sign_in_url=_url("account-sign-in", **account_url),
        cancel_url=_url("account-cancel", **account_url),
    )
    if account.status == Status.CONNECTED:
        template = "link/payroll_finished.html"
        context["status_code"] = 200
    elif account.status == Status.INVALID_CREDENTIALS:
        template = "link/payroll_sign_in.html"
    else:
        template = "link/payroll_step.html"
    failed = mfa_form.errors or sign_in_form.errors
    response = render(request, template, context, status=400 if failed else 200)
    return allow_form_redirects(response, finish["link_settings"])


def _limited(request: HttpRequest, finish: dict) -> HttpResponse | None:
    # An MFA code or new credentials for an account already started: counted, but it opens
    # no new attempt.
    return limit_link_starts(request, token=finish["token"], company=finish["company"], opens=False)


def _current_step(account: PayrollAccount, finish: dict) -> HttpResponse:
    # A replayed or stale form: show the account's current step.
    return HttpResponseRedirect(_account_path(finish["token"], account, finish["params"]))


@require_GET
@link_account
def payroll_account(request: HttpRequest, account: PayrollAccount, finish: dict) -> HttpResponse:
    """One account's next step in Link: the MFA code, signing in again, or done."""
    return _render_step(request, account, finish)


@require_POST
@link_account
def payroll_account_mfa(
    request: HttpRequest, account: PayrollAccount, finish: dict
) -> HttpResponse:
    if account.status != Status.MFA_REQUIRED:
        return _current_step(account, finish)
    if refused := _limited(request, finish):
        return refused
    mfa_form = MfaForm(request.POST)
    if mfa_form.is_valid():
        try:
            account = services.account_submit_mfa(
                account=account, code=mfa_form.cleaned_data["code"], actor=Actor.end_user()
            )
        except services.WrongMfaCode as wrong:
            account = wrong.account
            mfa_form.add_error("code", str(wrong))
        except services.AccountStateError:
            return _current_step(account, finish)
        else:
            return payroll_finish(
                request, **finish, account=account, status_code=200, error_message=""
            )
    return _render_step(request, account, finish, mfa_form=mfa_form)


@sensitive_post_parameters("password")
@require_POST
@link_account
def payroll_account_sign_in(
    request: HttpRequest, account: PayrollAccount, finish: dict
) -> HttpResponse:
    """Signing in again after the provider refused the credentials."""
    if account.status != Status.INVALID_CREDENTIALS:
        return _current_step(account, finish)
    if refused := _limited(request, finish):
        return refused
    sign_in_form = CredentialsForm(request.POST)
    if sign_in_form.is_valid():
        try:
            account = services.account_update_credentials(
                account=account, **sign_in_form.cleaned_data, actor=Actor.end_user()
            )
        except ValidationError as invalid:
            apply_service_errors(sign_in_form, invalid)
        except services.AccountStateError:
            return _current_step(account, finish)
        else:
            return _after_sign_in(request, account=account, **finish)
    return _render_step(request, account, finish, sign_in_form=sign_in_form)


@require_POST
@link_account
def payroll_account_cancel(
    request: HttpRequest, account: PayrollAccount, finish: dict
) -> HttpResponse:
    return payroll_finish(
        request, **finish, account=account, status_code=403, error_message=CANCELLED
    )
