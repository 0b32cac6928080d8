"""Read-side queries that pages share: each one a fixed number of SQL queries."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from companies.models import Company, DataPull, PulledRecord
from companies.platforms.sandbox_data import DATA_TYPES


def _month_starts(months: int, today: date) -> list[date]:
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def invoiced_and_paid_by_month(company: Company, months: int = 12) -> list[tuple[str, list]]:
    """(month label, [invoiced, paid]) for the last `months` months, from pulled records."""
    starts = _month_starts(months, timezone.localdate())
    totals = (
        PulledRecord.objects.filter(
            connection__company=company,
            data_type__in=["invoices", "payments"],
            occurred_on__gte=starts[0],
        )
        .annotate(month=TruncMonth("occurred_on"))
        .values("data_type", "month")
        .annotate(total=Sum("amount"))
    )
    by_key = {(row["data_type"], row["month"]): row["total"] for row in totals}
    return [
        (
            start.strftime("%b %y"),
            [by_key.get(("invoices", start), 0), by_key.get(("payments", start), 0)],
        )
        for start in starts
    ]


def record_counts(company: Company) -> list[tuple[str, str, int]]:
    """(data type, label, count) for every data type, zero included."""
    counts = dict(
        PulledRecord.objects.filter(connection__company=company)
        .values("data_type")
        .annotate(n=Count("id"))
        .values_list("data_type", "n")
    )
    return [(key, label, counts.get(key, 0)) for key, label in DATA_TYPES.items()]


def records_for_browser(company: Company, data_type: str, search: str = "") -> QuerySet:
    records = PulledRecord.objects.filter(
        connection__company=company, data_type=data_type
    ).select_related("connection")
    search = search.replace("\x00", "").strip()
    if search:
        records = records.filter(
            Q(display_name__icontains=search) | Q(external_id__icontains=search)
        )
    return records.order_by("-occurred_on", "external_id", "id")


def recent_pulls(company: Company, limit: int = 10) -> list[DataPull]:
    return list(company.pulls.select_related("connection")[:limit])
