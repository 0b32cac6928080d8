from __future__ import annotations

import re

import pytest

from companies import services
from companies.activity import Actor
from companies.models import DataConnection
from companies.pulls import queue

pytestmark = pytest.mark.django_db


class TestDashboard:
    def test_it_requires_login(self, client):
        assert client.get("/")["Location"] == "/login/?next=/"

    def test_it_counts_companies_by_connection_status_and_pulls(self, manager_client):
        for n, status in enumerate(["Linked", "Linked", "Deauthorized", "PendingAuth"]):
            company = services.company_create(name=f"Company {n}")
            connection = DataConnection.objects.create(
                company=company, platform="xero", source_type="Accounting", status=status
            )
        # A second connection on one company must not count it twice.
        DataConnection.objects.create(
            company=company, platform="sage", source_type="Accounting", status="Unlinked"
        )
        queue.pull_queue(
            connection=connection.__class__.objects.filter(status="Linked").first(),
            actor=Actor.system(),
        )
        body = manager_client.get("/").content.decode()
        assert "Companies by connection status" in body
        assert '<th scope="row">Linked</th><td>2</td>' in body
        assert '<th scope="row">Deauthorized</th><td>1</td>' in body
        assert '<th scope="row">Unlinked</th><td>1</td>' in body
        assert "Data pulls per day" in body
        assert re.search(r"Companies<strong>4</strong>", body)

    def test_its_query_count_does_not_grow(self, manager_client, django_assert_max_num_queries):
        for n in range(20):
            services.company_create(name=f"Company {n}")
        with django_assert_max_num_queries(7):
            manager_client.get("/")


def test_past_ten_thousand_companies_it_shows_estimates(manager_client, monkeypatch):
    from portal import dashboard

    services.company_create(name="Only One")
    monkeypatch.setattr(dashboard, "estimate", lambda queryset: 654_321)
    body = manager_client.get("/").content.decode()
    assert "Companies<strong>about 654321</strong>" in body
    assert "Companies by connection status (estimates)" in body
