"""Queueing data pulls (portal, API) and cancelling them.

A pull fetches every data type of one connection from its platform's adapter; the worker's
run loop is in `companies.pulls.worker`. At most one pull per connection is waiting or
running at a time: asking again gives that pull.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db import DatabaseBackend

from companies import activity
from companies.activity import Actor
from companies.models import Company, DataConnection, DataPull
from companies.pulls.lifecycle import (
    ACTIVE,
    NOT_LINKED,
    QUEUED_STALE_AFTER,
    PullStateError,
    Status,
    end,
    fail_abandoned_task,
)
from companies.pulls.tasks import run_pull
from companies.services import ConnectionStateError, lock_company, lock_linked_connection


def pull_queue(
    *, connection: DataConnection, actor: Actor, scheduled: bool = False
) -> tuple[DataPull, bool]:
    """Queue a pull of a Linked connection. Returns the pull and whether it was queued now:
    a pull already waiting or running is returned instead, with False. A `scheduled` pull
    (on link, or by the schedule) stays out of the activity log unless it fails."""
    with transaction.atomic():
        connection = lock_linked_connection(connection, refusal=NOT_LINKED)
        return pull_queue_locked(connection=connection, actor=actor, scheduled=scheduled)


def pull_queue_locked(
    *, connection: DataConnection, actor: Actor, scheduled: bool = False
) -> tuple[DataPull, bool]:
    """`pull_queue` for a caller whose transaction already holds the company's lock and the
    connection's, and has made sure the connection is Linked (linking it, for one)."""
    active = connection.pulls.filter(status__in=ACTIVE).first()
    if active and _is_abandoned(active):
        reason = _abandoned_message(active)
        end(active, Status.FETCH_ERROR, reason)
        fail_abandoned_task(active, reason)
        active = None
    if active:
        return active, False
    pull = DataPull.objects.create(
        company_id=connection.company_id,
        connection=connection,
        requested_by=actor.name,
        scheduled=scheduled,
    )
    if not scheduled:
        activity.record(
            company=connection.company,
            actor=actor,
            action="pull.queued",
            connection=connection,
            message=f"Queued a data pull from {connection.platform_name}.",
        )
    _enqueue(pull)
    return pull, True


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
    if isinstance(run_pull.get_backend(), DatabaseBackend):
        # Stored in this same transaction: never a pull without its task, or the reverse.
        run_pull.enqueue(str(pull.id))
    else:
        # Another queue's worker could start before the pull's row is committed.
        transaction.on_commit(partial(run_pull.enqueue, str(pull.id)))


def pulls_queue_all(*, company: Company, actor: Actor) -> list[tuple[DataPull, bool]]:
    """A pull of every Linked connection, as `pull_queue` answers for each."""
    with transaction.atomic():
        lock_company(company.pk)
        connections = list(company.connections.filter(status=DataConnection.Status.LINKED))
        if not connections:
            raise ConnectionStateError(
                "This company has no Linked connection to pull from. "
                "Send the company's user through Link first."
            )
        return [pull_queue(connection=connection, actor=actor) for connection in connections]


def pull_cancel(*, pull: DataPull, actor: Actor) -> DataPull:
    with transaction.atomic():
        lock_company(pull.company_id)
        pull = DataPull.objects.select_for_update().select_related("connection").get(pk=pull.pk)
        if pull.is_finished:
            raise PullStateError(f"This pull has already ended ({pull.status}).")
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
