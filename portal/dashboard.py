"""Figures for the staff dashboard.

Exact while there are at most portal.counts.EXACT_UP_TO companies. Above, `COUNT(DISTINCT)` over
the join of companies and connections took seconds, so each figure is PostgreSQL's estimate of
the same query (EXPLAIN of a semi-join the (status, company) index answers), and the page
says "about"."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from companies.models import Company, DataConnection, DataPull
from portal.counts import EXACT_UP_TO, estimate


def _with_status(status: str):
    return Company.objects.filter(
        pk__in=DataConnection.objects.filter(status=status).values("company_id")
    )


def company_figures() -> dict:
    """How many companies there are and how many have a connection in each status, with
    `estimated` saying whether these are PostgreSQL's estimates."""
    statuses = DataConnection.Status.values
    companies = estimate(Company.objects.all())
    if companies is not None and companies > EXACT_UP_TO:
        by_status = {status: estimate(_with_status(status)) for status in statuses}
        return {"companies": companies, "by_status": by_status, "estimated": True}
    # One query: each status a semi-join on the (status, company) index, no join to count
    # DISTINCT over.
    exact = Company.objects.aggregate(
        companies=Count("pk"),
        **{
            status: Count("pk", filter=Q(pk__in=_with_status(status).values("pk")))
            for status in statuses
        },
    )
    by_status = {status: exact[status] for status in statuses}
    return {"companies": exact["companies"], "by_status": by_status, "estimated": False}


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
