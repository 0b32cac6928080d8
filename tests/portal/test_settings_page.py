from __future__ import annotations

import pytest

from tests.support import page_of

pytestmark = pytest.mark.django_db


class TestSettingsPage:
    def test_it_leads_managers_to_link_settings_and_api_keys(self, manager_client):
        body = manager_client.get("/settings/").content.decode()
        assert '<a href="/settings/link/">Link</a>' in body
        assert '<a href="/settings/api-keys/">API keys</a>' in body
        assert "<title>Settings · Causeway</title>" in body

    def test_viewers_see_the_sections_without_links_they_may_not_follow(self, viewer_client):
        body = page_of(viewer_client.get("/settings/"), "Settings")
        # Named, not linked, with the reason.
        assert (
            'API keys <span class="muted">(Managers only: ask a Manager to change it)</span>:'
            in body
        )
        assert 'href="/settings/link/"' not in body
        # The viewer learns why, instead of guessing at a plain word.
        assert 'Link <span class="muted">(Managers only: ask a Manager to change it)</span>' in body
        assert 'href="/settings/api-keys/"' not in body

    def test_it_requires_login(self, client):
        assert client.get("/settings/")["Location"] == "/login/?next=/settings/"
