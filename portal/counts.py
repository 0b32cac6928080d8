"""Counts that stay cheap at a million rows: exact while small, PostgreSQL's estimate when large.

An exact `COUNT(*)` reads every matching row: 50 ms for a million companies, and seconds for
a filter over a join. Above `EXACT_UP_TO` rows (by the planner's estimate) a list shows the
planner's estimate instead, and says "about". The rule, for pages and the API's
`totalResults` alike:

- SQLite and other databases: always exact.
- PostgreSQL: the planner's row estimate for the query (`EXPLAIN`; for a whole table that is
  `pg_class.reltuples`, kept by ANALYZE and autovacuum). At most `EXACT_UP_TO`: exact.
  Above: the estimate, flagged as one.
- A page that comes back short is the last one: the count is then exact whatever the
  estimate said (`Count.settle`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet

EXACT_UP_TO = 10_000


@dataclass
class Count:
    value: int
    estimated: bool = False

    def settle(self, offset: int, found: int, page_size: int) -> Count:
        """What a page of `found` rows at `offset` tells: a short page ends the list."""
        if 0 < found < page_size or (found == 0 and offset == 0):
            return Count(offset + found)
        if self.estimated and self.value < offset + found:
            return Count(offset + found, estimated=True)
        return self


def estimate(queryset: QuerySet) -> int | None:
    """The planner's estimate of the query's rows, or None where there is no planner to ask."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def count(queryset: QuerySet, exact_up_to: int = EXACT_UP_TO) -> Count:
    guess = estimate(queryset)
    if guess is not None and guess > exact_up_to:
        return Count(guess, estimated=True)
    return Count(queryset.count())


class EstimatedCountPaginator(Paginator):
    """Django's paginator with `count()` above: `paginator.estimated` says which it used.
    Used by the companies table and by Django admin's changelists."""

    @cached_property
    def counted(self) -> Count:
        object_list = self.object_list
        if isinstance(object_list, QuerySet):
            return count(object_list)
        return Count(len(object_list))

    @cached_property
    def count(self) -> int:
        return self.counted.value

    @property
    def estimated(self) -> bool:
        return self.counted.estimated

    def get_page(self, number):
        """As Django's, but a first page that comes back short is the whole list: its count
        then needs no query at all (an id search, a rare name)."""
        if number not in (None, "", 1, "1") or not isinstance(self.object_list, QuerySet):
            return super().get_page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["counted"] = Count(len(rows))
        return self._get_page(rows, 1, self)

    # Deep pages: OFFSET reads every row it skips. Past `DEFERRED_FROM` the skipped rows are
    # read from an index alone (the page's ids), and only the page's rows from the table.
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        return self._get_page(page_slice(self.object_list, bottom, top), number, self)

    def settle(self, page) -> None:
        """Read the page's rows; a short page makes an estimated count exact."""
        page.object_list = list(page.object_list)
        bottom = (page.number - 1) * self.per_page
        settled = self.counted.settle(bottom, len(page.object_list), self.per_page)
        if settled != self.counted:
            self.__dict__.update(counted=settled, count=settled.value)
            self.__dict__.pop("num_pages", None)


DEFERRED_FROM = 1000


def page_slice(queryset, bottom: int, top: int):
    """`queryset[bottom:top]`, reading the skipped rows' ids from an index when deep."""
    if not isinstance(queryset, QuerySet) or bottom < DEFERRED_FROM:
        return queryset[bottom:top]
    ids = queryset.values("pk")[bottom:top]
    return queryset.filter(pk__in=ids)
