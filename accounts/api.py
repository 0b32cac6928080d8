"""Payroll accounts in the JSON API, in the snake_case of Teal's `POST /accounts` document."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import PlainSerializer, SecretStr, WithJsonSchema

from accounts import services
from accounts.crypto import Secret
from accounts.models import USER_NAME_MAX_LENGTH, PayrollAccount
from accounts.providers import provider_keys
from companies.activity import Actor
from companies.models import Company
from portal.apikit.pagination import MAX_PAGE, TealPage, paginate
from portal.apikit.schemas import ERRORS, ErrorOut, StrictSchema

router = Router(tags=["Payroll accounts"])

MAX_PAGE_SIZE = 1000
StatusName = Literal["PENDING", "CONNECTED", "MFA_REQUIRED", "INVALID_CREDENTIALS", "DISCONNECTED"]


def _teal_datetime(value: datetime) -> str:
    """Teal's format: UTC with milliseconds, `2019-05-17T00:00:00.000Z`."""
    value = value.astimezone(UTC)
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"


TealDateTime = Annotated[
    datetime,
    PlainSerializer(_teal_datetime, return_type=str),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "example": "2019-05-17T00:00:00.000Z"}
    ),
]


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


class MfaMethod(Schema):
    type: Literal["Code"]
    source: Literal["AUTHENTICATOR_APP", "SMS"]


class AccountOut(Schema):
    account_id: uuid.UUID = Field(description="The id of the account")
    payroll_provider: str
    user_name: str = Field(description="The login of the user (empty for OAuth2 accounts)")
    status: StatusName
    created_at: TealDateTime
    mfa_enabled: bool
    latest_pay_date: TealDateTime | None = Field(
        description="The latest pay date of the payroll under this account, once pulled"
    )
    authorization_url: str | None = Field(
        description="For OAuth2 providers, until connected: where the user consents"
    )
    mfa_method: MfaMethod | None


class AccountListParams(Schema):
    user_id: uuid.UUID | None = Field(None, description="Only this company's accounts.")
    status: StatusName | None = None
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(100, ge=1, le=MAX_PAGE_SIZE)


# Turning models into JSON


def account_to_dict(account: PayrollAccount) -> dict:
    """Exactly the fields of Teal's response; never the password."""
    return {
        "account_id": account.account_id,
        "payroll_provider": account.payroll_provider,
        "user_name": account.user_name,
        "status": account.status,
        "created_at": account.created_at,
        "mfa_enabled": account.mfa_enabled,
        "latest_pay_date": account.latest_pay_date,
        "authorization_url": account.authorization_url or None,
        "mfa_method": account.mfa_method,
    }


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
