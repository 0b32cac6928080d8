"""Data pulls: queueing them (portal, API) and running them (the task worker).

A pull fetches every data type of one connection from its platform's adapter, page by page,
and upserts the records, so a repeated pull updates and never duplicates. Each page is stored
in its own transaction after locking the pull's row: a pull that was cancelled, or whose
company was deleted meanwhile, stops cleanly at the next page.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
import uuid
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import reset_queries, transaction
from django.utils import timezone
from django_tasks_db import DatabaseBackend

from companies import activity
from companies.activity import Actor
from companies.models import Company, DataConnection, DataPull, PulledRecord
from companies.platforms import get_platform
from companies.platforms.sandbox import PAGE_SIZE, AccessRevoked, PlatformUnavailable, RateLimited
from companies.platforms.sandbox_data import DATA_TYPES
from companies.services import (
    ConnectionStateError,
    connection_deauthorize,
    lock_linked_connection,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
Status = DataPull.Status
ACTIVE = (Status.QUEUED, Status.FETCHING)
QUEUED_STALE_AFTER = timedelta(days=1)


NOT_LINKED = (
    "{platform} is {status}, so its data cannot be pulled. "
    "Send the company's user through Link again to re-link it."
)


def _not_linked_message(connection: DataConnection) -> str:
    return NOT_LINKED.format(platform=connection.platform_name, status=connection.status)


def pull_queue(*, connection: DataConnection, actor: Actor) -> DataPull:
    """Queue a pull of a Linked connection; a pull already waiting or running is returned."""
    with transaction.atomic():
        connection = lock_linked_connection(connection, refusal=NOT_LINKED)
        active = connection.pulls.filter(status__in=ACTIVE).first()
        if active and _is_abandoned(active):
            _end(active, Status.FETCH_ERROR, _abandoned_message(active))
            active = None
        if active:
            return active
        pull = DataPull.objects.create(
            company_id=connection.company_id, connection=connection, requested_by=actor.name
        )
        activity.record(
            company=connection.company,
            actor=actor,
            action="pull.queued",
            connection=connection,
            message=f"Queued a data pull from {connection.platform_name}.",
        )
        _enqueue(pull)
    return pull


def _is_abandoned(pull: DataPull) -> bool:
    """A Fetching pull without progress for PULL_STALE_AFTER_SECONDS lost its worker; a pull
    Queued for a day lost its task (a long queue is not a reason to give up sooner)."""
    if pull.status == Status.QUEUED:
        return timezone.now() - pull.requested > QUEUED_STALE_AFTER
    last_seen = pull.heartbeat or pull.started or pull.requested
    return timezone.now() - last_seen > timedelta(seconds=settings.PULL_STALE_AFTER_SECONDS)


def _abandoned_message(pull: DataPull) -> str:
    if pull.status == Status.QUEUED:
        return "No worker started this pull within a day."
    minutes = max(1, settings.PULL_STALE_AFTER_SECONDS // 60)
    return f"The worker running this pull stopped: no progress for {minutes} minutes."


def _enqueue(pull: DataPull) -> None:
    from companies.tasks import run_pull

    if isinstance(run_pull.get_backend(), DatabaseBackend):
        # Stored in this same transaction: never a pull without its task, or the reverse.
        run_pull.enqueue(str(pull.id))
    else:
        # Another queue's worker could start before the pull's row is committed.
        transaction.on_commit(partial(run_pull.enqueue, str(pull.id)))


def pulls_queue_all(*, company: Company, actor: Actor) -> list[DataPull]:
    connections = list(company.connections.filter(status=DataConnection.Status.LINKED))
    if not connections:
        raise ConnectionStateError(
            "This company has no Linked connection to pull from. "
            "Send the company's user through Link first."
        )
    return [pull_queue(connection=connection, actor=actor) for connection in connections]


def pull_cancel(*, pull: DataPull, actor: Actor) -> DataPull:
    with transaction.atomic():
        pull = DataPull.objects.select_for_update().select_related("connection").get(pk=pull.pk)
        if pull.is_finished:
            raise ConnectionStateError(f"This pull has already ended ({pull.status}).")
        pull.status = Status.CANCELLED
        pull.finished = timezone.now()
        pull.error_message = f"Cancelled by {actor.name or 'Causeway'}."
        pull.save(update_fields=["status", "finished", "error_message"])
        activity.record(
            company=pull.connection.company,
            actor=actor,
            action="pull.cancelled",
            connection=pull.connection,
            message=f"Cancelled the data pull from {pull.connection.platform_name}.",
        )
    return pull


# Running a pull (in a task worker)


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
            raise _Stop(_not_linked_message(connection))
        PulledRecord.objects.bulk_create(
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
            update_conflicts=True,
            unique_fields=["connection", "data_type", "external_id"],
            update_fields=["display_name", "occurred_on", "amount", "payload", "pulled_at"],
        )
        DataPull.objects.filter(pk=pull_id).update(records_done=done, heartbeat=now)


def _finish(pull_id: uuid.UUID, status: str, error: str = "") -> bool:
    """End a pull that has not ended yet; False if it already had (or is gone)."""
    return bool(
        DataPull.objects.filter(pk=pull_id, status__in=ACTIVE).update(
            status=status, finished=timezone.now(), error_message=error
        )
    )


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
            _finish(pull.pk, Status.CANCELLED, stop.args[0])
        return Status.CANCELLED
    except PlatformUnavailable as error:
        return _end(pull, Status.FETCH_ERROR, f"{error} The pull stopped after {done} records.")
    except AccessRevoked as error:
        status = _end(pull, Status.AUTH_ERROR, str(error))
        # Unless someone else already cut or deleted it meanwhile.
        with contextlib.suppress(ConnectionStateError, DataConnection.DoesNotExist):
            connection_deauthorize(connection=connection, actor=Actor.system())
        return status

    now = timezone.now()
    with transaction.atomic():
        if not _finish(pull.pk, Status.COMPLETE):
            return Status.CANCELLED
        DataConnection.objects.filter(pk=connection.pk).update(last_sync=now)
        activity.record(
            company=connection.company,
            actor=Actor.system(),
            action="pull.complete",
            connection=connection,
            message=f"Pulled {done:,} records from {connection.platform_name}.",
        )
    return Status.COMPLETE


def _end(pull: DataPull, status: str, error: str) -> str:
    with transaction.atomic():
        if _finish(pull.pk, status, error):
            activity.record(
                company=pull.connection.company,
                actor=Actor.system(),
                action="pull.failed",
                connection=pull.connection,
                message=f"The data pull from {pull.connection.platform_name} ended in {status}: "
                f"{error}",
            )
    logger.info("Pull %s ended in %s", pull.pk, status)
    return status
