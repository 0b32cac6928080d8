"""The company page: /companies/<id>/."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from companies import services
from companies.models import DataConnection, DataPull
from portal import statuses
from tests.support import page_of


class TestCompanyDetail:
    def test_it_works(self, manager_client, company):
        r = manager_client.get(f"/companies/{company.id}/")
        assert r.status_code == 200
        page = r.content.decode()
        assert "<title>Platypus Properties · Causeway</title>" in page
        assert '<h1 id="company-name">Platypus Properties</h1>' in page
        assert f"<code>{company.id}</code>" in page
        assert f'data-copy="{company.id}"' in page
        assert "Platypuses are venomous mammals" in page
        assert timezone.localtime(company.created).strftime("%-d %b %Y, %H:%M") in page
        assert f'datetime="{timezone.localtime(company.created).isoformat()}"' in page
        assert "No connections yet." in page
        assert '<a href="/companies/">Companies</a>' in page

    def test_it_shows_connections(self, manager_client, company, make_connection):
        synced = timezone.now() - timedelta(days=1)
        make_connection(company, platform="xero", status="Linked", last_sync=synced)
        make_connection(company, platform="quickbooksonline", status="PendingAuth")
        make_connection(company, platform="sage", status="Deauthorized")
        make_connection(company, platform="freeagent", status="Unlinked")

        page = page_of(manager_client.get(f"/companies/{company.id}/"), "Platypus Properties")
        assert "No connections yet." not in page
        for platform, status in [
            ("Xero", "Linked"),
            ("QuickBooks Online", "PendingAuth"),
            ("Sage Business Cloud Accounting", "Deauthorized"),
            ("FreeAgent", "Unlinked"),
        ]:
            assert f"<td>{platform}<br>" in page
            words = statuses.words(status)
            assert f'title="API status: {status}">{words}</span>' in page
            assert f'<code class="status-code">{status}</code>' in page or words == status
        assert timezone.localtime(synced).strftime("%-d %b %Y, %H:%M") in page
        assert "Never" in page

    def test_it_does_not_show_other_companies_connections(
        self, manager_client, company, make_connection
    ):
        other = services.company_create(name="Other Co")
        make_connection(other, platform="xero")
        page = page_of(manager_client.get(f"/companies/{company.id}/"), "Platypus Properties")
        assert "Xero" not in page
        assert "No connections yet." in page

    def test_it_shows_an_empty_description_as_a_dash(self, manager_client):
        company = services.company_create(name="Acme")
        page = manager_client.get(f"/companies/{company.id}/").content.decode()
        assert "<dd>—</dd>" in page

    def test_it_escapes_the_description_and_keeps_line_breaks(self, manager_client):
        company = services.company_create(
            name="Acme", description="<script>alert(1)</script>\nSecond line"
        )
        page = page_of(manager_client.get(f"/companies/{company.id}/"), "Acme")
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Second line" in page

    def test_it_requires_login(self, client, company):
        r = client.get(f"/companies/{company.id}/")
        assert r.status_code == 302
        assert r.url == f"/login/?next=/companies/{company.id}/"

    def test_it_checks_permission(self, outsider_client, company):
        page = page_of(outsider_client.get(f"/companies/{company.id}/"), "Not allowed", status=403)
        assert "Platypus Properties" not in page

    def test_viewer_sees_no_edit_or_delete_controls(self, viewer_client, company):
        r = viewer_client.get(f"/companies/{company.id}/")
        assert r.status_code == 200
        page = r.content.decode()
        assert "Platypus Properties" in page
        assert f"/companies/{company.id}/edit/" not in page
        assert f"/companies/{company.id}/delete/" not in page
        assert "Delete company" not in page

    def test_manager_sees_edit_and_delete_controls(self, manager_client, company):
        page = manager_client.get(f"/companies/{company.id}/").content.decode()
        assert f'href="/companies/{company.id}/edit/"' in page
        assert f'hx-get="/companies/{company.id}/edit/"' in page
        assert f'href="/companies/{company.id}/delete/"' in page
        assert (
            "Deletes Platypus Properties with all its connections, pulled data and payroll "
            "accounts." in page
        )

    def test_it_rejects_post(self, manager_client, company):
        r = manager_client.post(f"/companies/{company.id}/")
        assert r.status_code == 405


class TestUnknownCompany:
    @pytest.mark.parametrize(
        "path",
        [
            "/companies/{random}/",
            "/companies/{random}/edit/",
            "/companies/{random}/delete/",
            "/companies/not-a-uuid/",
            "/companies/not-a-uuid/edit/",
            "/companies/not-a-uuid/delete/",
            "/companies/12345/",
            "/companies/{company}x/",
            "/companies/{company}/extra/",
            "/companies/%00/",
            "/companies/..%2F/",
        ],
    )
    def test_it_is_the_normal_404_page(self, manager_client, company, path):
        path = path.format(random=uuid.uuid4(), company=company.id)
        r = manager_client.get(path)
        assert r.status_code == 404
        page = r.content.decode()
        assert "<h1>Not found</h1>" in page
        assert "There is nothing at this address." in page

    @pytest.mark.parametrize("action", ["edit", "delete"])
    def test_posting_to_an_unknown_company_is_404(self, manager_client, db, action):
        r = manager_client.post(f"/companies/{uuid.uuid4()}/{action}/", {"name": "Acme"})
        assert r.status_code == 404

    def test_a_deleted_company_is_404(self, manager_client, company):
        services.company_delete(company=company)
        assert manager_client.get(f"/companies/{company.id}/").status_code == 404


RE_LINK = '<a href="#link">Send the company’s people the Link URL to re-link</a>'


class TestWhatToDoNext:
    def test_a_deauthorized_connection_says_to_send_the_link_url(
        self, manager_client, company, make_connection
    ):
        make_connection(company, status="Deauthorized")
        page = page_of(manager_client.get(f"/companies/{company.id}/"), company.name)
        assert f"{RE_LINK} it." in page
        assert '<section id="link" class="card"' in page  # where the link leads

    def test_a_connection_whose_last_sync_failed_says_what_to_try(
        self, manager_client, company, make_connection
    ):
        connection = make_connection(company)
        DataConnection.objects.filter(pk=connection.pk).update(last_pull_status="FetchError")
        page = page_of(manager_client.get(f"/companies/{company.id}/"), company.name)
        assert "Last sync failed: the platform had an error" in page
        assert f"Try Pull data again in a few minutes. {RE_LINK} it if it keeps failing." in page

    def test_a_healthy_connection_says_nothing_of_the_sort(
        self, manager_client, company, make_connection
    ):
        make_connection(company)
        page = page_of(manager_client.get(f"/companies/{company.id}/"), company.name)
        assert "to re-link" not in page

    def test_a_failed_pull_says_what_to_try(self, manager_client, company, make_connection):
        connection = make_connection(company)
        DataPull.objects.create(company=company, connection=connection, status="FetchError")
        page = page_of(manager_client.get(f"/companies/{company.id}/"), company.name)
        assert "Try Pull data again in a few minutes; the records already pulled are kept." in page

        DataConnection.objects.filter(pk=connection.pk).update(sandbox_scenario="server_error")
        page = page_of(manager_client.get(f"/companies/{company.id}/"), company.name)
        assert (
            "Its sandbox behaviour is “Server errors”: choose Normal under Sandbox controls,"
            " then pull again." in page
        )

    def test_a_pull_refused_access_says_to_re_link(self, manager_client, company, make_connection):
        connection = make_connection(company, status="Deauthorized")
        DataPull.objects.create(company=company, connection=connection, status="AuthError")
        page = page_of(manager_client.get(f"/companies/{company.id}/"), company.name)
        assert f"The platform refused access. {RE_LINK}, then pull again." in page


class TestOrder:
    def test_summary_link_connections_data_payroll_activity_then_danger(
        self, manager_client, company, make_connection
    ):
        make_connection(company)
        page = page_of(manager_client.get(f"/companies/{company.id}/"), company.name)
        landmarks = [
            'id="company-name"',
            'id="link-heading"',
            'id="connections-heading"',
            'id="pulls-heading"',
            'id="chart-heading"',
            'id="sync-heading"',
            'id="payroll-heading"',
            'id="activity-heading"',
            'id="delete-heading"',
        ]
        positions = [page.index(landmark) for landmark in landmarks]
        assert positions == sorted(positions)

    def test_sandbox_controls_are_grouped_apart_from_real_actions(
        self, manager_client, company, make_connection
    ):
        connection = make_connection(company)
        page = page_of(manager_client.get(f"/companies/{company.id}/"), company.name)
        row = page[page.index(f'id="connection-{connection.id}"') :]
        row = row[: row.index("</tr>")]
        sandbox = row[row.index('<fieldset class="connection-sandbox">') :]
        sandbox = sandbox[: sandbox.index("</fieldset>")]
        assert "Sandbox controls" in sandbox
        assert "Sandbox behaviour" in sandbox and "Revoke at platform" in sandbox
        real = row.replace(sandbox, "")
        assert "Pull data" in real and "Unlink" in real and "Delete connection" in real
        assert "Revoke at platform" not in real and "sandbox_scenario" not in real
