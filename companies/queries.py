"""Read-side queries that pages share: each one a fixed number of SQL queries."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date, timedelta

from django.db import connections
from django.db.models import Count, Exists, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Lower
from django.http import Http404
from django.utils import timezone

from companies.models import Company, DataConnection, DataPull, MonthlyTotal, PulledRecord
from companies.platforms.sandbox_data import DATA_TYPES
from portal.apikit.pagination import Keyset
from portal.counts import estimate

# Names sort without regard to case on every database; ids break ties so pages are stable.
# Each reads an index of Company.Meta forwards or backwards, so each direction is the exact
# reverse of the other.
COMPANY_ORDERINGS = {
    "name": (Lower("name").asc(), "-created", "id"),
    "-name": (Lower("name").desc(), "created", "-id"),
    "created": ("created", "id"),
    "-created": ("-created", "-id"),
}
DEFAULT_COMPANY_ORDERING = "-created"
# The same orderings for cursors (portal.apikit.pagination.Keyset): `sort_name` is the
# Lower("name") that companies_for_table annotates.
COMPANY_KEYSETS = {
    "name": (("sort_name", False), ("created", True), ("id", False)),
    "-name": (("sort_name", True), ("created", False), ("id", True)),
    "created": (("created", False), ("id", False)),
    "-created": (("created", True), ("id", True)),
}
# The companies table's sync filter: its values, and how they read in the select.
SYNC_FILTERS = {"failed": "Last sync failed", "overdue": "Sync overdue"}
# A scheduled sync this much later than planned is overdue (its pull never ran, or the
# scheduler is not running).
OVERDUE_AFTER = timedelta(hours=1)
FAILED = (DataPull.Status.FETCH_ERROR, DataPull.Status.AUTH_ERROR)


def company_or_404(company_id: uuid.UUID) -> Company:
    """The company with its connections, or Http404 naming the id (the API's answer)."""
    company = Company.objects.prefetch_related("connections").filter(pk=company_id).first()
    if company is None:
        raise Http404(f"No company has the id {company_id}.")
    return company


def companies_named(name: str) -> QuerySet[Company]:
    """Companies whose name is `name` but for case and spacing (the index on Lower("name"))."""
    same = " ".join(name.split()).lower()
    return Company.objects.annotate(lower_name=Lower("name")).filter(lower_name=same)


def company_named(name: str) -> Company | None:
    """A company whose name is `name` but for case and spacing: likely the same customer."""
    return next(iter(companies_named(name).order_by()[:1]), None)  # any one: no need to sort


def parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value.strip())
    except (ValueError, AttributeError):
        return None


def normalize_search(query: str) -> str:
    # No name holds a NUL, and PostgreSQL refuses one in a query parameter; names are stored
    # in NFC, so a query typed with combining accents must be too.
    return unicodedata.normalize("NFC", query.replace("\x00", "").strip())


def companies_for_table(
    *,
    query: str = "",
    status: str = "",
    sync: str = "",
    ordering: str = DEFAULT_COMPANY_ORDERING,
) -> QuerySet[Company]:
    """The companies table: a fixed number of queries whatever the page size."""
    companies = Company.objects.prefetch_related(
        Prefetch("connections", queryset=DataConnection.objects.order_by("platform"))
    )
    query = normalize_search(query)
    rare = False
    company_id = parse_uuid(query)
    if company_id and connections[companies.db].vendor == "postgresql":
        # A pasted id finds its company through the primary key, and names only if no company
        # has that id. One query: PostgreSQL reads the primary key and the trigram index (a
        # bitmap of each) and checks once whether the id is taken, where a separate EXISTS
        # cost the id search one more round trip than admin's.
        taken = Exists(Company.objects.filter(pk=company_id))
        companies = companies.filter(Q(pk=company_id) | (Q(name__icontains=query) & ~taken))
    elif company_id and Company.objects.filter(pk=company_id).exists():
        # Elsewhere `name LIKE … OR id = …` can use no index and reads the whole table.
        companies = companies.filter(pk=company_id)
    elif query:
        companies = companies.filter(name__icontains=query)
        rare = is_rare_search(companies)
    if status in DataConnection.Status.values:
        # `IN (subquery)`: built once, where SQLite may run a correlated EXISTS per company.
        with_status = DataConnection.objects.filter(status=status).values("company_id")
        companies = companies.filter(pk__in=with_status)
    if sync == "failed":
        failed = DataConnection.objects.filter(last_pull_status__in=FAILED).values("company_id")
        companies = companies.filter(pk__in=failed)
    elif sync == "overdue":
        overdue = DataConnection.objects.filter(
            status=DataConnection.Status.LINKED,
            next_sync_at__lt=timezone.now() - OVERDUE_AFTER,
        ).values("company_id")
        companies = companies.filter(pk__in=overdue)
    if ordering not in COMPANY_ORDERINGS:
        ordering = DEFAULT_COMPANY_ORDERING
    if ordering in ("name", "-name"):
        companies = companies.annotate(sort_name=Lower("name"))
    companies = companies.order_by(*COMPANY_ORDERINGS[ordering])
    return sorted_after_reading(companies) if rare else companies


