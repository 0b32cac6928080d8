"""Every error under /api/ is JSON in Codat's shape, also those that never reach an endpoint:
unknown paths, wrong methods, oversized or malformed bodies, text that is not text."""

from __future__ import annotations

import json

import pytest

from accounts.models import PayrollAccount
from companies.models import Company
from tests.support import TEAL_SAMPLE_REQUEST

pytestmark = pytest.mark.django_db


def with_surrogate(body: dict) -> bytes:
    """The body as JSON, each "@@" replaced by the escape of half a UTF-16 pair: valid JSON,
    but no character at all."""
    return json.dumps(body).replace("@@", "\\ud800").encode()


def error_of(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["statusCode"] == status
    assert body["error"]
    return body


def item_ids(body: dict) -> list[str]:
    return [item["itemId"] for item in body["validation"]["errors"]]


class TestUnpairedSurrogates:
    def test_in_a_company_description_it_is_a_400_naming_the_field(self, api):
        raw = with_surrogate({"name": "Wombat Works", "description": "Hi @@"})
        body = error_of(api.post("/api/companies", raw=raw), 400)
        assert item_ids(body) == ["description"]
        assert "surrogate" in body["validation"]["errors"][0]["message"]
        assert not Company.objects.exists()

    def test_in_a_company_update_it_is_a_400(self, api, company):
        raw = with_surrogate({"description": "@@"})
        body = error_of(api.patch(f"/api/companies/{company.id}", raw=raw), 400)
        assert item_ids(body) == ["description"]
        company.refresh_from_db()
        assert company.description == "Platypuses are venomous mammals"

    @pytest.mark.parametrize("field", ["password", "user_name"])
    def test_in_payroll_credentials_it_is_a_400(self, api, company, field):
        raw = with_surrogate({**TEAL_SAMPLE_REQUEST, "user_id": str(company.id), field: "x@@"})
        body = error_of(api.post("/api/accounts", raw=raw), 400)
        assert item_ids(body) == [field]
        assert not PayrollAccount.objects.exists()

    def test_the_path_of_a_nested_field_is_named(self, api):
        raw = with_surrogate({"name": "Wombat Works", "extra": [{"deep": "@@"}]})
        assert item_ids(error_of(api.post("/api/companies", raw=raw), 400)) == ["extra.0.deep"]

    def test_in_a_field_name_it_is_a_400(self, api):
        raw = with_surrogate({"name": "Wombat Works", "@@": 1})
        assert item_ids(error_of(api.post("/api/companies", raw=raw), 400)) == ["body"]

    def test_as_raw_bytes_it_is_a_400_too(self, api):
        # The surrogate encoded as UTF-8 would be (CESU-8); json.loads decodes it as is.
        raw = b'{"name": "Wombat Works", "description": "\xed\xa0\x80"}'
        assert item_ids(error_of(api.post("/api/companies", raw=raw), 400)) == ["description"]

    def test_a_surrogate_pair_is_a_character_and_is_kept(self, api):
        raw = b'{"name": "Wombat Works", "description": "Hi \\ud83e\\udd98"}'
        response = api.post("/api/companies", raw=raw)
        assert response.status_code == 201
        assert response.json()["description"] == "Hi \N{KANGAROO}"


class TestErrorsOutsideTheEndpoints:
    def test_an_unknown_path_is_a_json_404(self, api):
        body = error_of(api.get("/api/nothing-here"), 404)
        assert "/api/nothing-here" in body["error"]

    def test_an_unknown_path_is_a_json_404_without_a_key_too(self, client):
        error_of(client.get("/api/companies/x/y/z/w"), 404)

    def test_a_trailing_slash_gets_a_hint(self, api):
        body = error_of(api.get("/api/companies/"), 404)
        assert "Leave out the trailing slash: /api/companies." in body["error"]

    def test_a_json_404_in_development_too(self, api, settings):
        # With DEBUG on, Django answers an unknown path with its own debug page.
        settings.DEBUG = True
        error_of(api.get("/api/nothing-here"), 404)

    def test_a_wrong_method_is_a_json_405_with_allow(self, api):
        body = error_of(api.put("/api/companies", {"name": "Wombat Works"}), 405)
        assert body["error"] == "PUT is not allowed on /api/companies; it allows GET, POST."
        assert sorted(response_methods(api.put("/api/companies"))) == ["GET", "POST"]

    def test_a_body_over_the_limit_is_a_json_413(self, api, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        body = error_of(api.post("/api/companies", {"name": "a" * 2000}), 413)
        assert body["error"] == "The request body is larger than the 1000 bytes limit."
        assert not Company.objects.exists()

    def test_the_default_limit_is_named_in_megabytes(self, api):
        body = error_of(api.post("/api/companies", {"name": "a" * 2_000_000}), 413)
        assert body["error"] == "The request body is larger than the 1 MB limit."

    @pytest.mark.parametrize("raw", [b"{", b'{"name": ', b"\xff\xfe{}"])
    def test_malformed_json_is_a_json_400(self, api, raw):
        body = error_of(api.post("/api/companies", raw=raw), 400)
        assert body["error"] == "The request body is not valid JSON."

    def test_a_portal_404_stays_an_html_page(self, manager_client):
        response = manager_client.get("/companies/not-a-page/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")


def response_methods(response) -> list[str]:
    return [method.strip() for method in response["Allow"].split(",")]
