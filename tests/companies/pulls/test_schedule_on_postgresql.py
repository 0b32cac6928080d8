"""Schedulers side by side on PostgreSQL queue each due sync exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from companies import services
from companies.models import DataConnection, DataPull
from companies.pulls.schedule import run_passes

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serializes writers, so concurrent schedulers are a PostgreSQL concern.",
    ),
]


def test_two_schedulers_queue_each_due_sync_once():
    now = timezone.now()
    for n in range(120):
        company = services.company_create(name=f"Company {n}")
        DataConnection.objects.create(
            company=company,
            platform="xero",
            source_type="Accounting",
            status="Linked",
            next_sync_at=now - timedelta(minutes=n),
        )
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def scheduler() -> None:
        try:
            start.wait()
            for _ in range(10):  # small batches, so the two really interleave
                run_passes(now=now, limit=15)
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    per_connection = DataPull.objects.values_list("connection_id", flat=True)
    assert len(per_connection) == len(set(per_connection)) == 120
    assert DBTaskResult.objects.count() == 120
    assert not DataConnection.objects.filter(next_sync_at__lte=now).exists()
