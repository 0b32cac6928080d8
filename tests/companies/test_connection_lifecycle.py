from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from companies import services
from companies.activity import Actor
from companies.models import ActivityEntry, Company, DataConnection, LinkSettings
from tests.support import answer, choose, fragment_of, page_of, path_of

pytestmark = pytest.mark.django_db


def _connection_url(connection: DataConnection, action: str) -> str:
    return f"/companies/{connection.company_id}/connections/{connection.id}/{action}/"


@pytest.fixture
def linked(company) -> DataConnection:
    return DataConnection.objects.create(
        company=company, platform="xero", source_type="Accounting", status="Linked"
    )


def link_through_link_flow(client, company: Company, platform: str = "xero") -> None:
    from companies.link.tokens import link_url_for

    chosen = choose(client, path_of(link_url_for(company)), platform)
    answer(client, chosen["Location"], "allow")


class TestLifecycle:
    def test_pending_linked_deauthorized_relinked_unlinked(self, company, end_user, manager_client):
        link_through_link_flow(end_user, company)
        connection = DataConnection.objects.get(company=company)
        assert connection.status == "Linked"
        first_id = connection.id

        response = manager_client.post(
            _connection_url(connection, "deauthorize"), {"confirmed": "yes"}, follow=True
        )
        assert "withdrew access" in response.content.decode()
        connection.refresh_from_db()
        assert connection.status == "Deauthorized"

        link_through_link_flow(end_user, company)
        connection.refresh_from_db()
        assert connection.status == "Linked"
        assert DataConnection.objects.get(company=company).id == first_id
        assert Company.objects.count() == 1

        manager_client.post(_connection_url(connection, "unlink"), {"confirmed": "yes"})
        connection.refresh_from_db()
        assert connection.status == "Unlinked"

        log = list(ActivityEntry.objects.filter(company=company).order_by("id"))
        assert [entry.action for entry in log] == [
            "company.created",
            "connection.created",
            "connection.linked",
            "connection.deauthorized",
            "connection.relinking",
            "connection.linked",
            "connection.unlinked",
        ]
        assert log[3].actor_label == "manager"
        assert log[2].actor_label == "End user via Link"

    def test_only_a_linked_connection_can_be_unlinked(self, company, manager_client):
        pending = DataConnection.objects.create(
            company=company, platform="sage", source_type="Accounting"
        )
        response = manager_client.post(
            _connection_url(pending, "unlink"), {"confirmed": "yes"}, follow=True
        )
        assert "Only a Linked connection can be unlinked" in response.content.decode()
        pending.refresh_from_db()
        assert pending.status == "PendingAuth"


class TestCompanyPage:
    def test_it_shows_link_url_connections_and_timeline(self, manager_client, company, linked):
        services.connection_deauthorize(connection=linked, actor=Actor.system())
        body = manager_client.get(f"/companies/{company.id}/").content.decode()
        assert re.search(r"http://127\.0\.0\.1:8000/link/[^/]+/", body)
        assert "New Link URL" in body and "Revoke Link URLs" in body
        assert "Deauthorized" in body
        assert "401: Access was revoked at Xero." in body
        assert "Xero withdrew access" in body  # timeline

    def test_new_link_url_via_htmx_swaps_the_region(
        self, manager_client, company, htmx_headers, end_user
    ):
        response = manager_client.post(
            f"/companies/{company.id}/link-url/renew/", headers=htmx_headers
        )
        body = fragment_of(response, "lifecycle")
        assert "Issued a new Link URL." in body
        new_url = re.search(r'id="link-url">([^<]+)<', body).group(1)
        assert end_user.get(path_of(new_url)).status_code == 200

    def test_an_htmx_action_also_redraws_the_activity_and_sync_out_of_band(
        self, manager_client, company, htmx_headers
    ):
        response = manager_client.post(
            f"/companies/{company.id}/link-url/renew/", headers=htmx_headers
        )
        body = fragment_of(response, "lifecycle")
        activity = body[body.index('<section id="activity"') :]
        assert activity.startswith(
            '<section id="activity" class="card" aria-labelledby="activity-heading"'
            ' hx-swap-oob="true">'
        )
        assert "Issued a new Link URL." in activity  # the entry the action added
        assert (
            '<section id="sync" class="card" aria-labelledby="sync-heading" hx-swap-oob="true">'
            in body
        )

    def test_the_link_url_shown_works_however_old_the_company(
        self, manager_client, company, end_user
    ):
        a_year_ago = timezone.now() - timedelta(days=365)
        Company.objects.filter(pk=company.pk).update(link_issued_at=a_year_ago)
        page = manager_client.get(f"/companies/{company.id}/").content.decode()
        shown = re.search(r'id="link-url">([^<]+)<', page).group(1)
        assert end_user.get(path_of(shown)).status_code == 200
        valid_until = timezone.localtime(timezone.now() + timedelta(days=7))
        assert f'Valid until <time datetime="{valid_until:%Y-%m-%d}' in page

    def test_a_link_url_that_never_expires_says_so(self, manager_client, company):
        LinkSettings.objects.update_or_create(pk=1, defaults={"link_lifetime_days": None})
        page = manager_client.get(f"/companies/{company.id}/").content.decode()
        assert "Never expires; revoke it to stop it working." in page
        assert "Valid until" not in page

    def test_revoke_link_urls(self, manager_client, company, end_user):
        from companies.link.tokens import link_url_for

        old = path_of(link_url_for(company))
        response = manager_client.post(
            f"/companies/{company.id}/link-url/revoke/", {"confirmed": "yes"}
        )
        assert response.status_code == 302
        assert end_user.get(old).status_code == 410

    def test_delete_connection_with_confirmation(self, manager_client, linked):
        page = manager_client.get(_connection_url(linked, "delete"))
        assert b"Delete the Xero connection of" in page.content
        response = manager_client.post(_connection_url(linked, "delete"), follow=True)
        assert b"Deleted the Xero connection." in response.content
        assert not DataConnection.objects.filter(pk=linked.pk).exists()

    def test_viewers_cannot_change_connections(self, viewer_client, linked):
        for action in ("deauthorize", "unlink", "delete"):
            assert viewer_client.post(_connection_url(linked, action)).status_code == 403
        assert (
            viewer_client.post(f"/companies/{linked.company_id}/link-url/revoke/").status_code
            == 403
        )
        linked.refresh_from_db()
        assert linked.status == "Linked"
        body = page_of(viewer_client.get(f"/companies/{linked.company_id}/"), "Platypus Properties")
        assert f'<tr id="connection-{linked.id}">' in body
        assert "Revoke at platform" not in body and "Revoke Link URLs" not in body

    def test_a_connection_of_another_company_is_404(self, manager_client, linked):
        other = services.company_create(name="Other")
        url = f"/companies/{other.id}/connections/{linked.id}/unlink/"
        assert manager_client.post(url).status_code == 404

    def test_actions_reject_get(self, manager_client, linked):
        assert manager_client.get(_connection_url(linked, "unlink")).status_code == 405
