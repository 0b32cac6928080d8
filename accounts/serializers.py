"""A payroll account as the JSON API shows it, in Teal's snake_case (also the body of
`payroll_account.*` webhook events); never the password."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import PlainSerializer, WithJsonSchema

from accounts.models import PayrollAccount
from portal.apikit.schemas import api_json

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


def account_json(account: PayrollAccount) -> dict:
    return api_json(AccountOut, account_to_dict(account))
