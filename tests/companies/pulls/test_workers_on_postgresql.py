"""Real worker processes on PostgreSQL: several share the queue and never run one pull twice,
and a company deleted in the middle of its pull stops the worker cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from companies import services
from companies.activity import Actor
from companies.models import ActivityEntry, DataConnection, DataPull, PulledRecord
from companies.pulls import queue
from tests.support import PROJECT_ROOT

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serializes writers, so concurrent workers are a PostgreSQL concern.",
    ),
]


def _database_url() -> str:
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def _worker() -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "PULL_BACKOFF_SECONDS": "0"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_workers_run_each_pull_once():
    queued = []
    for n in range(6):
        company = services.company_create(name=f"Company {n}")
        connection_ = DataConnection.objects.create(
            company=company, platform="xero", source_type="Accounting", status="Linked"
        )
        queued.append(queue.pull_queue(connection=connection_, actor=Actor.system())[0])

    workers = [_worker(), _worker()]
    for worker in workers:
        _, errors = worker.communicate(timeout=300)
        assert worker.returncode == 0, errors

    assert set(DataPull.objects.values_list("status", flat=True)) == {"Complete"}
    for pull in DataPull.objects.all():
        assert PulledRecord.objects.filter(connection_id=pull.connection_id).count() == (
            pull.records_total
        )
    # One "complete" entry per pull: none ran twice.
    assert ActivityEntry.objects.filter(action="pull.complete").count() == len(queued)


def test_deleting_the_company_during_a_pull_stops_it_cleanly():
    company = services.company_create(name="Big Company")
    connection_ = DataConnection.objects.create(
        company=company,
        platform="xero",
        source_type="Accounting",
        status="Linked",
        sandbox_scenario="large",
    )
    pull, _ = queue.pull_queue(connection=connection_, actor=Actor.system())
    worker = _worker()
    try:
        deadline = time.monotonic() + 60
        while not DataPull.objects.filter(pk=pull.pk, records_done__gt=0).exists():
            assert time.monotonic() < deadline, "the worker never started the pull"
            time.sleep(0.05)
        services.company_delete(company=company)
    finally:
        _, errors = worker.communicate(timeout=120)

    assert worker.returncode == 0, errors
    assert "Traceback" not in errors
    assert not DataPull.objects.exists()
    assert not PulledRecord.objects.exists()
    assert not DataConnection.objects.exists()
