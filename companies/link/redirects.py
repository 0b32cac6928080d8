"""The redirect URL template of Link settings: its rules, and filling it in.

A template is an http(s) URL whose path and query may hold `{placeholders}`:
the built-in ones below, or any custom name whose value came on the Link URL's query string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import quote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

BUILT_IN_PLACEHOLDERS = (
    "companyId",
    "connectionId",
    "platform",
    "platformName",
    "sourceType",
    "statusCode",
    "errorMessage",
)
TEMPLATE_MAX_LENGTH = 2000
CANCELLED = "User cancelled."  # the errorMessage when the end user cancels
PLACEHOLDER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders_in(template: str) -> list[str]:
    return list(dict.fromkeys(_PLACEHOLDER.findall(template)))


def _check_braces(template: str) -> None:
    depth = 0
    for position, char in enumerate(template, start=1):
        if char == "{":
            if depth:
                raise ValidationError(
                    f"A “{{” at character {position} opens a placeholder inside another one. "
                    "Placeholders look like {companyId}.",
                    code="unbalanced",
                )
            depth = 1
        elif char == "}":
            if not depth:
                raise ValidationError(
                    f"The “}}” at character {position} closes no placeholder. "
                    "Placeholders look like {companyId}.",
                    code="unbalanced",
                )
            depth = 0
    if depth:
        raise ValidationError(
            "A placeholder is opened with “{” but never closed with “}”.", code="unbalanced"
        )


def validate_redirect_template(template: str) -> None:
    """Raise ValidationError with a message a staff member can act on."""
    if len(template) > TEMPLATE_MAX_LENGTH:
        raise ValidationError(
            f"The redirect URL may be at most {TEMPLATE_MAX_LENGTH} characters.", code="too_long"
        )
    if any(char.isspace() or not char.isprintable() for char in template):
        raise ValidationError(
            "The redirect URL may not contain spaces or control characters.", code="invalid"
        )
    _check_braces(template)
    for name in placeholders_in(template):
        if not PLACEHOLDER_NAME.fullmatch(name):
            raise ValidationError(
                f"“{{{name}}}” is not a placeholder name: use letters, digits and _, "
                "starting with a letter.",
                code="bad_placeholder",
            )

    if not re.match(r"https?://", template, flags=re.IGNORECASE):
        raise ValidationError(
            "The redirect URL must start with http:// or https://.", code="scheme"
        )
    netloc = urlsplit(template).netloc
    if "{" in netloc or "}" in netloc:
        raise ValidationError(
            "Placeholders may only be used in the path and query, not in the host.",
            code="placeholder_in_host",
        )
    if "@" in netloc:
        # Browsers strip or refuse credentials in a redirect, and no CSP source may hold them:
        # the end user's form would be blocked on its way back to the business.
        raise ValidationError(
            "The redirect URL may not hold a user name or password (the part before “@” in "
            f"“{netloc}”). Give the address without it, such as https://example.com/linked.",
            code="user_info",
        )
    example = fill_redirect_url(template, {name: "x" for name in BUILT_IN_PLACEHOLDERS}, {})
    try:
        URLValidator(schemes=["http", "https"])(example)
    except ValidationError:
        raise ValidationError(
            "This is not a valid web address. An example: "
            "https://example.com/linked?company={companyId}&status={statusCode}",
            code="invalid",
        ) from None


def fill_redirect_url(
    template: str, values: Mapping[str, object], custom: Mapping[str, str]
) -> str:
    """Fill every placeholder, URL-encoded. Built-in names cannot be overridden by custom
    values; a custom name with no value becomes empty."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name, "") if name in BUILT_IN_PLACEHOLDERS else custom.get(name, "")
        return quote(str(value if value is not None else ""), safe="")

    return _PLACEHOLDER.sub(replace, template)


class Chosen(Protocol):
    """What the end user chose in Link: an accounting platform or a payroll provider."""

    key: str
    name: str
    source_type: str


def link_redirect_url(
    template: str,
    *,
    company_id: object,
    connection_id: object,
    platform: Chosen,
    status_code: int,
    error_message: str,
    custom: Mapping[str, str],
) -> str:
    """The redirect URL at the end of Link, for every kind of platform: the one place the
    built-in placeholders get their values."""
    values = {
        "companyId": company_id,
        "connectionId": connection_id,
        "platform": platform.key,
        "platformName": platform.name,
        "sourceType": platform.source_type,
        "statusCode": status_code,
        "errorMessage": error_message,
    }
    return fill_redirect_url(template, values, custom)
