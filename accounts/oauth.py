"""OAuth2 for payroll providers: the authorization URL, its signed `state`, and the code.

The state is signed by this server, names the account and a nonce, and expires. The account
keeps the nonce of its current state; the callback clears it, so each state works once.
The sandbox consent page answers with a code derived from the nonce, so the callback cannot
be completed by someone who only saw the state.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.providers import PayrollProvider

_STATE_SALT = "causeway.payroll.oauth-state"
_CODE_SALT = "causeway.payroll.oauth-code"
# Long enough for an integrator to hand the URL to their user by email or chat.
STATE_MAX_AGE = timedelta(hours=24)
STATE_MAX_LENGTH = 500
SCOPE = "read"


class OAuthStateError(Exception):
    """Why a state cannot be used, in words for the end user, with the HTTP status."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def state_for(account_id: uuid.UUID, nonce: str) -> str:
    return signing.dumps({"a": account_id.hex, "n": nonce}, salt=_STATE_SALT, compress=False)


def callback_url() -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('accounts:oauth-callback')}"


def authorization_url_for(provider: PayrollProvider, state: str) -> str:
    """The sandbox provider's consent page on this server, shaped like Teal's example."""
    path = reverse("accounts:sandbox-authorize", kwargs={"provider_key": provider.key})
    query = urlencode({"redirect_url": callback_url(), "state": state, "scope": SCOPE})
    return f"{settings.PUBLIC_BASE_URL}{path}?{query}"


FORGED = OAuthStateError(
    400,
    "This authorization request is not valid",
    "The address may be incomplete or was not issued by this server. "
    "Start again from the link you were given.",
)
EXPIRED = OAuthStateError(
    400,
    "This authorization request has expired",
    "Authorization requests are valid for a limited time. Ask for a new link and start again.",
)
USED = OAuthStateError(
    409,
    "This authorization request was already used",
    "Each authorization request works once. If you still need to connect, start again "
    "from the link you were given.",
)
GONE = OAuthStateError(
    410,
    "This payroll account no longer exists",
    "It was removed after this authorization request was made. Ask for a new link.",
)


def read_state(state: str) -> tuple[uuid.UUID, str]:
    """The account id and nonce a state names, or OAuthStateError (forged or expired)."""
    if not state or len(state) > STATE_MAX_LENGTH:
        raise FORGED
    try:
        value = signing.loads(state, salt=_STATE_SALT, max_age=STATE_MAX_AGE)
        return uuid.UUID(hex=value["a"]), str(value["n"])
    except signing.SignatureExpired:
        raise EXPIRED from None
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        raise FORGED from None


def code_for(nonce: str) -> str:
    return salted_hmac(_CODE_SALT, nonce, algorithm="sha256").hexdigest()


def code_matches(nonce: str, code: str) -> bool:
    return constant_time_compare(code_for(nonce), code)
