"""Running a pull, in a task worker.

The worker fetches every data type of one connection from its platform's adapter, page by
page, and upserts the records, so a repeated pull updates and never duplicates; the monthly
totals the company page charts change in the same transaction (companies.pulls.totals). Each
page is stored in its own transaction after locking the pull's row: a pull that was
cancelled, or whose company was deleted meanwhile, stops cleanly at the next page.
"""

from __future__ import annotations

import contextlib
import math
import time
import uuid

from django.conf import settings
from django.db import reset_queries, transaction
from django.utils import timezone

from companies import activity
from companies.activity import Actor
from companies.models import DataConnection, DataPull, PulledRecord
from companies.platforms import get_platform
from companies.platforms.sandbox import PAGE_SIZE, AccessRevoked, PlatformUnavailable, RateLimited
from companies.platforms.sandbox_data import DATA_TYPES
from companies.pulls import totals
from companies.pulls.lifecycle import Status, end, finish, not_linked_message
from companies.pulls.serializers import pull_json
from companies.services import (
    CompanyGone,
    ConnectionGone,
    ConnectionStateError,
    connection_deauthorize,
    lock_company,
)
from portal.webhooks import events

MAX_ATTEMPTS = 4


class _Stop(Exception):
    """The pull was cancelled, or its company or connection deleted or cut, meanwhile."""


def _backoff(attempt: int, retry_after: float | None) -> float:
    return max(retry_after or 0, settings.PULL_BACKOFF_SECONDS * 2 ** (attempt - 1))


def _fetch(adapter, connection: DataConnection, data_type: str, page: int):
    """A page of records, retrying rate limits and platform errors with exponential backoff."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return adapter.fetch_page(connection, data_type, page, attempt)
        except RateLimited as limited:
            if attempt == MAX_ATTEMPTS:
                raise PlatformUnavailable(
                    f"{connection.platform_name} kept rate limiting after {attempt} attempts."
                ) from None
            time.sleep(_backoff(attempt, limited.retry_after))
        except PlatformUnavailable:
            if attempt == MAX_ATTEMPTS:
                raise
            time.sleep(_backoff(attempt, None))
    raise AssertionError("unreachable")


def _store_page(pull_id: uuid.UUID, connection: DataConnection, data_type: str, records, done: int):
    now = timezone.now()
    with transaction.atomic():
        # Holding the pull's row while writing: company_delete and pull_cancel wait for it.
        alive = (
            DataPull.objects.select_for_update().filter(pk=pull_id, status=Status.FETCHING).exists()
        )
        if not alive:
            raise _Stop
        status = DataConnection.objects.filter(pk=connection.pk).values_list("status", flat=True)
        if status.first() != DataConnection.Status.LINKED:
            raise _Stop(not_linked_message(connection))
        totals.records_store(
            connection,
            data_type,
            [
                PulledRecord(
                    connection=connection,
                    data_type=data_type,
                    external_id=record.external_id,
                    display_name=record.display_name[:255],
                    occurred_on=record.occurred_on,
                    amount=record.amount,
                    payload=record.payload,
                    pulled_at=now,
                )
                for record in records
            ],
        )
        DataPull.objects.filter(pk=pull_id).update(records_done=done, heartbeat=now)


def pull_run(*, pull_id: uuid.UUID | str) -> str | None:
    """Run a queued pull to its end. Returns the final status, or None if there was
    nothing to run (another worker has it, or it was cancelled or deleted)."""
    now = timezone.now()
    claimed = DataPull.objects.filter(pk=pull_id, status=Status.QUEUED).update(
        status=Status.FETCHING, started=now, heartbeat=now
    )
    pull = DataPull.objects.select_related("connection__company").filter(pk=pull_id).first()
    if not claimed or pull is None:
        return None
    connection = pull.connection
    adapter = get_platform(connection.platform).adapter
    counts = adapter.record_counts(connection)
    DataPull.objects.filter(pk=pull.pk).update(records_total=sum(counts.values()))

    done = 0
    try:
        for data_type in DATA_TYPES:
            for page in range(math.ceil(counts[data_type] / PAGE_SIZE)):
                records = _fetch(adapter, connection, data_type, page)
                done += len(records)
                _store_page(pull.pk, connection, data_type, records, done)
                # With DEBUG on, Django logs every statement; keep one page's worth at most.
                reset_queries()
    except _Stop as stop:
        if stop.args:
            finish(pull.pk, Status.CANCELLED, stop.args[0])
        return Status.CANCELLED
    except PlatformUnavailable as error:
        return end(pull, Status.FETCH_ERROR, f"{error} The pull stopped after {done} records.")
    except AccessRevoked as error:
        status = end(pull, Status.AUTH_ERROR, str(error))
        # Unless someone else already cut or deleted it meanwhile.
        with contextlib.suppress(ConnectionStateError, CompanyGone, ConnectionGone):
            connection_deauthorize(connection=connection, actor=Actor.system())
        return status

    now = timezone.now()
    try:
        with transaction.atomic():
            # The company first, as every write: a deletion holding it waits for this pull.
            lock_company(pull.company_id)
            if not finish(pull.pk, Status.COMPLETE):
                return Status.CANCELLED
            DataConnection.objects.filter(pk=connection.pk).update(last_sync=now)
            events.record(
                type="sync.completed",
                company_id=pull.company_id,
                data=pull_json(DataPull.objects.get(pk=pull.pk)),
            )
            if not pull.scheduled:
                activity.record(
                    company=connection.company,
                    actor=Actor.system(),
                    action="pull.complete",
                    connection=connection,
                    message=f"Pulled {done:,} records from {connection.platform_name}.",
                )
    except CompanyGone:
        return Status.CANCELLED
    return Status.COMPLETE
