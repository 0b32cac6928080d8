"""Limits on starting to link, for the hosted Link pages that need no login.

A *start* is a post that makes something: choosing an accounting platform (a Link attempt),
signing in at a payroll provider, an OAuth2 start, an MFA code, signing in again. Starts are
counted per Link URL and per client address, in fixed windows in Django's cache (one count for
every process with REDIS_URL, one per process without); and a company may have at most
LINK_OPEN_ATTEMPTS_PER_COMPANY unfinished starts from the last day, counted in the database.
Past a limit the end user gets the Link error page, 429, saying when to try again.

Unfinished payroll accounts live in the `accounts` app, which registers how to count them
(`AccountsConfig.ready`), so `companies` never imports `accounts`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from companies.link.pages import error_page
from companies.models import Company, LinkAttempt
from portal.apikit.throttling import hit, parse_rate
from portal.proxies import client_address

# Starts older than this no longer count as open: an abandoned attempt frees its place by itself.
OPEN_FOR = timedelta(days=1)

# `source(company, since)`: the unfinished starts since then, as a query of their times named
# `started` (`.values(started=F(...))`), so that every source is asked in one query.
OpenStarts = Callable[[Company, datetime], QuerySet]
_open_sources: list[OpenStarts] = []


def register_open_starts(source: OpenStarts) -> OpenStarts:
    if source not in _open_sources:
        _open_sources.append(source)
    return source


def _unanswered_attempts(company: Company, since: datetime) -> QuerySet:
    return LinkAttempt.objects.filter(
        connection__company=company, answered_at__isnull=True, created__gte=since
    ).values(started=F("created"))


register_open_starts(_unanswered_attempts)


def _in_words(seconds: float) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def _refusal(request: HttpRequest, seconds: float, why: str) -> HttpResponse:
    seconds = max(1, math.ceil(seconds))
    at = timezone.localtime(timezone.now() + timedelta(seconds=seconds))
    message = f"{why} Try again in {_in_words(seconds)}, after {at:%H:%M} ({at:%Z})."
    response = error_page(request, 429, "Too many attempts", message)
    response["Retry-After"] = str(seconds)
    return response


def _rate_limited(request: HttpRequest, token: str) -> HttpResponse | None:
    per_url = parse_rate(settings.LINK_ATTEMPTS_PER_URL)
    per_address = parse_rate(settings.LINK_ATTEMPTS_PER_ADDRESS)
    # Hashed: a token is long, and cache keys have limits (and need not hold it).
    url_key = hashlib.sha256(token.encode()).hexdigest()[:32]
    url_wait = hit(f"link-starts:url:{url_key}", per_url) if per_url else None
    address = client_address(request)
    address_wait = hit(f"link-starts:address:{address}", per_address) if per_address else None
    if url_wait is not None:
        return _refusal(request, url_wait, "This link has been used to start linking too often.")
    if address_wait is not None:
        return _refusal(
            request, address_wait, "Linking has been started from your network too often."
        )
    return None


def _too_many_open(request: HttpRequest, company: Company) -> HttpResponse | None:
    cap = settings.LINK_OPEN_ATTEMPTS_PER_COMPANY
    if not cap:
        return None
    since = timezone.now() - OPEN_FOR
    first, *others = (source(company, since).order_by() for source in _open_sources)
    # The oldest `cap` starts of every kind, in one query: enough to tell whether the cap is
    # reached, and when the oldest of them frees its place.
    oldest_first = [
        row["started"] for row in first.union(*others, all=True).order_by("started")[:cap]
    ]
    if len(oldest_first) < cap:
        return None
    return _refusal(
        request,
        (oldest_first[0] + OPEN_FOR - timezone.now()).total_seconds(),
        f"{company.name} has {cap} linking attempts in progress. Finish or cancel one of them.",
    )


def limit_link_starts(
    request: HttpRequest, *, token: str, company: Company, opens: bool = True
) -> HttpResponse | None:
    """The 429 page when this start goes past a limit, None when it may go ahead. `opens`:
    the start can make a new unfinished attempt, so the company's cap applies too."""
    refused = _rate_limited(request, token)
    if refused is None and opens:
        refused = _too_many_open(request, company)
    return refused
