"""Recording events. The apps' services call `record()` inside the transaction that makes the
change, so an event exists exactly when its change was committed."""

from __future__ import annotations

import uuid
from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks_db import DatabaseBackend

from portal.webhooks.models import Delivery, Endpoint, Event

# Every type, in the order the README lists them.
TYPES = [
    "company.created",
    "company.updated",
    "company.deleted",
    "connection.created",
    "connection.linked",
    "connection.deauthorized",
    "connection.unlinked",
    "connection.deleted",
    "sync.completed",
    "sync.failed",
    "payroll_account.status_changed",
]
TEST_TYPE = "webhook.test"


def record(*, type: str, company_id: uuid.UUID | None, data: dict) -> Event:
    """Store the event and a pending delivery to every enabled endpoint that wants it, and
    queue their first attempts. `data` is the resource as the API shows it, as JSON values."""
    if type not in TYPES and type != TEST_TYPE:
        raise ValueError(f"Unknown event type {type!r}.")
    now = timezone.now()
    # Inside the change's transaction, no savepoint of its own: an event that cannot be stored
    # undoes the change with it.
    with transaction.atomic(savepoint=False):
        event = Event.objects.create(type=type, company_id=company_id, data=data, created=now)
        endpoints = [e for e in Endpoint.objects.filter(enabled=True) if e.wants(type)]
        deliveries = Delivery.objects.bulk_create(
            [
                Delivery(endpoint=e, event=event, created=now, retry_from=now, next_attempt_at=now)
                for e in endpoints
            ]
        )
        enqueue_attempts(deliveries)
    return event


def enqueue_attempts(deliveries: list[Delivery], run_after=None) -> None:
    from portal.webhooks.tasks import deliver

    task = deliver.using(run_after=run_after) if run_after else deliver
    for delivery in deliveries:
        if isinstance(task.get_backend(), DatabaseBackend):
            # Stored in this same transaction: never an event without its delivery task.
            task.enqueue(delivery.pk)
        else:
            # Another queue's worker could start before the row is committed.
            transaction.on_commit(partial(task.enqueue, delivery.pk))
