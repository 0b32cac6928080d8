"""Several workers on PostgreSQL share the queue and never run one pull twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from companies import pulls, services
from companies.activity import Actor
from companies.models import ActivityEntry, DataConnection, DataPull, PulledRecord

ROOT = Path(__file__).resolve().parents[2]

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
        cwd=ROOT,
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
        queued.append(pulls.pull_queue(connection=connection_, actor=Actor.system()))

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
