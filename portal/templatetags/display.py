"""How the portal shows statuses, numbers, amounts and times to people.

- `{% status code %}`: a badge with the plain words (portal.statuses), the API's code in its
  tooltip; `{% status code show_code=True %}` adds the code as a small label for staff.
- `{{ n|number }}`: thousands separators. `{{ amount|money:currency }}`: two decimals and the
  currency's code.
- `{% when moment %}`: "3 minutes ago" or "in 2 hours" within a week of now, the date after
  that; the exact time is in the tooltip, and the element never wraps.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil

from portal.statuses import status_of

register = template.Library()

RECENT = timedelta(days=7)
EXACT = "j M Y, H:i:s T"
DAY = "j M Y"
MINUTE = "j M Y, H:i"


@register.simple_tag
def status(code: str, show_code: bool = False, prefix: str = ""):
    found = status_of(code or "")
    words = f"{prefix} · {found.words}" if prefix else found.words
    badge = format_html(
        '<span class="badge tone-{}" title="API status: {}">{}</span>',
        found.tone,
        found.code,
        words,
    )
    if show_code and found.code != found.words:
        return format_html('{} <code class="status-code">{}</code>', badge, found.code)
    return badge


@register.filter
def status_words(code: str) -> str:
    return status_of(code or "").words


@register.filter
def number(value) -> str:
    if value is None or value == "":
        return "—"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def money(value, currency: str = "") -> str:
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    text = f"{amount:,.2f}"
    return f"{text} {currency}" if currency else text


@register.simple_tag
def when(moment, empty: str = "—", now: datetime | None = None):
    """A <time> saying how long ago (or until) `moment`, exact on hover."""
    if not moment:
        return format_html('<span class="muted">{}</span>', empty)
    if not isinstance(moment, datetime):
        # A bare date: no time of day to be relative about.
        return format_html(
            '<time class="nowrap" datetime="{}">{}</time>',
            moment.isoformat(),
            date_format(moment, DAY) if isinstance(moment, date) else moment,
        )
    now = now or timezone.now()
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    exact = date_format(local, EXACT)
    distance = moment - now
    if abs(distance) >= RECENT:
        shown = date_format(local, MINUTE)
    elif abs(distance) < timedelta(minutes=1):
        shown = "just now" if distance <= timedelta(0) else "in under a minute"
    elif distance < timedelta(0):
        shown = f"{timesince(moment, now, depth=1)} ago"
    else:
        shown = f"in {timeuntil(moment, now, depth=1)}"
    return format_html(
        '<time class="nowrap" datetime="{}" title="{}">{}</time>', local.isoformat(), exact, shown
    )
