from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker

from companies.models import DataConnection
from tests.api.conftest import api, api_key  # noqa: F401  (API fixtures for these tests)


@pytest.fixture(autouse=True)
def _no_backoff_sleeps(settings):
    settings.PULL_BACKOFF_SECONDS = 0


def run_worker() -> None:
    """What `manage.py db_worker` does in production, until the queue is empty.

    Between tasks the worker closes stale connections; here it shares the test's connection
    and transaction, so that housekeeping is held off, as Django's test client does for
    requests.
    """
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command(
            "db_worker",
            batch=True,
            reload=False,
            startup_delay=False,
            stdout=StringIO(),
            stderr=StringIO(),
        )


@pytest.fixture
def linked(company) -> DataConnection:
    return DataConnection.objects.create(
        company=company, platform="xero", source_type="Accounting", status="Linked"
    )
