"""The portal's payroll accounts pages: the table with its create form, an account's page."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts import company_search, services
from accounts.forms import MfaForm, PayrollAccountForm
from accounts.models import PayrollAccount
from accounts.providers import all_providers, get_provider
from companies.activity import Actor
from companies.queries import parse_uuid
from portal.confirm import asks_first
from portal.form_errors import apply_service_errors
from portal.tables import shown_query

PAGE_SIZE = 25


def _get_account(account_id: uuid.UUID) -> PayrollAccount:
    return get_object_or_404(PayrollAccount.objects.select_related("company"), pk=account_id)


def _table_context(request: HttpRequest, params: QueryDict | None = None) -> dict:
    """The table for `params` (the request's query string by default)."""
    params = request.GET if params is None else params
    query = params.get("q", "")[:255]
    status = params.get("status", "")
    status = status if status in PayrollAccount.Status.values else ""
    provider = params.get("provider", "")
    provider = provider if get_provider(provider) else ""
    company_id = parse_uuid(params.get("company", "")[:100])
    accounts = services.accounts_for_table(
        query=query, status=status, provider=provider, company_id=company_id
    )
    page = Paginator(accounts, PAGE_SIZE).get_page(params.get("page"))
    return {
        "page_obj": page,
        "query": query,
        "status": status,
        "provider": provider,
        "company_id": company_id,
        "statuses": PayrollAccount.Status.choices,
        "providers": all_providers(),
    }


@login_required
@permission_required("accounts.view_payrollaccount", raise_exception=True)
@require_GET
# The page and its fragment share a URL: caches and the back button must keep them apart.
@vary_on_headers("HX-Request")
def account_list(request: HttpRequest) -> HttpResponse:
    context = _table_context(request)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "accounts/list.html#table", context)
    form = _new_account_form(request, context["company_id"])
    return render(request, "accounts/list.html", {**context, "form": form})


def _new_account_form(request: HttpRequest, company_id: uuid.UUID | None) -> PayrollAccountForm:
    """An empty form, with the company chosen when the page is opened from a company's page
    (its "Add payroll account" link, which also filters the table to the company)."""
    if company_id is None or not request.user.has_perm("accounts.add_payrollaccount"):
        return PayrollAccountForm()
    company = company_search.company_with_id(company_id)
    if company is None:
        return PayrollAccountForm()
    return PayrollAccountForm(initial={"company": company.name, "company_id": company.id})


@login_required
@permission_required("accounts.add_payrollaccount", raise_exception=True)
@require_GET
def company_options(request: HttpRequest) -> HttpResponse:
    """The autocomplete of the form's company field: the newest companies matching what is
    typed, by name (see `company_search`)."""
    text = request.GET.get("company", "")[:255]
    matches, more = company_search.companies_matching(text)
    context = {"text": text.strip(), "matches": matches, "more": more}
    return render(request, "accounts/list.html#company-options", context)


@sensitive_post_parameters("password")
@login_required
@permission_required("accounts.add_payrollaccount", raise_exception=True)
@require_POST
def account_create(request: HttpRequest) -> HttpResponse:
    form = PayrollAccountForm(request.POST)
    if form.is_valid():
        try:
            account = services.account_create(**form.cleaned_data, actor=Actor.staff(request.user))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Added the {account.provider_name} account.")
            return redirect("accounts:detail", account_id=account.account_id)
    context = {**_table_context(request), "form": form}
    return render(request, "accounts/list.html", context, status=400)


def _detail_context(account: PayrollAccount, mfa_form: MfaForm | None = None) -> dict:
    return {
        "account": account,
        "provider": account.provider,
        "mfa_form": mfa_form or MfaForm(),
    }


@login_required
@permission_required("accounts.view_payrollaccount", raise_exception=True)
@require_GET
@vary_on_headers("HX-Request")
def account_detail(request: HttpRequest, account_id: uuid.UUID) -> HttpResponse:
    context = _detail_context(_get_account(account_id))
    if request.htmx and not request.htmx.history_restore_request:
        # The status region polls itself while a verification is under way.
        return render(request, "accounts/detail.html#status", context)
    return render(request, "accounts/detail.html", context)


@login_required
@permission_required("accounts.change_payrollaccount", raise_exception=True)
@require_POST
def account_mfa(request: HttpRequest, account_id: uuid.UUID) -> HttpResponse:
    account = _get_account(account_id)
    form = MfaForm(request.POST)
    if form.is_valid():
        try:
            account = services.account_submit_mfa(
                account=account, code=form.cleaned_data["code"], actor=Actor.staff(request.user)
            )
        except services.WrongMfaCode as wrong:
            account = wrong.account
            form.add_error("code", str(wrong))
        except services.AccountStateError as error:
            # Answered already (another tab, a colleague): show the account as it is now.
            messages.error(request, str(error))
            if not request.htmx:
                return redirect("accounts:detail", account_id=account.account_id)
            return render(request, "accounts/detail.html#status", _detail_context(account))
        else:
            messages.success(request, f"{account.provider_name} accepted the code.")
            if not request.htmx:
                return redirect("accounts:detail", account_id=account.account_id)
            form = MfaForm()
    context = _detail_context(account, form)
    if request.htmx:
        # htmx swaps only 2xx responses, so refusals come back as 200 with the errors shown.
        return render(request, "accounts/detail.html#status", context)
    return render(request, "accounts/detail.html", context, status=400)


def _state_action(request: HttpRequest, account_id: uuid.UUID, action, done: str) -> HttpResponse:
    account = _get_account(account_id)
    try:
        account = action(account=account, actor=Actor.staff(request.user))
    except services.AccountStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done.format(provider=account.provider_name))
    if request.htmx:
        context = _detail_context(_get_account(account_id))
        return render(request, "accounts/detail.html#status", context)
    return redirect("accounts:detail", account_id=account_id)


@login_required
@permission_required("accounts.change_payrollaccount", raise_exception=True)
@require_POST
@asks_first(
    lambda request, account_id: (
        f"Disconnect this {_get_account(account_id).provider_name} account? "
        "Payroll is no longer pulled."
    ),
    button="Disconnect",
)
def account_disconnect(request: HttpRequest, account_id: uuid.UUID) -> HttpResponse:
    return _state_action(
        request,
        account_id,
        services.account_disconnect,
        "Disconnected the {provider} account: payroll is no longer pulled.",
    )


@login_required
@permission_required("accounts.change_payrollaccount", raise_exception=True)
@require_POST
def account_renew_authorization(request: HttpRequest, account_id: uuid.UUID) -> HttpResponse:
    return _state_action(
        request,
        account_id,
        services.account_renew_authorization,
        "Issued a new {provider} authorization URL. Earlier ones no longer work.",
    )


@login_required
@permission_required("accounts.delete_payrollaccount", raise_exception=True)
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest, account_id: uuid.UUID) -> HttpResponse:
    account = _get_account(account_id)
    if request.method == "GET":
        return render(request, "accounts/delete.html", {"account": account})
    services.account_delete(account=account, actor=Actor.staff(request.user))
    messages.success(request, f"Deleted the {account.provider_name} account.")
    if request.htmx:
        # The table the page shows, again: its count, its pages and (for the last row) its
        # empty state stay true. The message arrives out of band.
        return render(
            request, "accounts/list.html#deleted", _table_context(request, shown_query(request))
        )
    return redirect("accounts:list")
