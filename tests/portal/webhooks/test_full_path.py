"""The whole product path: a company made through the API, linked through the real Link
pages, synced by a worker; the receiver gets each event, signed."""

from __future__ import annotations

import pytest
from django.test import Client
from standardwebhooks import Webhook

from tests.support import answer, choose, path_of, run_worker


@pytest.fixture(autouse=True)
def _no_backoff_sleeps(settings):
    settings.PULL_BACKOFF_SECONDS = 0


def test_create_link_and_sync_are_delivered_and_verified(api, receiver, db):
    endpoint = api.post(
        "/api/webhooks/endpoints",
        {"url": receiver.url_for("/hook"), "description": "Our CRM"},
    ).json()
    secret = endpoint["secret"]

    company = api.post("/api/companies", {"name": "Wombat Works"}).json()
    end_user = Client(enforce_csrf_checks=True)
    chosen = choose(end_user, path_of(company["redirect"]), "xero")
    assert answer(end_user, chosen["Location"], "allow").status_code == 302
    run_worker()  # the first sync starts with the link, and the deliveries go out

    received = {}
    for request, _ in receiver.log:
        body = Webhook(secret).verify(request.get_data(), dict(request.headers))
        received[body["type"]] = body
    assert set(received) >= {
        "company.created",
        "connection.created",
        "connection.linked",
        "sync.completed",
    }
    assert received["company.created"]["data"]["id"] == company["id"]
    assert received["connection.linked"]["data"]["status"] == "Linked"
    assert received["sync.completed"]["data"]["status"] == "Complete"
    assert received["sync.completed"]["data"]["companyId"] == company["id"]
    for body in received.values():
        assert body["companyId"] == company["id"]
