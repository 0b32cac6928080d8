"""/api/accounts: list, get, delete, the MFA code, and bad input (always a 4xx, never a 500)."""

from __future__ import annotations

import uuid

import pytest

from accounts import services
from accounts.models import PayrollAccount
from companies import services as company_services
from companies.models import ActivityEntry
from tests.support import TEAL_SAMPLE_REQUEST, ApiClient, make_account

pytestmark = pytest.mark.django_db


def body_for(company, **changes) -> dict:
    return {**TEAL_SAMPLE_REQUEST, "user_id": str(company.id), **changes}


def error_items(response) -> dict[str, str]:
    return {item["itemId"]: item["message"] for item in response.json()["validation"]["errors"]}


class TestCreate:
    def test_it_is_logged_as_done_by_the_key(self, api, company):
        api.post("/api/accounts", body_for(company))
        entry = ActivityEntry.objects.get(action="payroll.created")
        assert entry.actor_kind == "api_key"
        assert entry.actor_label.startswith("API key sign-up service (cw_")
        assert entry.company == company

    def test_an_unknown_user_id_is_a_404(self, api, company):
        unknown = uuid.uuid4()
        r = api.post("/api/accounts", body_for(company, user_id=str(unknown)))
        assert r.status_code == 404
        assert r.json()["statusCode"] == 404
        assert r.json()["error"] == f"No user (company) has the id {unknown}."
        assert not PayrollAccount.objects.exists()

    def test_a_user_id_that_is_not_a_uuid_is_a_400_naming_it(self, api, company):
        r = api.post("/api/accounts", body_for(company, user_id="not-a-uuid"))
        assert r.status_code == 400
        assert "user_id" in error_items(r)

    def test_an_unknown_provider_is_a_400_naming_the_supported_ones(self, api, company):
        r = api.post("/api/accounts", body_for(company, payroll_provider="xero"))
        assert r.status_code == 400
        message = error_items(r)["payroll_provider"]
        assert message == (
            "Unknown payroll provider “xero”. Supported providers: adp, gusto, paychex, quickbooks."
        )
        assert r.json()["error"] == message

    @pytest.mark.parametrize("missing", ["user_name", "password"])
    def test_missing_credentials_for_a_password_provider_are_a_400(self, api, company, missing):
        body = body_for(company)
        del body[missing]
        r = api.post("/api/accounts", body)
        assert r.status_code == 400
        assert error_items(r) == {
            missing: f"QuickBooks Payroll signs in with a user name and password: give the "
            f"{missing.replace('_', ' ')}."
        }
        assert not PayrollAccount.objects.exists()

    def test_empty_credentials_count_as_missing(self, api, company):
        r = api.post("/api/accounts", body_for(company, user_name="", password=""))
        assert r.status_code == 400
        assert set(error_items(r)) == {"user_name", "password"}

    def test_a_password_for_an_oauth_provider_is_refused(self, api, company):
        r = api.post("/api/accounts", body_for(company, payroll_provider="gusto"))
        assert r.status_code == 400
        assert "uses OAuth2: send no password" in error_items(r)["password"]

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"user_name": "john\x00smith"}, "user_name"),
            ({"user_name": "john\nsmith"}, "user_name"),
            ({"password": "very\x00secret"}, "password"),
            ({"payroll_provider": "quick\x00books"}, "payroll_provider"),
            ({"user_name": "a" * 256}, "user_name"),
            ({"password": "a" * 1001}, "password"),
            ({"payroll_provider": "q" * 51}, "payroll_provider"),
            ({"user_name": 42}, "user_name"),
            ({"password": ["a"]}, "password"),
            ({"payroll_provider": None}, "payroll_provider"),
            ({"user_id": 7}, "user_id"),
            ({"user_id": None}, "user_id"),
            ({"extra": "field"}, "extra"),
        ],
    )
    def test_bad_fields_are_400s_naming_the_field(self, api, company, changes, field):
        r = api.post("/api/accounts", body_for(company, **changes))
        assert r.status_code == 400, r.content
        assert r.json()["statusCode"] == 400
        assert field in error_items(r)
        assert not PayrollAccount.objects.exists()

    def test_a_huge_body_is_refused(self, api, company):
        r = api.post("/api/accounts", body_for(company, user_name="a" * 2_000_000))
        assert 400 <= r.status_code < 500

    @pytest.mark.parametrize("raw", [b"", b"{", b"[]", b'"x"', b"\x00", b'{"user_id": '])
    def test_malformed_json_is_a_400(self, api, raw):
        r = api.post("/api/accounts", raw=raw)
        assert r.status_code == 400

    def test_it_needs_a_key(self, company):
        r = ApiClient(None).post("/api/accounts", body_for(company))
        assert r.status_code == 401
        assert r.json()["statusCode"] == 401