def sorted_after_reading(companies: QuerySet[Company]) -> QuerySet[Company]:
    """The same order by sort keys no index gives. For a name search with few matches:
    PostgreSQL would walk the ordering's index expecting to meet them soon, reading much of
    the table; this makes it fetch the matches by the trigram index and sort those instead."""
    return companies.order_by(*(_unindexed(key) for key in companies.query.order_by))


# The connection columns the API shows (companies.serializers.connection_to_dict).
API_CONNECTION_FIELDS = [
    "id",
    "company_id",
    "platform",
    "source_type",
    "status",
    "created",
    "last_sync",
    "error_status_code",
    "error_message",
    "errored_at",
]


def companies_for_api(*, query: str = "", ordering: str = DEFAULT_COMPANY_ORDERING):
    """The API's list: the table's companies, each with its connections as a plain list
    (`api_connections`) of the columns the API shows. A page of a hundred companies and their
    connections costs the same two queries as the table's, with less to read and convert."""
    connections = DataConnection.objects.only(*API_CONNECTION_FIELDS).order_by("platform")
    return (
        companies_for_table(query=query, ordering=ordering)
        .prefetch_related(None)
        .prefetch_related(Prefetch("connections", queryset=connections, to_attr="api_connections"))
    )


# A name search matching fewer than this share of the companies (by PostgreSQL's estimates)
# reads its matches through the trigram index.
RARE_SHARE = 1 / 200


def is_rare_search(matches: QuerySet[Company]) -> bool:
    found = estimate(matches)
    if found is None:
        return False
    return found < estimate(Company.objects.all()) * RARE_SHARE


def _unindexed(key):
    """The same sort key, as an expression no index matches: COALESCE(x, x) is x."""
    expression = F(key.lstrip("-")) if isinstance(key, str) else key.expression
    descending = key.startswith("-") if isinstance(key, str) else key.descending
    same = Coalesce(expression, expression)
    return same.desc() if descending else same.asc()


def company_keyset(ordering: str) -> Keyset:
    return Keyset(*COMPANY_KEYSETS.get(ordering, COMPANY_KEYSETS[DEFAULT_COMPANY_ORDERING]))


def _month_starts(months: int, today: date) -> list[date]:
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def invoiced_and_paid_by_month(company: Company, months: int = 12) -> list[tuple[str, list]]:
    """(month label, [invoiced, paid]) for the last `months` months. From the monthly totals
    the pulls keep, never the records: as fast for 100,000 records as for ten."""
    starts = _month_starts(months, timezone.localdate())
    totals = (
        MonthlyTotal.objects.filter(
            connection__company=company,
            data_type__in=["invoices", "payments"],
            month__gte=starts[0],
        )
        .values("data_type", "month")
        .annotate(total=Sum("amount"))
        .order_by()
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
        # COUNT(*): the unique (connection, data type, external id) index answers it alone.
        .annotate(n=Count("*"))
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
