"""Tables that HTMX redraws in place."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, QueryDict


def shown_query(request: HttpRequest) -> QueryDict:
    """The query string (search, filters, sort, page) of the table the page shows, for an
    HTMX request from that page: a row's delete sends the table back as it is seen."""
    return QueryDict(urlsplit(request.htmx.current_url or "").query)
