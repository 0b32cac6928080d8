"""Deleting a company: the confirmation page and POST /companies/<id>/delete/."""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib.auth.models import Permission

from companies import services
from companies.models import Company, DataConnection
from tests.support import page_of


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
        assert r.status_code == 200
        page = r.content.decode()
        # Nothing takes the row's place; the message arrives out of band.
        assert "<tr" not in page
        assert "Platypus Properties</a>" not in page
        assert '<div id="messages" class="messages" role="status"' in page
        assert 'hx-swap-oob="true"' in page
        assert (
            "Deleted company “Platypus Properties” with its connections, data and payroll accounts."
            in page
        )
        assert "<html" not in page
        assert not Company.objects.exists()
        assert not DataConnection.objects.exists()

        # The message was shown; it does not come back on the next page.
        page = page_of(manager_client.get("/companies/"), "Companies")
        assert "Deleted company" not in page

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
