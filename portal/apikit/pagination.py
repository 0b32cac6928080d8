"""Lists in the API: one page schema and one `paginate` helper for every list.

Codat's shape (`pageNumber`, `pageSize`, `totalResults`) with HAL `_links` to the pages around
it; Teal's lists use the same page in snake_case (`TealPage`).
"""

from __future__ import annotations

import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Callable
from typing import Generic, TypeVar
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import ConfigDict
from pydantic.alias_generators import to_camel

from portal.counts import Count, count, page_slice

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
    # The next page by keyset (`?cursor=`), where the list offers one: as fast at the
    # millionth row as at the first, where `page` reads every row it skips.
    nextCursor: Link | None = Field(None, exclude_if=_is_none)


class Keyset:
    """How a list is ordered, for cursors: (field or annotation, descending) pairs whose last
    is unique. The rows after a cursor are those past its values in that order."""

    def __init__(self, *fields: tuple[str, bool]):
        self.fields = fields

    def values(self, item) -> list:
        return [str(getattr(item, name)) for name, _ in self.fields]

    def after(self, queryset: QuerySet, values: list) -> QuerySet:
        if len(values) != len(self.fields):
            raise ValueError("wrong number of values")
        (first, first_desc), *_ = self.fields
        # (a, b, c) > (x, y, z) spelled out, plus a >= x alone, which an index can seek to.
        condition = None
        for (name, desc), value in reversed(list(zip(self.fields, values, strict=True))):
            past = Q(**{f"{name}__{'lt' if desc else 'gt'}": value})
            condition = past if condition is None else past | (Q(**{name: value}) & condition)
        bound = Q(**{f"{first}__{'lte' if first_desc else 'gte'}": values[0]})
        return queryset.filter(bound & condition)


def encode_cursor(page: int, values: list) -> str:
    return urlsafe_b64encode(json.dumps([page, *values]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, list]:
    """(page number, values), or ValueError for anything this API did not make."""
    try:
        page, *values = json.loads(urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError) as invalid:
        raise ValueError("not a cursor") from invalid
    if not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        raise ValueError("not a cursor")
    if not all(isinstance(value, str) for value in values):
        raise ValueError("not a cursor")
    return page, values


class Page(Schema, Generic[T]):
    """One page of a list, in Codat's camelCase (`Page[CompanyOut]`)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    results: list[T]
    page_number: int
    page_size: int
    total_results: int
    links: PageLinks = Field(alias="_links")


def constructed_page(schema: type[Page], page: dict) -> Page:
    """A page from `paginate` whose items are already instances of the item schema, built
    without validation (`model_construct`): django-ninja sends an instance of the response
    schema as it is, where it would validate every field of every item of a dict again. Only
    for items made from the database by the API's own serializers."""
    links = {name: Link.model_construct(**link) for name, link in page["links"].items()}
    return schema.model_construct(**{**page, "links": PageLinks.model_construct(**links)})


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
    keyset: Keyset | None = None,
    cursor: str = "",
) -> dict:
    """One page of `queryset`, each item through `to_dict`, with links that keep the request's
    other query parameters. `totalResults` follows portal.counts: exact up to 10,000 rows,
    PostgreSQL's estimate above (a short page makes it exact); deep pages read the rows they
    skip from an index alone."""
    items = None
    if keyset and cursor:
        # A cursor this list did not give (edited, or from another orderBy) is not an error:
        # the schema allows any string, so the page comes from `page` instead.
        try:
            cursor_page, values = decode_cursor(cursor)
            items = list(keyset.after(queryset, values)[:page_size])
            page = cursor_page
        except (ValueError, ValidationError):
            items = None
    start = (page - 1) * page_size
    if items is None:
        items = list(page_slice(queryset, start, start + page_size))
    # A short page ends the list, so it is counted already (an id search, a rare name).
    short = 0 < len(items) < page_size or (not items and start == 0)
    counted = (Count(0) if short else count(queryset)).settle(start, len(items), page_size)
    total = counted.value
    params = {k: v for k, v in request.GET.items() if k not in ("page", page_size_param, "cursor")}

    def href(number: int) -> dict:
        query = urlencode({**params, "page": number, page_size_param: page_size})
        return {"href": f"{request.path}?{query}"}

    links = {"self": {"href": request.path}, "current": href(page)}
    if start + page_size < total:
        links["next"] = href(page + 1)
    if page > 1:
        last_page = max(1, -(-total // page_size))
        links["previous"] = href(min(page - 1, last_page))
    if keyset and len(items) == page_size and (counted.estimated or start + page_size < total):
        next_cursor = encode_cursor(page + 1, keyset.values(items[-1]))
        query = urlencode({**params, "cursor": next_cursor, page_size_param: page_size})
        links["nextCursor"] = {"href": f"{request.path}?{query}"}
    return {
        "results": [to_dict(item) for item in items],
        "page_number": page,
        "page_size": page_size,
        "total_results": total,
        "links": links,
    }
