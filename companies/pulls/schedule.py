"""Syncs that run by themselves: a pull when a connection becomes Linked, then one whenever
the connection's frequency says it is due.

Each Linked connection carries `next_sync_at`; a scheduler pass reads only the connections
that are due (an index on that column, limited to Linked ones), queues their pulls and moves
their next sync forward from now, so a scheduler that was down catches up once, not once per
missed slot. Rows are claimed with `SKIP LOCKED`: schedulers running side by side on
PostgreSQL never queue the same sync twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from companies import activity
from companies.activity import Actor
from companies.models import Company, DataConnection, SyncFrequency, SyncSettings
from companies.pulls.queue import pull_queue, pull_queue_locked
from companies.services import lock_company

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Connections due at the same moment (a million linked on one night) are spread over the
# first tenth of their interval, by id, so their pulls do not all queue in the same second.
SPREAD = 0.1


def frequency_in_force(company: Company, sync_settings: SyncSettings | None = None) -> str:
    """The company's own frequency, or the installation's default."""
    if company.sync_frequency:
        return company.sync_frequency
    return (sync_settings or SyncSettings.load()).default_frequency


def next_sync_after(connection_id: uuid.UUID, frequency: str, after: datetime) -> datetime | None:
    interval = SyncFrequency(frequency).interval
    if interval is None:
        return None
    offset = interval * SPREAD * (connection_id.int % 1000) / 1000
    return after + interval + offset


def sync_on_link(connection: DataConnection, *, now: datetime | None = None) -> None:
    """A connection is becoming Linked: pull it at once and resume its schedule. Called in
    the transaction that links it, holding its company's lock and its own, so no link is left
    without its first sync; it sets `next_sync_at`, which the caller's save of the Linked
    connection stores."""
    now = now or timezone.now()
    pull_queue_locked(connection=connection, actor=Actor.system(), scheduled=True)
    frequency = frequency_in_force(connection.company)
    connection.next_sync_at = next_sync_after(connection.id, frequency, now)


@dataclass(frozen=True)
class SchedulePass:
    due: int  # connections found due
    queued: int  # pulls queued now (the others had one waiting or running already)


class Scheduled(Protocol):
    """Another kind of connection on the same schedule (payroll accounts register from the
    `accounts` app, which `companies` does not import)."""

    name: str

    def schedule_pass(self, *, now: datetime, limit: int) -> SchedulePass: ...

    def reschedule(self, *, following: dict, frequency: str) -> int:
        """`following` filters by company (`{"company": c}` or the default's followers)."""


_others: list[Scheduled] = []


def register(kind: Scheduled) -> Scheduled:
    if kind not in _others:
        _others.append(kind)
    return kind


def run_passes(*, now: datetime | None = None, limit: int = BATCH_SIZE) -> dict[str, SchedulePass]:
    """One pass of the scheduler over every kind of connection."""
    now = now or timezone.now()
    passes = {"connections": schedule_pass(now=now, limit=limit)}
    for kind in _others:
        passes[kind.name] = kind.schedule_pass(now=now, limit=limit)
    return passes


def schedule_pass(*, now: datetime | None = None, limit: int = BATCH_SIZE) -> SchedulePass:
    """Queue a pull for up to `limit` due connections, the longest overdue first."""
    now = now or timezone.now()
    sync_settings = SyncSettings.load()
    queued = 0
    with transaction.atomic():
        # Each connection's company is locked with it, and skipped if another write (or its
        # deletion) holds it: holding connections, the pass never waits for a company. That
        # connection stays due for the next pass.
        due = list(
            DataConnection.objects.select_for_update(skip_locked=True, of=("company", "self"))
            .select_related("company")
            .filter(status=DataConnection.Status.LINKED, next_sync_at__lte=now)
            .order_by("next_sync_at")[:limit]
        )
        for connection in due:
            _, queued_now = pull_queue(connection=connection, actor=Actor.system(), scheduled=True)
            if not queued_now:
                # A pull is still waiting or running: it stays due, and shows as overdue
                # if that pull never ends.
                continue
            queued += 1
            frequency = frequency_in_force(connection.company, sync_settings)
            connection.next_sync_at = next_sync_after(connection.id, frequency, now)
        DataConnection.objects.bulk_update(due, ["next_sync_at"])
    return SchedulePass(due=len(due), queued=queued)


def reschedule(connections: QuerySet[DataConnection], frequency: str) -> int:
    """After a frequency change: each Linked connection of `connections` is next due one new
    interval after its last sync (at once if that is already past); `off` unschedules them.
    One UPDATE, however many connections."""
    interval = SyncFrequency(frequency).interval
    linked = connections.filter(status=DataConnection.Status.LINKED)
    if interval is None:
        return linked.update(next_sync_at=None)
    return linked.update(next_sync_at=Coalesce(F("last_sync"), F("linked_at"), Now()) + interval)


def _reschedule_all(following: dict, frequency: str) -> int:
    count = reschedule(DataConnection.objects.filter(**following), frequency)
    for kind in _others:
        count += kind.reschedule(following=following, frequency=frequency)
    return count


# Changing the frequency (Settings > Sync, a company's own setting)


def sync_settings_update(*, default_frequency: str, actor: Actor) -> SyncSettings:
    with transaction.atomic():
        sync_settings = SyncSettings.objects.select_for_update().get_or_create(pk=1)[0]
        changed = sync_settings.default_frequency != default_frequency
        if changed:
            sync_settings.default_frequency = default_frequency
            sync_settings.save(update_fields=["default_frequency"])
    if changed:
        count = _reschedule_default_followers()
        logger.info(
            "%s set the default sync frequency to %s: %d connections rescheduled.",
            actor.name or "Causeway",
            default_frequency,
            count,
        )
    return sync_settings


RESCHEDULE_BATCH = 1000  # companies per transaction


def _reschedule_default_followers() -> int:
    """Reschedule the connections of every company that follows the default, a batch of
    companies at a time. Each batch locks its companies first, in id order, as every other
    write does (company, then its rows): so it never deadlocks with a company's deletion, and
    never overrides a company's own frequency set meanwhile. Each batch reads the default
    afresh, so of two changes racing, the later one's frequency is the one left in force."""
    count, after = 0, None
    while True:
        with transaction.atomic():
            followers = Company.objects.filter(sync_frequency="").order_by("pk")
            if after is not None:
                followers = followers.filter(pk__gt=after)
            ids = list(
                followers.select_for_update().values_list("pk", flat=True)[:RESCHEDULE_BATCH]
            )
            if not ids:
                return count
            following = {"company__in": ids}
            count += _reschedule_all(following, SyncSettings.load().default_frequency)
        after = ids[-1]


def company_set_sync_frequency(*, company: Company, frequency: str, actor: Actor) -> Company:
    """The company's own frequency; "" follows the default again. An unknown one is a
    ValidationError."""
    if frequency and frequency not in SyncFrequency.values:
        raise ValidationError("Choose one of the listed sync frequencies.", code="invalid")
    with transaction.atomic():
        company = lock_company(company.pk)
        if company.sync_frequency == frequency:
            return company
        company.sync_frequency = frequency
        company.save(update_fields=["sync_frequency"])
        in_force = frequency_in_force(company)
        _reschedule_all({"company": company}, in_force)
        label = SyncFrequency(frequency).label.lower() if frequency else "the default"
        activity.record(
            company=company,
            actor=actor,
            action="company.sync_frequency",
            message=f"Set the sync frequency to {label} ({in_force}).",
        )
    return company
