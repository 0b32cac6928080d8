from __future__ import annotations

import pytest

from companies.models import DataConnection


@pytest.fixture(autouse=True)
def _no_backoff_sleeps(settings):
    settings.PULL_BACKOFF_SECONDS = 0


@pytest.fixture
def linked(company) -> DataConnection:
    return DataConnection.objects.create(
        company=company, platform="xero", source_type="Accounting", status="Linked"
    )
