"""Lists in the API: one page schema and one `paginate` helper for every list.

Codat's shape (`pageNumber`, `pageSize`, `totalResults`) with HAL `_links` to the pages around
it; Teal's lists use the same page in snake_case (`TealPage`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import ConfigDict
from pydantic.alias_generators import to_camel

T = TypeVar("T")
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 5000


class Link(Schema):
    href: str


def _is_none(value) -> bool:
    return value is None


class PageLinks(Schema):
    # HAL: a page with no next (or previous) page has no such link, rather than a null one.
    self: Link
    current: Link
    next: Link | None = Field(None, exclude_if=_is_none)
    previous: Link | None = Field(None, exclude_if=_is_none)


class Page(Schema, Generic[T]):
    """One page of a list, in Codat's camelCase (`Page[CompanyOut]`)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    results: list[T]
    page_number: int
    page_size: int
    total_results: int
    links: PageLinks = Field(alias="_links")


class TealPage(Page[T], Generic[T]):
    """The same page in Teal's snake_case, for payroll accounts."""

    model_config = ConfigDict(alias_generator=None)


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    pageSize: int = Field(100, ge=1, le=MAX_PAGE_SIZE)


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    to_dict: Callable[[object], dict],
    *,
    page: int,
    page_size: int,
    page_size_param: str = "pageSize",
) -> dict:
    """One page of `queryset`, each item through `to_dict`, with links that keep the request's
    other query parameters."""
    total = queryset.count()
    start = (page - 1) * page_size
    items = list(queryset[start : start + page_size]) if start < total else []
    params = {k: v for k, v in request.GET.items() if k not in ("page", page_size_param)}

    def href(number: int) -> dict:
        query = urlencode({**params, "page": number, page_size_param: page_size})
        return {"href": f"{request.path}?{query}"}

    links = {"self": {"href": request.path}, "current": href(page)}
    if start + page_size < total:
        links["next"] = href(page + 1)
    if page > 1:
        last_page = max(1, -(-total // page_size))
        links["previous"] = href(min(page - 1, last_page))
    return {
        "results": [to_dict(item) for item in items],
        "page_number": page,
        "page_size": page_size,
        "total_results": total,
        "links": links,
    }
