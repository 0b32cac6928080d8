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

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

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


def token_for(company: Company, issued: datetime) -> str:
    return _signer().sign(f"{company.id.hex}.{company.link_version}.{int(issued.timestamp())}")


@dataclass(frozen=True)
class LinkUrl:
    url: str
    expires_at: datetime | None  # None: it never expires (it can still be revoked)


def issue_link_url(company: Company, link_settings: LinkSettings | None = None) -> LinkUrl:
    """The company's Link URL as of now, and when it stops working."""
    link_settings = link_settings or LinkSettings.load()
    lifetime = link_settings.link_lifetime
    if lifetime is None:
        issued = company.link_issued_at
    else:
        # Never before the company's current URL was issued (a clock a second behind).
        issued = max(timezone.now(), company.link_issued_at)
    issued = issued.replace(microsecond=0)
    path = reverse("link:start", kwargs={"token": token_for(company, issued)})
    url = f"{settings.PUBLIC_BASE_URL}{path}"
    return LinkUrl(url=url, expires_at=issued + lifetime if lifetime is not None else None)


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
