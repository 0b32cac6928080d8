"""Sync settings where people and integrators reach them: Settings > Sync, the company page,
the companies table's sync filter, and the API's syncSettings resources."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from companies.models import Company, DataConnection, SyncSettings
from tests.support import fragment_of, page_of

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


class TestSettingsPage:
    def test_a_manager_changes_the_default(self, manager_client, make_connection, company):
        connection = make_connection(company, last_sync=timezone.now() - 2 * HOUR)
        page = page_of(manager_client.get("/settings/sync/"), "Sync")
        assert '<option value="daily" selected>Daily</option>' in page

        saved = manager_client.post("/settings/sync/", {"default_frequency": "hourly"})
        assert saved.status_code == 302
        assert SyncSettings.load().default_frequency == "hourly"
        connection.refresh_from_db()
        assert connection.next_sync_at == connection.last_sync + HOUR
        follow = page_of(manager_client.get(saved["Location"]), "Sync")
        assert "companies without their own frequency sync hourly" in follow

    def test_an_unknown_frequency_is_a_form_error(self, manager_client):
        page = page_of(
            manager_client.post("/settings/sync/", {"default_frequency": "yearly"}),
            "Sync",
            status=400,
        )
        assert "Select a valid choice" in page
        assert SyncSettings.load().default_frequency == "daily"

    def test_viewers_may_not_change_it(self, viewer_client):
        assert viewer_client.get("/settings/sync/").status_code == 403
        assert (
            viewer_client.post("/settings/sync/", {"default_frequency": "off"}).status_code == 403
        )
        settings_page = page_of(viewer_client.get("/settings/"), "Settings")
        assert 'href="/settings/sync/"' not in settings_page


class TestCompanyPage:
    def test_it_shows_the_frequency_and_each_connections_syncs(
        self, manager_client, make_connection, company
    ):
        now = timezone.now()
        connection = make_connection(company, last_sync=now - HOUR)
        DataConnection.objects.filter(pk=connection.pk).update(
            next_sync_at=now + 23 * HOUR, last_pull_status="FetchError"
        )
        page = page_of(manager_client.get(f"/companies/{company.id}/"), company.name)
        assert '<option value="" selected>As the default (daily)</option>' in page
        assert "Next sync" in page
        assert f"{timezone.localtime(now + 23 * HOUR):%-d %b %Y, %H:%M}" in page
        assert "Last sync failed: the platform had an error" in page

    def test_a_manager_sets_the_companys_own_frequency(self, manager_client, htmx_headers, company):
        url = f"/companies/{company.id}/sync/"
        fragment = fragment_of(
            manager_client.post(url, {"sync_frequency": "weekly"}, headers=htmx_headers),
            "lifecycle",
        )
        assert "Syncs now run weekly." in fragment
        assert '<option value="weekly" selected>Weekly</option>' in fragment
        company.refresh_from_db()
        assert company.sync_frequency == "weekly"
        assert company.activity.filter(action="company.sync_frequency").exists()

        # Without JavaScript: back to the company page.
        assert manager_client.post(url, {"sync_frequency": ""})["Location"].endswith(
            f"/companies/{company.id}/"
        )
        company.refresh_from_db()
        assert company.sync_frequency == ""

    def test_an_unknown_frequency_changes_nothing(self, manager_client, company):
        response = manager_client.post(f"/companies/{company.id}/sync/", {"sync_frequency": "x"})
        assert response.status_code == 302
        page = page_of(manager_client.get(response["Location"]), company.name)
        assert "Choose one of the listed sync frequencies." in page
        company.refresh_from_db()
        assert company.sync_frequency == ""

    def test_viewers_see_it_but_cannot_change_it(self, viewer_client, company):
        page = page_of(viewer_client.get(f"/companies/{company.id}/"), company.name)
        assert "Data syncs by itself: daily (the default)." in page
        assert 'name="sync_frequency"' not in page
        response = viewer_client.post(f"/companies/{company.id}/sync/", {"sync_frequency": "off"})
        assert response.status_code == 403


class TestTableFilter:
    @pytest.fixture
    def three(self, make_connection):
        now = timezone.now()
        failed, overdue, fine = (
            Company.objects.create(name=name) for name in ("Failing Ltd", "Late Ltd", "Fine Ltd")
        )
        DataConnection.objects.filter(pk=make_connection(failed).pk).update(
            last_pull_status="AuthError", status="Deauthorized"
        )
        DataConnection.objects.filter(pk=make_connection(overdue).pk).update(
            next_sync_at=now - 3 * HOUR
        )
        DataConnection.objects.filter(pk=make_connection(fine).pk).update(
            next_sync_at=now + HOUR, last_pull_status="Complete"
        )

    def test_companies_whose_last_sync_failed(self, manager_client, three):
        page = page_of(manager_client.get("/companies/?sync=failed"), "Companies")
        assert "Failing Ltd" in page
        assert "Late Ltd" not in page and "Fine Ltd" not in page
        assert "whose last sync failed" in page
        assert '<option value="failed" selected>Last sync failed</option>' in page

    def test_companies_with_a_sync_overdue(self, manager_client, htmx_headers, three):
        fragment = fragment_of(
            manager_client.get("/companies/?sync=overdue", headers=htmx_headers),
            "companies-table",
        )
        assert "Late Ltd" in fragment
        assert "Failing Ltd" not in fragment and "Fine Ltd" not in fragment


class TestApi:
    def test_the_default_frequency(self, api):
        assert api.get("/api/profile/syncSettings").json() == {"defaultFrequency": "daily"}
        changed = api.put("/api/profile/syncSettings", {"defaultFrequency": "weekly"})
        assert changed.status_code == 200
        assert changed.json() == {"defaultFrequency": "weekly"}
        assert SyncSettings.load().default_frequency == "weekly"

    def test_a_bad_frequency_is_a_400_naming_the_field(self, api):
        response = api.put("/api/profile/syncSettings", {"defaultFrequency": "yearly"})
        assert response.status_code == 400
        assert response.json()["validation"]["errors"][0]["itemId"] == "defaultFrequency"

    def test_a_companys_frequency_and_its_connections_syncs(self, api, company, make_connection):
        connection = make_connection(company)
        url = f"/api/companies/{company.id}/syncSettings"
        body = api.get(url).json()
        assert body["frequency"] is None and body["frequencyInForce"] == "daily"
        assert body["connections"][0]["connectionId"] == str(connection.id)
        assert set(body["connections"][0]) == {
            "connectionId",
            "integrationKey",
            "status",
            "lastSync",
            "lastSyncStatus",
            "nextSync",
        }

        body = api.put(url, {"frequency": "hourly"}).json()
        assert (body["frequency"], body["frequencyInForce"]) == ("hourly", "hourly")
        assert body["connections"][0]["nextSync"] is not None
        body = api.put(url, {"frequency": None}).json()
        assert (body["frequency"], body["frequencyInForce"]) == (None, "daily")

    def test_an_unknown_company_is_a_404(self, api):
        url = "/api/companies/8f74269c-6cbf-4c5e-9b93-599965a7fd49/syncSettings"
        response = api.get(url)
        assert response.status_code == 404
        assert "No company has the id" in response.json()["error"]
