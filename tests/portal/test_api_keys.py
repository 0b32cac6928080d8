from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from portal.models import ApiKey
from portal.services import api_key_create
from tests.support import page_of

pytestmark = pytest.mark.django_db

URL = "/settings/api-keys/"


def _shown_key(response) -> str:
    return re.search(r'id="new-api-key">([^<]+)<', response.content.decode()).group(1)


class TestApiKeysPage:
    def test_it_creates_a_key_shown_once(self, manager_client):
        response = manager_client.post(URL, {"name": "sign-up service"}, follow=True)
        assert response.redirect_chain == [(URL, 302)]
        assert response.status_code == 200
        key = _shown_key(response)
        assert key.startswith("cw_")
        assert "no-store" in response["Cache-Control"]
        # The key works for the API, and is not on the page any more.
        assert Client().get("/api/companies", headers={"X-API-KEY": key}).status_code == 200
        again = page_of(manager_client.get(URL), "API keys")
        assert key not in again
        assert "sign-up service" in again
        assert key[:11] in again  # the prefix, to recognise it

    def test_reloading_after_a_create_makes_no_second_key(self, manager_client):
        """The create redirects, so the browser's reload repeats the GET, not the POST."""
        created = manager_client.post(URL, {"name": "sign-up service"})
        assert (created.status_code, created["Location"]) == (302, URL)
        shown = manager_client.get(URL)
        reloaded = page_of(manager_client.get(URL), "API keys")
        assert _shown_key(shown).startswith("cw_")
        assert 'id="new-api-key"' not in reloaded
        assert ApiKey.objects.count() == 1

    def test_only_a_digest_is_stored(self, manager_client):
        key = _shown_key(manager_client.post(URL, {"name": "x"}, follow=True))
        stored = ApiKey.objects.values().get()
        assert key not in str(stored)

    def test_it_records_last_use(self, manager_client):
        key = _shown_key(manager_client.post(URL, {"name": "x"}, follow=True))
        assert "Never" in manager_client.get(URL).content.decode()
        Client().get("/api/companies", headers={"X-API-KEY": key})
        assert ApiKey.objects.get().last_used_at is not None

    def test_revoke(self, manager_client):
        api_key, plain = api_key_create(name="old")
        response = manager_client.post(
            f"{URL}{api_key.id}/revoke/", {"confirmed": "yes"}, follow=True
        )
        assert "Revoked the API key “old”" in response.content.decode()
        assert Client().get("/api/companies", headers={"X-API-KEY": plain}).status_code == 401

    def test_a_blank_name_is_an_error(self, manager_client):
        page = page_of(manager_client.post(URL, {"name": "  "}), "API keys", status=400)
        assert "This field is required." in page
        assert ApiKey.objects.count() == 0

    def test_it_requires_login(self, client):
        assert client.get(URL).status_code == 302

    def test_viewers_cannot_see_or_create_keys(self, viewer_client):
        assert viewer_client.get(URL).status_code == 403
        assert viewer_client.post(URL, {"name": "x"}).status_code == 403
        assert ApiKey.objects.count() == 0

    def test_viewers_cannot_revoke(self, viewer_client):
        api_key, _ = api_key_create(name="x")
        assert viewer_client.post(f"{URL}{api_key.id}/revoke/").status_code == 403
        api_key.refresh_from_db()
        assert api_key.revoked_at is None


class TestCreateApiKeyCommand:
    def test_it_prints_a_working_key(self):
        out = StringIO()
        call_command("create_api_key", "automation", stdout=out, stderr=StringIO())
        key = out.getvalue().strip()
        assert Client().get("/api/companies", headers={"X-API-KEY": key}).status_code == 200
        assert ApiKey.objects.get().name == "automation"

    def test_a_blank_name_is_an_error(self):
        with pytest.raises(CommandError):
            call_command("create_api_key", " ", stdout=StringIO(), stderr=StringIO())


class TestApiKeyAdmin:
    def test_admin_shows_no_secret(self):
        admin = User.objects.create_superuser("root", password="pw")
        client = Client()
        client.force_login(admin)
        api_key, plain = api_key_create(name="x")
        for url, heading in (
            ("/admin/portal/apikey/", "Select API key to change"),
            (f"/admin/portal/apikey/{api_key.id}/change/", "Change API key"),
        ):
            body = page_of(client.get(url), heading)
            assert api_key.prefix in body
            assert plain not in body and api_key.digest not in body
