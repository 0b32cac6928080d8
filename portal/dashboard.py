"""Figures for the staff dashboard, each a single query."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from companies.models import Company, DataConnection, DataPull


def totals() -> dict[str, int]:
    return Company.objects.aggregate(
        # distinct: the join with connections repeats a company once per connection.
        companies=Count("id", distinct=True),
        linked=Count(
            "id", filter=Q(connections__status=DataConnection.Status.LINKED), distinct=True
        ),
    )


def companies_by_connection_status() -> list[tuple[str, list[int]]]:
    """How many companies have at least one connection in each status."""
    counts = dict(
        DataConnection.objects.values("status")
        .annotate(companies=Count("company", distinct=True))
        .values_list("status", "companies")
    )
    return [(status, [counts.get(status, 0)]) for status in DataConnection.Status.values]


def pulls_per_day(days: int = 14) -> list[tuple[str, list[int]]]:
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    failed = [DataPull.Status.FETCH_ERROR, DataPull.Status.AUTH_ERROR]
    rows = (
        DataPull.objects.filter(requested__date__gte=first)
        .annotate(day=TruncDate("requested"))
        .values("day")
        .annotate(
            complete=Count("id", filter=Q(status=DataPull.Status.COMPLETE)),
            failed=Count("id", filter=Q(status__in=failed)),
            total=Count("id"),
        )
    )
    by_day = {row["day"]: row for row in rows}
    result = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = by_day.get(day, {"complete": 0, "failed": 0, "total": 0})
        other = row["total"] - row["complete"] - row["failed"]
        result.append((day.strftime("%d %b"), [row["complete"], row["failed"], other]))
    return result
