from __future__ import annotations

import re

import pytest

from companies.activity import Actor
from companies.models import DataPull, PulledRecord
from companies.pulls import queue
from tests.support import fragment_of, page_of, run_worker

pytestmark = pytest.mark.django_db


def _page(client, company):
    return page_of(client.get(f"/companies/{company.id}/"), company.name)


class TestPullButtons:
    def test_pull_data_queues_and_the_region_polls_until_done(
        self, manager_client, company, linked, htmx_headers
    ):
        response = manager_client.post(
            f"/companies/{company.id}/connections/{linked.id}/pull/", headers=htmx_headers
        )
        body = response.content.decode()
        assert 'id="pulls"' in body and 'hx-trigger="every 1s"' in body
        assert "Queued" in body
        run_worker()
        polled = manager_client.get(f"/companies/{company.id}/pulls/", headers=htmx_headers)
        body = fragment_of(polled, "pulls")
        assert "Complete" in body and 'value="100"' in body
        assert "every 1s" not in body  # polling stops
        assert re.search(r"took \d+\.\d s", body)

    def test_asking_again_says_the_pull_is_already_under_way(self, manager_client, company, linked):
        url = f"/companies/{company.id}/connections/{linked.id}/pull/"
        first = manager_client.post(url, follow=True).content.decode()
        again = manager_client.post(url, follow=True).content.decode()
        assert "Queued a data pull from Xero." in first
        assert "A pull from Xero is already under way." in again
        both = manager_client.post(f"/companies/{company.id}/pulls/all/", follow=True)
        assert "1 already under way." in both.content.decode()
        assert DataPull.objects.count() == 1

    def test_polling_does_not_wipe_a_message(self, manager_client, company, linked, htmx_headers):
        queue.pull_queue(connection=linked, actor=Actor.system())
        polled = manager_client.get(f"/companies/{company.id}/pulls/", headers=htmx_headers)
        assert 'id="messages"' not in fragment_of(polled, "pulls")

    def test_pull_all_without_linked_connections_says_why(self, manager_client, company):
        response = manager_client.post(f"/companies/{company.id}/pulls/all/", follow=True)
        assert response.redirect_chain == [(f"/companies/{company.id}/", 302)]
        assert "no Linked connection" in page_of(response, "Platypus Properties")
        assert not DataPull.objects.exists()

    def test_a_deauthorized_connection_cannot_be_pulled(self, manager_client, company, linked):
        linked.status = "Deauthorized"
        linked.save()
        response = manager_client.post(
            f"/companies/{company.id}/connections/{linked.id}/pull/", follow=True
        )
        assert "Send the company&#x27;s user through Link again" in response.content.decode()

    def test_viewers_cannot_pull(self, viewer_client, company, linked):
        response = viewer_client.post(f"/companies/{company.id}/connections/{linked.id}/pull/")
        assert response.status_code == 403
        assert "Pull all" not in _page(viewer_client, company)

    def test_cancel(self, manager_client, company, linked):
        pull, _ = queue.pull_queue(connection=linked, actor=Actor.system())
        manager_client.post(f"/companies/{company.id}/pulls/{pull.id}/cancel/")
        pull.refresh_from_db()
        assert pull.status == "Cancelled"

    def test_sandbox_behaviour_is_set_per_connection(self, manager_client, company, linked):
        manager_client.post(
            f"/companies/{company.id}/connections/{linked.id}/sandbox/",
            {"sandbox_scenario": "server_error"},
        )
        linked.refresh_from_db()
        assert linked.sandbox_scenario == "server_error"
        response = manager_client.post(
            f"/companies/{company.id}/connections/{linked.id}/sandbox/",
            {"sandbox_scenario": "nonsense"},
            follow=True,
        )
        assert "Choose one of the listed sandbox behaviours." in response.content.decode()

    def test_choosing_a_behaviour_saves_it_at_once(
        self, manager_client, company, linked, htmx_headers
    ):
        """With JavaScript the select saves on change (no separate Set): a pull asked for
        next uses the new behaviour."""
        page = page_of(manager_client.get(f"/companies/{company.id}/"), company.name)
        assert 'hx-trigger="change"' in page
        assert f'hx-sync="#connection-{linked.id}:queue all"' in page
        response = manager_client.post(
            f"/companies/{company.id}/connections/{linked.id}/sandbox/",
            {"sandbox_scenario": "rate_limited"},
            headers=htmx_headers,
        )
        fragment = fragment_of(response, "messages")
        assert 'hx-swap-oob="true"' in fragment
        assert "Xero sandbox: " in fragment
        linked.refresh_from_db()
        assert linked.sandbox_scenario == "rate_limited"


class TestDataBrowser:
    @pytest.fixture
    def pulled(self, linked):
        queue.pull_queue(connection=linked, actor=Actor.system())
        run_worker()
        return linked

    def test_overview_counts_each_data_type(self, manager_client, company, pulled):
        body = manager_client.get(f"/companies/{company.id}/data/").content.decode()
        invoices = PulledRecord.objects.filter(data_type="invoices").count()
        assert "Invoices" in body and f"<strong>{invoices:,}</strong>" in body

    def test_invoices_are_paginated_and_searchable(self, manager_client, company, pulled):
        url = f"/companies/{company.id}/data/invoices/"
        body = manager_client.get(url).content.decode()
        assert "Page 1 of" in body and "INV-" in body
        found = manager_client.get(url, {"q": "INV-000007"}).content.decode()
        assert "1 record matching" in found and "INV-000007" in found

    def test_record_detail_shows_the_payload(self, manager_client, company, pulled):
        record = PulledRecord.objects.get(data_type="invoices", external_id="INV-000001")
        body = manager_client.get(
            f"/companies/{company.id}/data/invoices/{record.id}/"
        ).content.decode()
        assert "&quot;invoiceNumber&quot;: &quot;000001&quot;" in body
        # The amount as people read it: separators, two decimals, the currency's code.
        assert f"<dd>{record.amount:,.2f} GBP</dd>" in body
        assert '>Linked</span> <code class="status-code">Linked</code>' not in body
        assert 'title="API status: Linked">Linked</span>' in body

    def test_amounts_are_formatted_and_aligned(self, manager_client, company, pulled):
        record = PulledRecord.objects.filter(data_type="invoices").order_by("-amount").first()
        url = f"/companies/{company.id}/data/invoices/"
        body = manager_client.get(url, {"q": record.external_id}).content.decode()
        assert f'<td class="num">{record.amount:,.2f} GBP</td>' in body

    def test_an_unknown_data_type_is_404(self, manager_client, company):
        assert manager_client.get(f"/companies/{company.id}/data/nope/").status_code == 404

    def test_a_record_of_another_company_is_404(self, manager_client, pulled):
        from companies import services

        other = services.company_create(name="Other")
        record = PulledRecord.objects.first()
        url = f"/companies/{other.id}/data/{record.data_type}/{record.id}/"
        assert manager_client.get(url).status_code == 404

    def test_the_records_query_count_does_not_grow(
        self, manager_client, company, pulled, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(8):
            manager_client.get(f"/companies/{company.id}/data/invoices/")

    def test_the_company_page_charts_invoiced_and_paid(self, manager_client, company, pulled):
        body = _page(manager_client, company)
        assert "Invoiced and paid per month" in body
        assert '<rect class="tone-accent"' in body and '<rect class="tone-ok"' in body
