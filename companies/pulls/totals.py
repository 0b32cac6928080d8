"""Monthly totals of pulled records (companies.models.MonthlyTotal), kept as records change.

Every write of records goes through here in its own transaction: the records a write
replaces or deletes are subtracted from their months and the new ones added, so the totals
always equal the sums of the records they stand for. Records without a date count in no
month; a record without an amount counts with 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from companies.models import DataConnection, MonthlyTotal, PulledRecord

# (occurred_on, amount) of a record: all that its month's total needs.
Dated = tuple[date | None, Decimal | None]
RECORD_FIELDS = ["display_name", "occurred_on", "amount", "payload", "pulled_at"]


def _changes(removed: Iterable[Dated], added: Iterable[Dated]) -> dict[date, list]:
    """{month: [records, amount]} that the records removed and added make to their months."""
    changes: dict[date, list] = defaultdict(lambda: [0, Decimal(0)])
    for sign, records in ((-1, removed), (1, added)):
        for occurred_on, amount in records:
            if occurred_on is None:
                continue
            change = changes[occurred_on.replace(day=1)]
            change[0] += sign
            change[1] += sign * (amount or 0)
    return {month: change for month, change in changes.items() if change != [0, 0]}


def _apply(connection_id, data_type: str, changes: dict[date, list]) -> None:
    """Add `changes` to the connection's totals (inside the caller's transaction)."""
    if not changes:
        return
    existing = MonthlyTotal.objects.select_for_update().filter(
        connection_id=connection_id, data_type=data_type, month__in=list(changes)
    )
    changed, emptied = [], []
    for total in existing:
        records, amount = changes.pop(total.month)
        total.records += records
        total.amount += amount
        (changed if total.records > 0 else emptied).append(total)
    MonthlyTotal.objects.bulk_update(changed, ["records", "amount"])
    MonthlyTotal.objects.filter(pk__in=[total.pk for total in emptied]).delete()
    MonthlyTotal.objects.bulk_create(
        MonthlyTotal(
            connection_id=connection_id,
            data_type=data_type,
            month=month,
            records=records,
            amount=amount,
        )
        for month, (records, amount) in changes.items()
        if records > 0
    )


def records_store(connection: DataConnection, data_type: str, records: list[PulledRecord]) -> None:
    """Upsert `records` of one data type by external id, and their months' totals with them.
    Must run in a transaction (the worker's, holding the pull's row)."""
    ids = [record.external_id for record in records]
    # Locked until the end of the transaction: what they held is what the upsert replaces.
    replaced = PulledRecord.objects.select_for_update().filter(
        connection=connection, data_type=data_type, external_id__in=ids
    )
    removed = list(replaced.values_list("occurred_on", "amount"))
    PulledRecord.objects.bulk_create(
        records,
        update_conflicts=True,
        unique_fields=["connection", "data_type", "external_id"],
        update_fields=RECORD_FIELDS,
    )
    added = [(record.occurred_on, record.amount) for record in records]
    _apply(connection.pk, data_type, _changes(removed, added))


def records_delete(records: QuerySet[PulledRecord]) -> int:
    """Delete `records` and take them out of their months' totals; the number deleted.
    (A connection's or company's deletion takes its totals with it: CASCADE.)"""
    with transaction.atomic():
        ids, by_kind = [], defaultdict(list)
        for pk, connection_id, data_type, occurred_on, amount in records.select_for_update(
            of=("self",)
        ).values_list("pk", "connection_id", "data_type", "occurred_on", "amount"):
            ids.append(pk)
            by_kind[connection_id, data_type].append((occurred_on, amount))
        deleted, _ = PulledRecord.objects.filter(pk__in=ids).delete()
        for (connection_id, data_type), removed in by_kind.items():
            _apply(connection_id, data_type, _changes(removed, []))
    return deleted


def totals_rebuild(connections: QuerySet[DataConnection]) -> None:
    """Recount the totals of `connections` from their records: for records written around
    records_store, such as a bulk load."""
    with transaction.atomic():
        MonthlyTotal.objects.filter(connection__in=connections).delete()
        MonthlyTotal.objects.bulk_create(
            MonthlyTotal(**row)
            for row in monthly_sums(PulledRecord.objects.filter(connection__in=connections))
        )


def monthly_sums(records: QuerySet) -> Iterable[dict]:
    """MonthlyTotal's fields for `records`, summed in the database (the migration that
    first filled the totals does the same)."""
    rows = (
        records.filter(occurred_on__isnull=False)
        .annotate(month=TruncMonth("occurred_on"))
        .values("connection_id", "data_type", "month")
        .annotate(records=Count("*"), amount=Sum("amount"))
        .order_by()
    )
    for row in rows.iterator(chunk_size=2000):
        yield {**row, "amount": row["amount"] or 0}
