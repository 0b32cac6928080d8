from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from portal.webhooks import services
from portal.webhooks.models import Endpoint


@pytest.fixture(autouse=True)
def _private_targets_allowed(settings):
    """The receivers in these tests listen on 127.0.0.1."""
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOKS_TIMEOUT_SECONDS = 2


@pytest.fixture
def receiver(httpserver):
    """A real local HTTP receiver (pytest-httpserver) answering 204 on /hook."""
    httpserver.expect_request("/hook", method="POST").respond_with_data("", status=204)
    return httpserver


@pytest.fixture
def endpoint_and_secret(db, httpserver) -> tuple[Endpoint, str]:
    return services.endpoint_create(url=httpserver.url_for("/hook"), description="Our CRM")


@pytest.fixture
def endpoint(endpoint_and_secret) -> Endpoint:
    return endpoint_and_secret[0]


@pytest.fixture
def secret(endpoint_and_secret) -> str:
    return endpoint_and_secret[1]


class Clock:
    """Time as everything sees it (the services, the task queue), moved on by the test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance_to(self, moment: datetime) -> None:
        self.now = max(self.now, moment)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    clock = Clock(timezone.now())
    with mock.patch("django.utils.timezone.now", clock):
        yield clock
