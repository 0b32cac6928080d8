"""Every error under /api/ is JSON in Codat's shape, also those that never reach an endpoint:
unknown paths, wrong methods, oversized or malformed bodies, text that is not text."""

from __future__ import annotations

import json

import pytest

from accounts.models import PayrollAccount
from companies.models import Company
from tests.accounts.conftest import TEAL_SAMPLE_REQUEST

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