class TestListAndGet:
    @pytest.fixture
    def other_company(self, db):
        return company_services.company_create(name="Wombat Works")

    def test_it_lists_newest_first_with_pages(self, api, company):
        accounts = [make_account(company, user_name=f"user{n}@example.com") for n in range(3)]
        r = api.get("/api/accounts", {"page_size": 2})
        assert r.status_code == 200
        body = r.json()
        assert [a["user_name"] for a in body["results"]] == [
            "user2@example.com",
            "user1@example.com",
        ]
        assert (body["page_number"], body["page_size"], body["total_results"]) == (1, 2, 3)
        assert body["_links"]["next"] == {"href": "/api/accounts?page=2&page_size=2"}
        assert "previous" not in body["_links"] or body["_links"]["previous"] is None
        second = api.get("/api/accounts", {"page": 2, "page_size": 2}).json()
        assert [a["account_id"] for a in second["results"]] == [str(accounts[0].account_id)]
        assert second["_links"]["previous"] == {"href": "/api/accounts?page=1&page_size=2"}

    def test_it_filters_by_user_id_and_status(self, api, company, other_company):
        mine = make_account(company, status="CONNECTED")
        make_account(company, status="INVALID_CREDENTIALS")
        make_account(other_company, status="CONNECTED")
        r = api.get("/api/accounts", {"user_id": str(company.id), "status": "CONNECTED"})
        assert [a["account_id"] for a in r.json()["results"]] == [str(mine.account_id)]
        assert api.get("/api/accounts", {"user_id": str(uuid.uuid4())}).json()["results"] == []

    @pytest.mark.parametrize(
        "params",
        [
            {"user_id": "nope"},
            {"status": "LINKED"},
            {"page": 0},
            {"page_size": 1001},
            {"page": "x"},
        ],
    )
    def test_bad_filters_are_400s(self, api, params):
        r = api.get("/api/accounts", params)
        assert r.status_code == 400
        assert set(error_items(r)) == set(params)

    def test_it_gets_one(self, api, company):
        account = make_account(company)
        r = api.get(f"/api/accounts/{account.account_id}")
        assert r.status_code == 200
        assert r.json()["account_id"] == str(account.account_id)

    def test_an_unknown_account_is_a_404(self, api):
        unknown = uuid.uuid4()
        r = api.get(f"/api/accounts/{unknown}")
        assert r.status_code == 404
        assert r.json()["error"] == f"No payroll account has the id {unknown}."

    @pytest.mark.parametrize("bad", ["not-a-uuid", "1234", "%00", "x" * 300])
    def test_a_bad_account_id_is_a_400_naming_it(self, api, bad):
        r = api.get(f"/api/accounts/{bad}")
        assert r.status_code == 400
        assert "account_id" in error_items(r)


class TestDelete:
    def test_it_deletes_and_logs(self, api, company):
        account = make_account(company)
        r = api.delete(f"/api/accounts/{account.account_id}")
        assert r.status_code == 204
        assert not PayrollAccount.objects.exists()
        assert ActivityEntry.objects.filter(action="payroll.deleted").exists()
        assert api.delete(f"/api/accounts/{account.account_id}").status_code == 404


class TestMfa:
    @pytest.fixture
    def waiting(self, company) -> PayrollAccount:
        account = make_account(company, user_name="john.smith+mfa@company.com")
        return services.account_verify(account_id=account.account_id)

    def test_the_right_code_connects(self, api, waiting):
        r = api.put(f"/api/accounts/{waiting.account_id}/mfa", {"mfa": "123456"})
        assert r.status_code == 200
        body = r.json()
        assert body["status"] == "CONNECTED"
        assert body["mfa_enabled"] is True
        assert body["mfa_method"] == {"type": "Code", "source": "AUTHENTICATOR_APP"}

    def test_a_wrong_code_is_a_400_and_it_stays_waiting(self, api, waiting):
        r = api.put(f"/api/accounts/{waiting.account_id}/mfa", {"mfa": "654321"})
        assert r.status_code == 400
        assert error_items(r) == {"mfa": "QuickBooks Payroll refused the code. 2 tries left."}
        assert api.get(f"/api/accounts/{waiting.account_id}").json()["status"] == "MFA_REQUIRED"

    def test_too_many_wrong_codes_make_the_credentials_invalid(self, api, waiting):
        for _ in range(3):
            r = api.put(f"/api/accounts/{waiting.account_id}/mfa", {"mfa": "000000"})
            assert r.status_code == 400
        assert "now INVALID_CREDENTIALS" in r.json()["error"]
        status = api.get(f"/api/accounts/{waiting.account_id}").json()["status"]
        assert status == "INVALID_CREDENTIALS"
        r = api.put(f"/api/accounts/{waiting.account_id}/mfa", {"mfa": "123456"})
        assert r.status_code == 409

    def test_an_account_not_waiting_for_a_code_is_a_409(self, api, company):
        account = make_account(company, status="CONNECTED")
        r = api.put(f"/api/accounts/{account.account_id}/mfa", {"mfa": "123456"})
        assert r.status_code == 409
        assert "this one is CONNECTED" in r.json()["error"]

    @pytest.mark.parametrize(
        "body", [{}, {"mfa": 123456}, {"mfa": "1" * 21}, {"mfa": "1", "x": 1}, {"code": "123456"}]
    )
    def test_a_bad_body_is_a_400(self, api, waiting, body):
        r = api.put(f"/api/accounts/{waiting.account_id}/mfa", body)
        assert r.status_code == 400
        waiting.refresh_from_db()
        assert waiting.mfa_attempts == 0  # not counted as a try

    def test_unknown_and_bad_ids(self, api):
        assert api.put(f"/api/accounts/{uuid.uuid4()}/mfa", {"mfa": "1"}).status_code == 404
        assert api.put("/api/accounts/nope/mfa", {"mfa": "1"}).status_code == 400
