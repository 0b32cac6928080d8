"""Deleting a company: the confirmation page and POST /companies/<id>/delete/."""

from __future__ import annotations

import re
import uuid
from html import unescape

import pytest
from django.contrib.auth.models import Permission

from companies import services
from companies.models import Company, DataConnection
from tests.companies.test_table import row_names
from tests.support import fragment_of, page_of

# Deleting (the session and permissions, the company and what hangs off it, its webhook
# event: 21 queries), then the table the page shows: its page of rows and their connections
# (a large table's count is the planner's estimate, here stood in for).
QUERY_BUDGET = 23


def summary_of(html: str) -> str:
    match = re.search(r'<p class="table-summary"[^>]*>(.*?)</p>', html, re.S)
    assert match, "no table summary"
    return unescape(" ".join(match.group(1).split()))


def delete_url(company: Company) -> str:
    return f"/companies/{company.id}/delete/"


class TestDeleteConfirmation:
    def test_it_works(self, manager_client, company, make_connection):
        make_connection(company, platform="xero")
        make_connection(company, platform="sage")
        r = manager_client.get(delete_url(company))
        assert r.status_code == 200
        page = r.content.decode()
        assert '<h1 id="confirm-heading">Delete “Platypus Properties”?</h1>' in page
        assert f"<code>{company.id}</code>" in page
        assert re.search(
            r"with its 2 connections and the data pulled from them, and its\s+0 payroll accounts",
            page,
        )
        assert f'<form method="post" action="/companies/{company.id}/delete/">' in page
        assert "Delete Platypus Properties</button>" in page
        assert f'href="/companies/{company.id}/">Cancel</a>' in page
        # Looking is not deleting.
        assert Company.objects.filter(pk=company.pk).exists()

    def test_it_counts_one_connection(self, manager_client, company, make_connection):
        make_connection(company)
        page = manager_client.get(delete_url(company)).content.decode()
        assert "with its 1 connection and the data" in page

    def test_it_escapes_the_name(self, manager_client):
        company = services.company_create(name="Smith & Sons")
        page = manager_client.get(delete_url(company)).content.decode()
        assert "Delete “Smith &amp; Sons”?" in page

    def test_it_requires_login(self, client, company):
        r = client.get(delete_url(company))
        assert r.status_code == 302
        assert r.url == f"/login/?next=/companies/{company.id}/delete/"

    @pytest.mark.parametrize("user_client", ["viewer_client", "outsider_client"])
    def test_it_checks_permission(self, request, user_client, company):
        client = request.getfixturevalue(user_client)
        page = page_of(client.get(delete_url(company)), "Not allowed", status=403)
        assert "Delete “Platypus Properties”?" not in page

    def test_unknown_company(self, manager_client, db):
        r = manager_client.get(f"/companies/{uuid.uuid4()}/delete/")
        assert r.status_code == 404


