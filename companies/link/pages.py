"""What every hosted Link page shares, whichever app serves it: resolving the Link URL's
token, the friendly error page, the custom values carried on the query string, and the CSP
that lets a Link form end on the business's redirect URL.

No login: the signed token in the URL is the credential. Every failure is a friendly page.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from companies.link.redirects import PLACEHOLDER_NAME
from companies.link.tokens import LinkTokenError, company_for_token
from companies.models import LinkSettings
from companies.services import CompanyGone

# Our own query parameters start with "_", so they cannot clash with custom placeholders.
FILTER_PARAM = "_filter"  # the platform filter box
PLATFORM_PARAM = "_platform"  # a connection's linkUrl offers just its platform
MAX_CUSTOM_PARAMS = 20
MAX_CUSTOM_VALUE_LENGTH = 500


class BadLinkRequest(Exception):
    pass


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    # A CSP source has no user information; one saved before it was refused must not break
    # the policy.
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}" if parts.scheme and host else None


def allow_form_redirects(response: HttpResponse, link_settings: LinkSettings) -> HttpResponse:
    """Browsers apply CSP `form-action` to every redirect after a form is posted, so a Link
    page whose form ends on the business's redirect URL (or on PUBLIC_BASE_URL, where OAuth2
    consent pages and callbacks live) must allow those origins as well as its own."""
    origins = {_origin(settings.PUBLIC_BASE_URL), _origin(link_settings.redirect_url_template)}
    origins.discard(None)
    if origins:
        response._csp_update = {"form-action": sorted(origins)}
    return response


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    """The friendly page for any failure in Link, with a way forward: who to ask for a new
    link and, where the business has set a redirect URL, a link back to its site."""
    link_settings = LinkSettings.load()
    context = {
        "title": title,
        "message": message,
        "link_settings": link_settings,
        "business_site": _origin(link_settings.redirect_url_template.split("{")[0]),
    }
    return render(request, "link/error.html", context, status=status)


def with_params(path: str, params: Mapping[str, str]) -> str:
    """A Link path that keeps the custom values: every step reads them from its query."""
    return f"{path}?{urlencode(params)}" if params else path


def custom_params(request: HttpRequest) -> dict[str, str]:
    """Custom values for the redirect's placeholders, from the Link URL's query string."""
    params = {}
    for name, value in request.GET.items():
        if name in (FILTER_PARAM, PLATFORM_PARAM):
            continue
        if not PLACEHOLDER_NAME.fullmatch(name):
            raise BadLinkRequest(f"“{name[:40]}” is not a parameter name this link accepts.")
        if len(value) > MAX_CUSTOM_VALUE_LENGTH or not value.isprintable():
            raise BadLinkRequest(f"The value of “{name}” is too long or holds control characters.")
        params[name] = value
    if len(params) > MAX_CUSTOM_PARAMS:
        raise BadLinkRequest(f"A link may carry at most {MAX_CUSTOM_PARAMS} parameters.")
    return params


def link_page(view):
    """Resolve the Link URL: the view gets the company, the Link settings and the custom
    values from the query string, or the end user gets the friendly page saying what is wrong."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, token: str, **kwargs) -> HttpResponse:
        with LinkSettings.held() as link_settings:
            return _resolved(request, token, link_settings, **kwargs)

    def _resolved(
        request: HttpRequest, token: str, link_settings: LinkSettings, **kwargs
    ) -> HttpResponse:
        try:
            company = company_for_token(token, link_settings)
            params = custom_params(request)
        except LinkTokenError as error:
            return error_page(request, error.status, error.title, error.message)
        except BadLinkRequest as bad:
            return error_page(request, 400, "This link is not valid", str(bad))
        try:
            return view(
                request,
                token=token,
                company=company,
                link_settings=link_settings,
                params=params,
                **kwargs,
            )
        except CompanyGone:
            # Deleted while the end user's answer waited for the company: as if it had been
            # deleted before they opened the link.
            return error_page(
                request,
                410,
                "This link is no longer available",
                "The company this link was made for no longer exists.",
            )

    return wrapper
