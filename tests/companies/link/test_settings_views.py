from __future__ import annotations

import re

import pytest

from companies.models import LinkSettings
from tests.support import fragment_of

pytestmark = pytest.mark.django_db

URL = "/settings/link/"
VALID = {
    "redirect_url_template": "https://example.com/linked?company={companyId}&c={customerId}",
    "link_lifetime_days": "14",
    "display_name": "Acme Lending",
}


class TestLinkSettingsPage:
    def test_it_works(self, manager_client):
        response = manager_client.get(URL)
        assert response.status_code == 200
        assert b"Redirect URL" in response.content
        assert b"{companyId}" in response.content

    def test_it_requires_login(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={URL}"

    def test_it_checks_permission(self, viewer_client):
        assert viewer_client.get(URL).status_code == 403
        assert viewer_client.post(URL, VALID).status_code == 403
        assert LinkSettings.load().display_name == "Causeway"

    def test_it_saves(self, manager_client):
        response = manager_client.post(URL, VALID, follow=True)
        assert b"Saved the Link settings." in response.content
        saved = LinkSettings.load()
        assert saved.redirect_url_template == VALID["redirect_url_template"]
        assert saved.link_lifetime_days == 14
        assert saved.display_name == "Acme Lending"

    @pytest.mark.parametrize(
        ("template", "says"),
        [
            ("javascript:alert(1)", "http:// or https://"),
            ("//evil.example", "http:// or https://"),
            ("http://{companyId}.example", "not in the host"),
            ("https://example.com/{companyId", "never closed"),
            ("http://user@example.com/cb", "may not hold a user name or password"),
        ],
    )
    def test_it_refuses_bad_templates_with_a_clear_error(self, manager_client, template, says):
        response = manager_client.post(URL, {**VALID, "redirect_url_template": template})
        assert response.status_code == 400
        assert says in response.content.decode()
        assert LinkSettings.load().redirect_url_template == ""

    @pytest.mark.parametrize("days", ["0", "366", "abc", "-1", ""])
    def test_it_refuses_a_bad_lifetime(self, manager_client, days):
        response = manager_client.post(URL, {**VALID, "link_lifetime_days": days})
        assert response.status_code == 400
        assert LinkSettings.load().link_lifetime_days == 7

    def test_link_urls_can_be_set_never_to_expire(self, manager_client):
        response = manager_client.post(
            URL, {**VALID, "link_lifetime_days": "", "never_expires": "on"}, follow=True
        )
        assert b"Saved the Link settings." in response.content
        assert LinkSettings.load().link_lifetime_days is None
        page = manager_client.get(URL).content.decode()
        assert re.search(r'<input type="checkbox" name="never_expires"[^>]* checked', page)

    def test_a_lifetime_can_be_set_again_after_never(self, manager_client):
        manager_client.post(URL, {**VALID, "never_expires": "on"})
        manager_client.post(URL, VALID)
        assert LinkSettings.load().link_lifetime_days == 14

    def test_an_empty_lifetime_asks_for_days_or_never(self, manager_client):
        response = manager_client.post(URL, {**VALID, "link_lifetime_days": ""})
        assert response.status_code == 400
        assert "or choose “Link URLs never expire”" in response.content.decode()

    def test_nul_bytes_and_huge_strings_are_refused(self, manager_client):
        response = manager_client.post(URL, {**VALID, "display_name": "A\x00B"})
        assert response.status_code == 400
        response = manager_client.post(URL, {**VALID, "display_name": "x" * 5000})
        assert response.status_code == 400

    def test_each_change_is_kept_in_the_admin_history(self, manager_client, manager):
        from django.contrib.admin.models import LogEntry

        manager_client.post(URL, VALID)
        entry = LogEntry.objects.get()
        assert entry.user == manager
        assert entry.object_repr == "Link settings"
        assert entry.get_change_message() == (
            "Changed redirect URL, Link URL lifetime, name shown to end users in the portal."
        )

    def test_an_empty_template_means_no_redirect(self, manager_client):
        manager_client.post(URL, {**VALID, "redirect_url_template": ""})
        assert LinkSettings.load().redirect_url_template == ""


class TestPreview:
    def test_it_fills_an_example(self, manager_client, htmx_headers):
        response = manager_client.get(
            "/settings/link/preview/",
            {"redirect_url_template": "https://e.com/?c={companyId}&s={statusCode}&x={customerId}"},
            headers=htmx_headers,
        )
        body = fragment_of(response, "redirect-preview")
        assert (
            "https://e.com/?c=8f74269c-6cbf-4c5e-9b93-599965a7fd49&amp;s=200&amp;x=example-customerId"
            in body
        )
        assert "s=403" in body
        assert "<html" not in body

    def test_it_shows_the_error(self, manager_client, htmx_headers):
        response = manager_client.get(
            "/settings/link/preview/",
            {"redirect_url_template": "http://{companyId}.example"},
            headers=htmx_headers,
        )
        assert b"not in the host" in response.content

    def test_an_empty_url_means_no_redirect(self, manager_client, htmx_headers):
        response = manager_client.get(
            "/settings/link/preview/", {"redirect_url_template": ""}, headers=htmx_headers
        )
        body = fragment_of(response, "redirect-preview")
        assert "You can close this window" in body
        assert "must start with" not in body

    def test_it_checks_permission(self, viewer_client):
        assert viewer_client.get("/settings/link/preview/").status_code == 403