class TestDeleteCompany:
    def test_it_works(self, manager_client, company, make_connection):
        make_connection(company, platform="xero")
        make_connection(company, platform="sage", status="Deauthorized")
        other = services.company_create(name="Other Co")
        make_connection(other, platform="xero")

        r = manager_client.post(delete_url(company))
        assert r.status_code == 302
        assert r.url == "/companies/"
        assert not Company.objects.filter(pk=company.pk).exists()
        assert not DataConnection.objects.filter(company_id=company.pk).exists()
        # Nothing else goes.
        assert DataConnection.objects.filter(company=other).count() == 1

        page = page_of(manager_client.get(r.url), "Companies")
        assert (
            "Deleted company “Platypus Properties” with its connections, data and payroll accounts."
            in page
        )
        assert f'id="company-{company.id}"' not in page
        assert f'id="company-{other.id}"' in page

    def test_the_message_shows_once(self, manager_client, company):
        manager_client.post(delete_url(company))
        manager_client.get("/companies/")
        page = page_of(manager_client.get("/companies/"), "Companies")
        assert "Deleted company" not in page

    def test_it_works_with_htmx(self, manager_client, company, make_connection, htmx_headers):
        make_connection(company)
        r = manager_client.post(delete_url(company), headers=htmx_headers)
        # The table comes back, without the row: its count and empty state stay true.
        table = fragment_of(r, "companies-table")
        assert "<html" not in table
        assert "Platypus Properties</a>" not in table
        assert summary_of(table) == "0 companies"
        assert '<tr class="empty-row"><td colspan="6">No companies yet.</td></tr>' in table
        # The message arrives out of band, and screen readers are told.
        assert (
            '<div id="messages" class="messages" role="status" aria-live="polite" '
            'hx-swap-oob="true">' in table
        )
        assert (
            "Deleted company “Platypus Properties” with its connections, data and payroll accounts."
            in table
        )
        assert (
            '<p id="table-announcement" class="visually-hidden" role="status" '
            'hx-swap-oob="innerHTML">Deleted company “Platypus Properties”. 0 companies.</p>'
        ) in table
        assert not Company.objects.exists()
        assert not DataConnection.objects.exists()

        # The message was shown; it does not come back on the next page.
        page = page_of(manager_client.get("/companies/"), "Companies")
        assert "Deleted company" not in page

    def test_with_htmx_the_table_is_the_one_the_page_shows(
        self, manager_client, company, htmx_headers
    ):
        services.company_create(name="Platypus Partners")
        services.company_create(name="Wombat Works")
        url = "http://testserver/companies/?q=platypus&sort=name"
        r = manager_client.post(
            delete_url(company), headers={**htmx_headers, "HX-Current-URL": url}
        )
        table = fragment_of(r, "companies-table")
        assert summary_of(table) == "1 company matches “platypus”"
        assert row_names(table) == ["Platypus Partners"]
        assert (
            'hx-swap-oob="innerHTML">Deleted company “Platypus Properties”. '
            "1 company matches “platypus”.</p>"
        ) in table

    def test_with_htmx_the_last_of_a_search_shows_its_empty_state(
        self, manager_client, company, htmx_headers
    ):
        services.company_create(name="Wombat Works")
        url = "http://testserver/companies/?q=platypus"
        r = manager_client.post(
            delete_url(company), headers={**htmx_headers, "HX-Current-URL": url}
        )
        table = fragment_of(r, "companies-table")
        assert summary_of(table) == "0 companies match “platypus”"
        assert "No companies match these filters." in table

    def test_with_htmx_the_last_row_of_a_page_shows_the_page_before(
        self, manager_client, htmx_headers
    ):
        companies = [services.company_create(name=f"Company {n:02d}") for n in range(26)]
        url = "http://testserver/companies/?sort=name&page=2"
        r = manager_client.post(
            delete_url(companies[-1]), headers={**htmx_headers, "HX-Current-URL": url}
        )
        table = fragment_of(r, "companies-table")
        assert summary_of(table) == "25 companies"
        assert len(row_names(table)) == 25
        assert 'class="pagination"' not in table

    def test_with_htmx_a_large_table_is_not_counted_again(
        self, manager_client, htmx_headers, monkeypatch, django_assert_max_num_queries
    ):
        from portal import counts

        companies = [services.company_create(name=f"Company {n:02d}") for n in range(30)]
        # As PostgreSQL's planner would say of a large table: its estimate is shown instead.
        monkeypatch.setattr(counts, "estimate", lambda queryset: 123_456)
        with django_assert_max_num_queries(QUERY_BUDGET) as queries:
            r = manager_client.post(
                delete_url(companies[0]),
                headers={**htmx_headers, "HX-Current-URL": "http://testserver/companies/"},
            )
        assert summary_of(fragment_of(r, "companies-table")) == "About 123,456 companies"
        table_counts = [
            q["sql"]
            for q in queries.captured_queries
            if "COUNT(" in q["sql"].upper() and 'FROM "companies_company"' in q["sql"]
        ]
        assert not table_counts

    def test_it_requires_login(self, client, company):
        r = client.post(delete_url(company))
        assert r.status_code == 302
        assert r.url.startswith("/login/")
        assert Company.objects.filter(pk=company.pk).exists()

    @pytest.mark.parametrize("user_client", ["viewer_client", "outsider_client"])
    def test_it_checks_permission(
        self, request, user_client, company, make_connection, htmx_headers
    ):
        make_connection(company)
        client = request.getfixturevalue(user_client)
        for headers in (None, htmx_headers):
            r = client.post(delete_url(company), headers=headers)
            assert r.status_code == 403
        assert Company.objects.filter(pk=company.pk).exists()
        assert DataConnection.objects.filter(company=company).exists()

    def test_viewer_sees_no_delete_control(self, viewer_client, company):
        for url, heading in (
            ("/companies/", "Companies"),
            (f"/companies/{company.id}/", "Platypus Properties"),
        ):
            page = page_of(viewer_client.get(url), heading)
            assert delete_url(company) not in page
            assert 'hx-confirm="Delete the company' not in page

    def test_a_user_with_only_delete_permission_can_delete(
        self, outsider, outsider_client, company
    ):
        outsider.user_permissions.add(Permission.objects.get(codename="delete_company"))
        r = outsider_client.post(delete_url(company))
        assert r.status_code == 302
        assert not Company.objects.exists()

    def test_unknown_company(self, manager_client, db, htmx_headers):
        for headers in (None, htmx_headers):
            r = manager_client.post(f"/companies/{uuid.uuid4()}/delete/", headers=headers)
            assert r.status_code == 404

    def test_deleting_twice(self, manager_client, company):
        assert manager_client.post(delete_url(company)).status_code == 302
        assert manager_client.post(delete_url(company)).status_code == 404

    def test_it_rejects_other_methods(self, manager_client, company):
        assert manager_client.delete(delete_url(company)).status_code == 405
        assert Company.objects.exists()
