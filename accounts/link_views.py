"""Payroll providers in the hosted Link flow: the end user signs in on our page (then gives
the MFA code when asked), or consents on an OAuth2 provider's page, and is redirected back
with the same placeholders as for accounting platforms, `sourceType` being `Payroll`.

The business never handles the password: it goes from the end user's browser to the service,
which encrypts it. Credentials are verified in the request (the same service call the worker
makes), so the end user sees the MFA step or a refusal at once instead of waiting on a queue.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import CredentialsForm, MfaForm, apply_service_errors
from accounts.models import PayrollAccount
from accounts.providers import PayrollProvider, get_provider
from companies.activity import Actor
from companies.link.redirects import CANCELLED, link_redirect_url
from companies.link.views import (
    allow_form_redirects,
    error_page,
    link_page,
)
from companies.models import Company, LinkSettings

Status = PayrollAccount.Status


def _with_params(path: str, params: Mapping[str, str]) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def _account_path(token: str, account: PayrollAccount, params: Mapping[str, str]) -> str:
    kwargs = {"token": token, "account_id": account.account_id}
    path = reverse("link:payroll-account", kwargs=kwargs)
    return _with_params(path, params)


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


def payroll_chosen(
    request: HttpRequest, *, token: str, company: Company, params: Mapping[str, str]
) -> HttpResponse:
    """The chooser's answer for a payroll provider (called by `link_start`)."""
    provider = get_provider(request.POST.get("payroll_provider", ""))
    if provider is None:
        return error_page(
            request, 400, "Unknown provider", "Go back and choose one of the listed providers."
        )
    if provider.uses_credentials:
        path = reverse(
            "link:payroll-sign-in", kwargs={"token": token, "provider_key": provider.key}
        )
        return HttpResponseRedirect(_with_params(path, params))
    account = services.account_start_oauth_via_link(
        company=company, provider=provider, link_params=params
    )
    return HttpResponseRedirect(account.authorization_url)


def _brand_context(company, link_settings, provider, token, params) -> dict:
    return {
        "company": company,
        "link_settings": link_settings,
        "provider": provider,
        "token": token,
        "params": params,
        "start_path": _with_params(reverse("link:start", kwargs={"token": token}), params),
    }


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
    provider = get_provider(provider_key)
    if provider is None or not provider.uses_credentials:
        return error_page(
            request, 404, "Unknown provider", "Go back to your link and choose a listed provider."
        )
    context = _brand_context(company, link_settings, provider, token, params)

    if request.method == "POST" and request.POST.get("action") == "cancel":
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
            return _after_sign_in(request, link_settings, company, provider, account, params, token)
    response = render(
        request,
        "link/payroll_sign_in.html",
        {**context, "form": form},
        status=400 if form.errors else 200,
    )
    return allow_form_redirects(response, link_settings)


def _after_sign_in(request, link_settings, company, provider, account, params, token):
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


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@link_page
def payroll_account(
    request: HttpRequest,
    token: str,
    company: Company,
    link_settings: LinkSettings,
    params: dict,
    account_id: uuid.UUID,
) -> HttpResponse:
    """One account's next step in Link: the MFA code, signing in again, or done."""
    # Only accounts started through Link: an account the business created stays its own.
    account = PayrollAccount.objects.filter(
        pk=account_id, company=company, link_params__isnull=False
    ).first()
    if account is None:
        return error_page(
            request,
            404,
            "Not found",
            "This step of linking does not exist. Start again from your link.",
        )
    provider = account.provider
    if provider is None:
        return error_page(
            request, 410, "Provider unavailable", "This provider can no longer be linked."
        )
    context = _brand_context(company, link_settings, provider, token, params)
    finish = {
        "link_settings": link_settings,
        "company": company,
        "provider": provider,
        "params": params,
        "token": token,
    }

    mfa_form, sign_in_form = MfaForm(), CredentialsForm(initial={"user_name": account.user_name})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            return payroll_finish(
                request, **finish, account=account, status_code=403, error_message=CANCELLED
            )
        if action == "mfa" and account.status == Status.MFA_REQUIRED:
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
                    return HttpResponseRedirect(_account_path(token, account, params))
                else:
                    return payroll_finish(
                        request, **finish, account=account, status_code=200, error_message=""
                    )
        elif action == "sign_in" and account.status == Status.INVALID_CREDENTIALS:
            sign_in_form = CredentialsForm(request.POST)
            if sign_in_form.is_valid():
                try:
                    account = services.account_update_credentials(
                        account=account, **sign_in_form.cleaned_data, actor=Actor.end_user()
                    )
                except ValidationError as invalid:
                    apply_service_errors(sign_in_form, invalid)
                except services.AccountStateError:
                    return HttpResponseRedirect(_account_path(token, account, params))
                else:
                    return _after_sign_in(
                        request, link_settings, company, provider, account, params, token
                    )
        else:
            # A replayed or stale form: show the account's current step.
            return HttpResponseRedirect(_account_path(token, account, params))

    context.update(account=account, mfa_form=mfa_form, form=sign_in_form)
    if account.status == Status.CONNECTED:
        template = "link/payroll_finished.html"
        context["status_code"] = 200
    elif account.status == Status.INVALID_CREDENTIALS:
        template = "link/payroll_sign_in.html"
    else:
        template = "link/payroll_step.html"
    failed = mfa_form.errors or sign_in_form.errors
    response = render(request, template, context, status=400 if failed else 200)
    return allow_form_redirects(response, link_settings)
