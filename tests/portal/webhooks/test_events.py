"""Events are stored with the change that caused them, carry the resource as the API shows
it, and are listed by `GET /api/events`."""

from __future__ import annotations

import pytest
from django.db import transaction

from companies import services as company_services
from companies.activity import Actor
from companies.platforms import get_platform
from portal.webhooks.models import Delivery, Event
from tests.support import make_account


def _types(company_id=None) -> list[str]:
    events = Event.objects.order_by("created", "id")
    if company_id:
        events = events.filter(company_id=company_id)
    return list(events.values_list("type", flat=True))


class TestRecording:
    def test_a_company_created_through_the_api_is_an_event_with_its_api_body(self, api):
        created = api.post("/api/companies", {"name": "Acme"}).json()
        event = Event.objects.get(type="company.created")
        assert str(event.company_id) == created["id"]
        assert event.data == api.get(f"/api/companies/{created['id']}").json()

    def test_changes_to_companies_and_connections_are_events(self, company):
        xero = get_platform("xero")
        connection, _ = company_services.connection_create(
            company=company, platform=xero, actor=Actor.system()
        )
        company = company_services.company_update(company=company, name="Platypus Holdings")
        connection.status = "Linked"
        connection.save()
        company_services.connection_deauthorize(connection=connection, actor=Actor.system())
        company_services.connection_delete(connection=connection, actor=Actor.system())
        company_id = company.id
        company_services.company_delete(company=company)
        assert _types(company_id) == [
            "company.created",
            "connection.created",
            "company.updated",
            "connection.deauthorized",
            "connection.deleted",
            "company.deleted",
        ]
        deleted = Event.objects.get(type="company.deleted")
        assert deleted.data["name"] == "Platypus Holdings"

    def test_an_unlinked_connection_is_an_event(self, company, make_connection):
        connection = make_connection(company)
        company_services.connection_unlink(connection=connection, actor=Actor.system())
        event = Event.objects.get(type="connection.unlinked")
        assert event.data["status"] == "Unlinked"
        assert event.data["id"] == str(connection.id)

    def test_payroll_status_changes_are_events(self, company):
        account = make_account(company)  # PENDING: verified by the worker
        from accounts import services as account_services

        account_services.account_verify(account_id=account.account_id)
        event = Event.objects.get(type="payroll_account.status_changed")
        assert event.data["account_id"] == str(account.account_id)
        assert event.data["status"] in ("CONNECTED", "MFA_REQUIRED", "INVALID_CREDENTIALS")
        assert "password" not in event.data

    def test_a_rolled_back_change_leaves_no_event_and_no_delivery(self, company, endpoint):
        with pytest.raises(RuntimeError), transaction.atomic():
            company_services.company_update(company=company, name="Never saved")
            raise RuntimeError("the request failed after the change")
        assert _types() == ["company.created"]
        assert not Delivery.objects.filter(event__type="company.updated").exists()


class TestEventList:
    def test_it_lists_events_newest_first_with_the_webhook_body(self, api, company):
        company_services.company_update(company=company, description="New")
        body = api.get("/api/events").json()
        assert [e["type"] for e in body["results"]] == ["company.updated", "company.created"]
        first = body["results"][0]
        assert first["id"].startswith("evt_")
        assert first["companyId"] == str(company.id)
        assert first["data"]["description"] == "New"
        assert body["totalResults"] == 2

    def test_it_filters_by_type_and_company(self, api, company):
        other = company_services.company_create(name="Other")
        by_type = api.get("/api/events", {"type": "company.created"}).json()
        assert by_type["totalResults"] == 2
        by_company = api.get("/api/events", {"companyId": str(other.id)}).json()
        assert [e["companyId"] for e in by_company["results"]] == [str(other.id)]

    def test_it_is_paginated(self, api, db):
        for n in range(3):
            company_services.company_create(name=f"Company {n}")
        page = api.get("/api/events", {"page": 2, "pageSize": 2}).json()
        assert page["totalResults"] == 3
        assert len(page["results"]) == 1
        assert "previous" in page["_links"]

    def test_an_unknown_type_is_400_naming_it(self, api):
        response = api.get("/api/events", {"type": "company.exploded"})
        assert response.status_code == 400
        assert "type" in response.content.decode()

    def test_it_requires_a_key(self, client, db):
        assert client.get("/api/events").status_code == 401
