from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from companies.activity import Actor
from companies.models import DataConnection, LinkSettings
from companies.pulls import queue
from tests.support import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="pw"))
    return client


@pytest.fixture
def pulled(company):
    connection = DataConnection.objects.create(
        company=company, platform="xero", source_type="Accounting", status="Linked"
    )
    queue.pull_queue(connection=connection, actor=Actor.system())
    run_worker()
    return connection


class TestRecordsInAdmin:
    @pytest.mark.parametrize(
        "url",
        [
            "/admin/companies/activityentry/",
            "/admin/companies/datapull/",
            "/admin/companies/pulledrecord/",
            "/admin/companies/linksettings/",
        ],
    )
    def test_changelists_load(self, admin_client, pulled, url):
        assert admin_client.get(url).status_code == 200

    def test_activity_and_pulls_are_read_only(self, admin_client, pulled, company):
        body = admin_client.get("/admin/companies/activityentry/").content.decode()
        assert "Pulled" in body and company.name in body
        assert admin_client.get("/admin/companies/activityentry/add/").status_code == 403
        assert admin_client.get("/admin/companies/datapull/add/").status_code == 403

    def test_link_settings_are_edited_with_the_same_rules(self, admin_client):
        link_settings = LinkSettings.load()
        url = f"/admin/companies/linksettings/{link_settings.pk}/change/"
        response = admin_client.post(
            url,
            {
                "redirect_url_template": "http://{companyId}.evil.example",
                "link_lifetime_days": 7,
                "display_name": "X",
            },
        )
        assert "not in the host" in response.content.decode()
        link_settings.refresh_from_db()
        assert link_settings.redirect_url_template == ""

    def test_a_second_settings_row_cannot_be_added(self, admin_client):
        LinkSettings.load()
        assert admin_client.get("/admin/companies/linksettings/add/").status_code == 403


class TestConnectionsInAdmin:
    def test_connections_cannot_be_added_or_edited_around_the_services(self, admin_client, company):
        connection = DataConnection.objects.create(
            company=company, platform="xero", source_type="Accounting", status="Linked"
        )
        assert admin_client.get("/admin/companies/dataconnection/add/").status_code == 403
        url = f"/admin/companies/dataconnection/{connection.id}/change/"
        admin_client.post(url, {"platform": "not-a-platform", "status": "Unlinked"})
        connection.refresh_from_db()
        assert (connection.platform, connection.status) == ("xero", "Linked")

    def test_the_unlink_action_goes_through_the_service(self, admin_client, company):
        connection = DataConnection.objects.create(
            company=company, platform="xero", source_type="Accounting", status="Linked"
        )
        admin_client.post(
            "/admin/companies/dataconnection/",
            {"action": "unlink", "_selected_action": [str(connection.id)]},
        )
        connection.refresh_from_db()
        assert connection.status == "Unlinked"
        assert company.activity.filter(action="connection.unlinked").exists()

    def test_renaming_in_admin_logs_the_old_name(self, admin_client, company):
        admin_client.post(
            f"/admin/companies/company/{company.id}/change/",
            {
                "name": "Echidna Estates",
                "description": company.description,
                "connections-TOTAL_FORMS": "0",
                "connections-INITIAL_FORMS": "0",
                "connections-MIN_NUM_FORMS": "0",
                "connections-MAX_NUM_FORMS": "0",
            },
        )
        entry = company.activity.get(action="company.updated")
        assert "(was “Platypus Properties”)" in entry.message
