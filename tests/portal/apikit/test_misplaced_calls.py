"""API calls sent to a portal address, without the /api prefix (Teal's sample posts to
`https://…/accounts`): a 404 that names the right path, and the portal pages unchanged."""

from __future__ import annotations

import pytest

from accounts.models import PayrollAccount
from tests.support import TEAL_SAMPLE_REQUEST

pytestmark = pytest.mark.django_db

HINT = "Use POST /api/accounts, with an X-API-KEY header."


@pytest.fixture
def sample(company) -> dict:
    return {**TEAL_SAMPLE_REQUEST, "user_id": str(company.id)}


class TestPostAccountsWithoutApi:
    def test_it_is_a_json_404_naming_the_api_path(self, api, sample):
        response = api.post("/accounts", sample)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert body["statusCode"] == 404
        assert body["error"].endswith(HINT)
        assert not PayrollAccount.objects.exists()

    def test_in_development_it_is_a_404_too(self, api, sample, settings):
        # With DEBUG on, Django's slash-appending crashed on a POST to /accounts.
        settings.DEBUG = True
        response = api.post("/accounts", sample)
        assert response.status_code == 404
        assert response.json()["error"].endswith(HINT)

    def test_with_the_trailing_slash_too(self, api, sample):
        response = api.post("/accounts/", sample)
        assert response.status_code == 404
        assert response.json()["error"].endswith(HINT)

    def test_without_a_key_too(self, client, sample):
        response = client.post("/accounts", sample, content_type="application/json")
        assert response.status_code == 404
        assert response.json()["error"].endswith(HINT)

    def test_an_account_path_names_its_api_twin(self, api):
        path = "/accounts/95a0e70b-fe02-4f47-aef9-2efff279df71/mfa"
        response = api.put(path, {"mfa": "123456"})
        assert response.status_code == 404
        assert response.json()["error"].endswith(f"Use PUT /api{path}, with an X-API-KEY header.")

    def test_companies_get_the_same_hint(self, api):
        response = api.post("/companies", {"name": "Wombat Works"})
        assert response.status_code == 404
        assert "Use POST /api/companies" in response.json()["error"]

    def test_a_browser_gets_the_html_404_page(self, client):
        response = client.post("/accounts", headers={"Accept": "text/html"})
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")


class TestThePortalPagesStay:
    def test_the_staff_accounts_page(self, manager_client):
        response = manager_client.get("/accounts/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")

    def test_accounts_without_the_slash_redirects_to_it(self, manager_client):
        response = manager_client.get("/accounts")
        assert response.status_code == 301
        assert response["Location"] == "/accounts/"

    def test_json_from_a_signed_in_browser_is_left_to_the_portal(self, manager_client):
        response = manager_client.post(
            "/companies/create/", '{"name": "Acme"}', content_type="application/json"
        )
        assert response.status_code != 404
        assert "/api/" not in response.content.decode()
