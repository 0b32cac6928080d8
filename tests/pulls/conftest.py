from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from companies.models import DataConnection


@pytest.fixture(autouse=True)
def _no_backoff_sleeps(settings):
    settings.PULL_BACKOFF_SECONDS = 0


def run_worker() -> None:
    """What `manage.py db_worker` does in production, until the queue is empty."""
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


from tests.api.conftest import api, api_key  # noqa: E402, F401  (API fixtures for these tests)
