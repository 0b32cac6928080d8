from __future__ import annotations

import re

import pytest

from companies import services
from companies.activity import Actor
from companies.models import DataConnection, DataPull
from companies.pulls import queue
from tests.support import page_of

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
        assert '<th scope="row">Linked</th><td class="number">2</td>' in body
        assert '<th scope="row">Needs re-linking</th><td class="number">1</td>' in body
        assert '<th scope="row">Disconnected</th><td class="number">1</td>' in body
        assert "Data pulls per day" in body
        assert re.search(r"Companies<strong>4</strong>", body)

    def test_its_query_count_does_not_grow(self, manager_client, django_assert_max_num_queries):
        for n in range(20):
            services.company_create(name=f"Company {n}")
        with django_assert_max_num_queries(7):
            manager_client.get("/")


class TestCharts:
    def _pulls(self, company, statuses: list[str]) -> None:
        connection = DataConnection.objects.create(
            company=company, platform="xero", source_type="Accounting", status="Linked"
        )
        for status in statuses:
            DataPull.objects.create(company=company, connection=connection, status=status)

    def test_colours_follow_meaning(self, manager_client, company):
        self._pulls(company, ["Complete", "Complete", "FetchError"])
        page = page_of(manager_client.get("/"), "Dashboard")
        pulls = page[page.index("Data pulls per day") :]
        assert re.search(r'<rect class="tone-ok"[^>]*><title>[^<]*, Synced: 2</title>', pulls)
        assert re.search(r'<rect class="tone-bad"[^>]*><title>[^<]*, Failed: 1</title>', pulls)
        statuses = page[page.index("Companies by connection status") : page.index(pulls[:30])]
        assert re.search(r'<rect class="tone-ok"[^>]*><title>Linked: 1</title>', statuses)
        needs_relinking = r'<rect class="tone-bad"[^>]*><title>Needs re-linking: 0</title>'
        assert re.search(needs_relinking, statuses)

    def test_the_value_axis_has_round_values(self, manager_client, company):
        self._pulls(company, ["Complete"] * 7)
        page = page_of(manager_client.get("/"), "Dashboard")
        pulls = page[page.index("Data pulls per day") :]
        axis = re.search(r'<div class="chart-axis" aria-hidden="true">(.*?)</div>', pulls).group(1)
        assert re.findall(r"<span>([^<]*)</span>", axis) == ["8", "6", "4", "2", "0"]

    def test_each_chart_has_a_text_alternative(self, manager_client, company):
        self._pulls(company, ["Complete"] * 1200)
        page = page_of(manager_client.get("/"), "Dashboard")
        label = re.search(r'<svg [^>]*role="img" aria-label="(Data pulls per day[^"]*)"', page)
        assert label and "Synced 1,200, Failed 0, Other 0" in label.group(1)
        assert '<td class="number">1,200</td>' in page


def test_past_ten_thousand_companies_it_shows_estimates(manager_client, monkeypatch):
    from portal import dashboard

    services.company_create(name="Only One")
    monkeypatch.setattr(dashboard, "estimate", lambda queryset: 654_321)
    body = manager_client.get("/").content.decode()
    assert "Companies<strong>about 654,321</strong>" in body
    assert "Companies by connection status (estimates)" in body
