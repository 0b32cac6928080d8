"""Webhook endpoints through the JSON API."""

from __future__ import annotations

from portal.webhooks.models import Endpoint


class TestEndpointsApi:
    def test_it_creates_an_endpoint_and_shows_the_secret_once(self, api):
        created = api.post(
            "/api/webhooks/endpoints",
            {"url": "https://example.com/hooks", "eventTypes": ["company.created"]},
        )
        assert created.status_code == 201
        body = created.json()
        assert body["secret"].startswith("whsec_")
        assert body["eventTypes"] == ["company.created"]
        assert body["enabled"] is True
        shown = api.get(f"/api/webhooks/endpoints/{body['id']}").json()
        assert "secret" not in shown
        listed = api.get("/api/webhooks/endpoints").json()
        assert body["secret"] not in str(listed)
        assert body["secret"] not in Endpoint.objects.get().secret_ciphertext

    def test_a_bad_url_is_400_naming_the_field(self, api):
        response = api.post("/api/webhooks/endpoints", {"url": "ftp://example.com/x"})
        assert response.status_code == 400
        assert response.json()["validation"]["errors"][0]["itemId"] == "url"

    def test_a_nul_in_the_description_is_400_naming_the_field(self, api):
        """PostgreSQL cannot store one: refused with a clear error, never a 500."""
        response = api.post(
            "/api/webhooks/endpoints",
            {"url": "https://example.com/x", "description": "CRM\u0000"},
        )
        assert response.status_code == 400
        assert response.json()["validation"]["errors"][0]["itemId"] == "description"
        assert not Endpoint.objects.exists()

    def test_an_unknown_event_type_is_400(self, api):
        response = api.post(
            "/api/webhooks/endpoints",
            {"url": "https://example.com/x", "eventTypes": ["company.exploded"]},
        )
        assert response.status_code == 400
        assert "eventTypes" in response.content.decode()

    def test_it_updates_rotates_and_deletes(self, api):
        created = api.post("/api/webhooks/endpoints", {"url": "https://example.com/a"}).json()
        path = f"/api/webhooks/endpoints/{created['id']}"
        patched = api.patch(path, {"enabled": False, "description": "Paused"}).json()
        assert (patched["enabled"], patched["description"]) == (False, "Paused")
        assert patched["url"] == "https://example.com/a"
        rotated = api.post(f"{path}/rotate-secret").json()
        assert rotated["secret"].startswith("whsec_")
        assert rotated["secret"] != created["secret"]
        assert api.delete(path).status_code == 204
        assert api.get(path).status_code == 404

    def test_it_requires_a_key(self, client, db):
        assert client.get("/api/webhooks/endpoints").status_code == 401
