"""How every payroll provider behaves here: documented sandbox users, like Plaid's.

No network calls. Credential providers (QuickBooks Payroll, ADP, Paychex):

| user name                     | password         | status after verification           |
| ----------------------------- | ---------------- | ----------------------------------- |
| any                           | `wrong-password` | INVALID_CREDENTIALS                 |
| contains `+mfa`               | anything else    | MFA_REQUIRED, Code, AUTHENTICATOR_APP |
| contains `+sms`               | anything else    | MFA_REQUIRED, Code, SMS             |
| contains `+expires`           | anything else    | CONNECTED; refused when pulled later |
| anything else                 | anything else    | CONNECTED                           |

The MFA code `123456` connects; any other code is refused, and the third wrong code in a row
makes the account INVALID_CREDENTIALS. OAuth2 providers (Gusto) show their consent page on
this server: Allow connects. A connected account's payroll runs semi-monthly, on the 15th and
on the last day of each month; the pull reports the latest of those on or before today.
"""

from __future__ import annotations

import calendar
import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.crypto import Secret
    from accounts.providers import PayrollProvider

WRONG_PASSWORD = "wrong-password"  # noqa: S105 (the documented sandbox password)
MFA_APP_MARKER = "+mfa"
MFA_SMS_MARKER = "+sms"
EXPIRES_MARKER = "+expires"  # accepted at sign-in, refused when checked again later
MFA_CODE = "123456"
MAX_MFA_ATTEMPTS = 3

# What a sign-in attempt tells us; the values are the account statuses they lead to.
CONNECTED = "CONNECTED"
MFA_REQUIRED = "MFA_REQUIRED"
INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
AUTHENTICATOR_APP = "AUTHENTICATOR_APP"
SMS = "SMS"

# The answers on the OAuth2 consent page, and the `error` each sends to the callback.
ALLOW = "allow"
CANCEL = "cancel"
SIMULATE_ERROR = "error"
CONSENT_ERRORS = {CANCEL: "access_denied", SIMULATE_ERROR: "server_error"}


@dataclass(frozen=True)
class SignIn:
    outcome: str  # CONNECTED, MFA_REQUIRED or INVALID_CREDENTIALS
    mfa_source: str = ""


class SandboxProvider:
    def __init__(self, provider: PayrollProvider) -> None:
        self.provider = provider

    def sign_in(self, user_name: str, password: Secret, *, again: bool = False) -> SignIn:
        """`again`: the stored credentials, checked at a scheduled pull after connecting."""
        if hmac.compare_digest(password.reveal().encode(), WRONG_PASSWORD.encode()):
            return SignIn(INVALID_CREDENTIALS)
        if again:
            expired = EXPIRES_MARKER in user_name.lower()
            return SignIn(INVALID_CREDENTIALS if expired else CONNECTED)
        if MFA_SMS_MARKER in user_name.lower():
            return SignIn(MFA_REQUIRED, mfa_source=SMS)
        if MFA_APP_MARKER in user_name.lower():
            return SignIn(MFA_REQUIRED, mfa_source=AUTHENTICATOR_APP)
        return SignIn(CONNECTED)

    def check_code(self, code: str) -> bool:
        return hmac.compare_digest(code.strip().encode(), MFA_CODE.encode())

    def latest_pay_date(self, today: date) -> datetime:
        """The latest semi-monthly pay date (the 15th or the month's last day) up to today."""
        if today.day >= 15:
            last_day = calendar.monthrange(today.year, today.month)[1]
            pay_day = today.replace(day=last_day if today.day == last_day else 15)
        else:
            year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
            pay_day = date(year, month, calendar.monthrange(year, month)[1])
        return datetime.combine(pay_day, time(0, 0), tzinfo=UTC)
