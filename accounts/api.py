"""Payroll accounts in the JSON API, in the snake_case of Teal's `POST /accounts` document."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import SecretStr

from accounts import services
from accounts.crypto import Secret
from accounts.models import USER_NAME_MAX_LENGTH, PayrollAccount
from accounts.providers import provider_keys
from accounts.serializers import AccountOut, StatusName, account_to_dict
from companies.activity import Actor
from companies.models import Company
from portal.apikit.pagination import MAX_PAGE, TealPage, paginate
from portal.apikit.schemas import ERRORS, ErrorOut, StrictSchema

router = Router(tags=["Payroll accounts"])

MAX_PAGE_SIZE = 1000
# Schemas


class AccountIn(StrictSchema):
    user_id: uuid.UUID = Field(
        description="The id of the user: in Causeway, the id of the company.",
        examples=["95a0e70b-fe02-4f47-aef9-2efff279df71"],
    )
    payroll_provider: str = Field(
        max_length=50,
        description="The payroll provider to use: " + ", ".join(provider_keys()) + ".",
        examples=["quickbooks"],
        # In the schema only: an unknown provider gets the server's message naming them.
        json_schema_extra={"enum": provider_keys()},
    )
    user_name: str | None = Field(
        None,
        max_length=USER_NAME_MAX_LENGTH,
        description="The login of the user. Required for providers that sign in with a password.",
        examples=["john.smith@company.com"],
    )
    password: SecretStr | None = Field(
        None,
        max_length=services.PASSWORD_MAX_LENGTH,
        description="The password of the user. Stored encrypted and never returned. Required "
        "for providers that sign in with a password; refused for OAuth2 providers.",
        examples=["very-secret-password"],
    )


class MfaIn(StrictSchema):
    mfa: str = Field(
        min_length=1, max_length=20, description="The code the user received.", examples=["123456"]
    )


class AccountListParams(Schema):
    user_id: uuid.UUID | None = Field(None, description="Only this company's accounts.")
    status: StatusName | None = None
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(100, ge=1, le=MAX_PAGE_SIZE)


def _account(account_id: uuid.UUID) -> PayrollAccount:
    account = PayrollAccount.objects.filter(pk=account_id).first()
    if account is None:
        raise Http404(f"No payroll account has the id {account_id}.")
    return account


# Endpoints


@router.post(
    "",
    response={201: AccountOut, **ERRORS},
    summary="Create an account",
    description="Creates a payroll account for the user (a company). Accounts at password "
    "providers start `PENDING` while the credentials are verified in the background, then "
    "become `CONNECTED`, `MFA_REQUIRED` (send the code to `PUT /accounts/{account_id}/mfa`) or "
    "`INVALID_CREDENTIALS`. Accounts at OAuth2 providers carry an `authorization_url`: send "
    "the user there to consent.",
)
def create_account(request: HttpRequest, payload: AccountIn):
    company = Company.objects.filter(pk=payload.user_id).first()
    if company is None:
        raise Http404(f"No user (company) has the id {payload.user_id}.")
    account = services.account_create(
        company=company,
        payroll_provider=payload.payroll_provider,
        user_name=payload.user_name or "",
        password=Secret(payload.password.get_secret_value()) if payload.password else None,
        actor=Actor.api_key(request.auth),
    )
    return Status(201, account_to_dict(account))


@router.get(
    "",
    response={200: TealPage[AccountOut], **ERRORS},
    summary="List accounts",
    description="Newest first. Filter by `user_id` (a company id) and `status`.",
    by_alias=True,
)
def list_accounts(request: HttpRequest, params: Query[AccountListParams]):
    accounts = services.accounts_for_table(status=params.status or "", company_id=params.user_id)
    return paginate(
        request,
        accounts,
        account_to_dict,
        page=params.page,
        page_size=params.page_size,
        page_size_param="page_size",
    )


@router.get("/{account_id}", response={200: AccountOut, **ERRORS}, summary="Get an account")
def get_account(request: HttpRequest, account_id: uuid.UUID):
    return account_to_dict(_account(account_id))


@router.delete("/{account_id}", response={204: None, **ERRORS}, summary="Delete an account")
def delete_account(request: HttpRequest, account_id: uuid.UUID):
    services.account_delete(account=_account(account_id), actor=Actor.api_key(request.auth))
    return Status(204, None)


@router.put(
    "/{account_id}/mfa",
    response={200: AccountOut, 409: ErrorOut, **ERRORS},
    summary="Send the MFA code",
    description="For an account in `MFA_REQUIRED`. The right code connects it (200). A wrong "
    "code is a 400 and the account stays `MFA_REQUIRED`; after three wrong codes in a row it "
    "becomes `INVALID_CREDENTIALS`. Any other status is a 409.",
)
def submit_mfa(request: HttpRequest, account_id: uuid.UUID, payload: MfaIn):
    account = _account(account_id)
    try:
        account = services.account_submit_mfa(
            account=account, code=payload.mfa, actor=Actor.api_key(request.auth)
        )
    except services.WrongMfaCode as wrong:
        # The wrong attempt is saved; the 400 names the field, like any validation error.
        raise ValidationError({"mfa": str(wrong)}) from None
    except services.AccountStateError as error:
        raise HttpError(409, str(error)) from None
    return account_to_dict(account)
