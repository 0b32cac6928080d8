"""The rate limit per API key: past it, a 429 with Retry-After and the JSON error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.cache import cache

from portal.services import api_key_create
from tests.support import PROJECT_ROOT, ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limit_of_three(settings):
    settings.API_RATE_LIMIT = "3/minute"
    cache.clear()
    yield
    cache.clear()


class TestRateLimit:
    def test_the_call_past_the_limit_is_a_429_with_retry_after(self, api):
        for _ in range(3):
            assert api.get("/api/companies").status_code == 200
        response = api.get("/api/companies")
        assert response.status_code == 429
        assert response["Content-Type"].startswith("application/json")
        retry_after = int(response["Retry-After"])
        assert 1 <= retry_after <= 60
        assert response.json() == {
            "statusCode": 429,
            "error": f"Too many requests with this API key. Retry after {retry_after} seconds.",
        }

    def test_every_call_counts_whatever_the_endpoint(self, api, company):
        api.get("/api/companies")
        api.get(f"/api/companies/{company.id}")
        api.post("/api/companies", {"name": "Wombat Works"})
        assert api.get("/api/accounts").status_code == 429

    def test_another_key_is_not_affected(self, api):
        for _ in range(4):
            api.get("/api/companies")
        other = ApiClient(api_key_create(name="other service")[1])
        assert other.get("/api/companies").status_code == 200

    def test_calls_without_a_valid_key_are_not_counted_against_it(self, api):
        for _ in range(5):
            assert ApiClient("cw_wrong").get("/api/companies").status_code == 401
        assert api.get("/api/companies").status_code == 200

    def test_an_empty_limit_turns_it_off(self, api, settings):
        settings.API_RATE_LIMIT = ""
        for _ in range(5):
            assert api.get("/api/companies").status_code == 200

    def test_the_429_is_documented(self, client):
        operation = client.get("/api/openapi.json").json()["paths"]["/api/companies"]["get"]
        schema = operation["responses"]["429"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorOut"}


@pytest.mark.parametrize("rate", ["600", "600/fortnight", "0/minute", "many/minute"])
def test_a_bad_limit_is_a_clear_error_at_start(rate):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "API_RATE_LIMIT": rate},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"API_RATE_LIMIT is '{rate}': use a count and a period" in result.stderr
