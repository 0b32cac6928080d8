"""Link URLs: `<PUBLIC_BASE_URL>/link/<token>/`, a signed token naming a company.

The token holds the company id, the Link version it was issued under and when it was
issued. It is valid while the signature holds, the company exists, the version is current
(staff bump it to revoke every URL issued so far) and the lifetime from Link settings
has not run out since it was issued.

A URL is issued whenever one is read (the company page, the API's `redirect` and `linkUrl`),
so what a reader is given works for the whole lifetime from that moment: a URL read once and
sent later never turns out to be already stale. With no lifetime (Link URLs never expire, as
Codat's), the company keeps one URL, issued at `link_issued_at`, until it is revoked.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes

from companies.models import Company, LinkSettings

_SIGNER_SALT = "causeway.link-url"
TOKEN_MAX_LENGTH = 200


class LinkTokenError(Exception):
    """Why a token cannot be used, in words for the end user, with the HTTP status."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SIGNER_SALT)


@functools.lru_cache(maxsize=4)
def _signing_key(secret: str | bytes) -> bytes:
    """The HMAC key Django's Signer derives from the secret on every call (`salted_hmac`),
    derived once per secret."""
    return hashlib.sha256(force_bytes(_SIGNER_SALT + "signer") + force_bytes(secret)).digest()


def _sign(value: str) -> str:
    """`signing.Signer(salt=_SIGNER_SALT).sign(value)`, byte for byte, at a fraction of its
    cost: an API page signs a hundred URLs. Checking a token stays with the Signer, which
    also accepts the fallback keys."""
    digest = hmac.digest(_signing_key(settings.SECRET_KEY), value.encode(), "sha256")
    return f"{value}:{base64.urlsafe_b64encode(digest).rstrip(b'=').decode()}"


def token_for(company: Company, issued: datetime) -> str:
    return _sign(f"{company.id.hex}.{company.link_version}.{int(issued.timestamp())}")


@dataclass(frozen=True)
class LinkUrl:
    url: str
    expires_at: datetime | None  # None: it never expires (it can still be revoked)


# Stands for the token while the URL's path is reversed once; a token's characters (hex,
# digits, `.`, `:` and base64's URL-safe alphabet) are all left as they are by `reverse`.
_TOKEN_PLACEHOLDER = "TOKEN"  # noqa: S105 (not a secret)


class LinkUrlIssuer:
    """Issues Link URLs for any number of companies as of one moment: the Link settings, the
    clock and the URL around the token are read once, so a page of a hundred companies costs
    a hundred signatures and nothing more."""

    def __init__(self, link_settings: LinkSettings | None = None) -> None:
        self.lifetime = (link_settings or LinkSettings.load()).link_lifetime
        self.now = timezone.now()
        path = reverse("link:start", kwargs={"token": _TOKEN_PLACEHOLDER})
        before, after = path.split(_TOKEN_PLACEHOLDER)
        self.before = f"{settings.PUBLIC_BASE_URL}{before}"
        self.after = after

    def issue(self, company: Company) -> LinkUrl:
        """The company's Link URL as of now, and when it stops working."""
        if self.lifetime is None:
            issued = company.link_issued_at
        else:
            # Never before the company's current URL was issued (a clock a second behind).
            issued = max(self.now, company.link_issued_at)
        issued = issued.replace(microsecond=0)
        url = f"{self.before}{token_for(company, issued)}{self.after}"
        expires_at = issued + self.lifetime if self.lifetime is not None else None
        return LinkUrl(url=url, expires_at=expires_at)


def issue_link_url(company: Company, link_settings: LinkSettings | None = None) -> LinkUrl:
    """The company's Link URL as of now, and when it stops working."""
    return LinkUrlIssuer(link_settings).issue(company)


def link_url_for(company: Company, link_settings: LinkSettings | None = None) -> str:
    return issue_link_url(company, link_settings).url


INVALID = LinkTokenError(
    400,
    "This link is not valid",
    "The address may be incomplete or mistyped. Ask the business that sent it for a new link.",
)


def company_for_token(token: str, link_settings: LinkSettings) -> Company:
    """The company a token names, or LinkTokenError saying why it cannot be used."""
    if len(token) > TOKEN_MAX_LENGTH:
        raise INVALID
    try:
        value = _signer().unsign(token)
        company_hex, version, issued = value.split(".")
        company_id = uuid.UUID(hex=company_hex)
        version, issued = int(version), int(issued)
    except (signing.BadSignature, ValueError):
        raise INVALID from None

    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise LinkTokenError(
            410,
            "This link is no longer available",
            "The company this link was made for no longer exists.",
        )
    issued_at = datetime.fromtimestamp(issued, tz=UTC)
    if version != company.link_version:
        raise LinkTokenError(
            410,
            "This link has been withdrawn",
            "The business that sent it has withdrawn this link. Ask them for a new one.",
        )
    lifetime = link_settings.link_lifetime
    if lifetime is not None and issued_at + lifetime < timezone.now():
        raise LinkTokenError(
            410,
            "This link has expired",
            "Links are valid for a limited time. Ask the business that sent it for a new one.",
        )
    return company
