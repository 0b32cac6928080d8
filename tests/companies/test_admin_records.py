from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from companies import pulls
from companies.activity import Actor
from companies.models import DataConnection, LinkSettings
from tests.pulls.conftest import run_worker

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
    pulls.pull_queue(connection=connection, actor=Actor.system())
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
