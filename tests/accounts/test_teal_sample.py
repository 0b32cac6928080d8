"""Teal's `POST /accounts` document: our request and response match it field for field."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

import pytest

from accounts.models import PayrollAccount
from tests.support import TEAL_SAMPLE_REQUEST, run_worker

# Every field of the documented response, and nothing else.
TEAL_RESPONSE_FIELDS = {
    "account_id",
    "payroll_provider",
    "user_name",
    "status",
    "created_at",
    "mfa_enabled",
    "latest_pay_date",
    "authorization_url",
    "mfa_method",
}
# "2019-05-17T00:00:00.000Z", as in the document.
TEAL_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def sample_body(company) -> dict:
    return {**TEAL_SAMPLE_REQUEST, "user_id": str(company.id)}


class TestTheSample:
    def test_the_sample_request_gives_the_sample_response(self, api, company):
        r = api.post("/api/accounts", sample_body(company))
        assert r.status_code == 201
        body = r.json()
        assert set(body) == TEAL_RESPONSE_FIELDS
        assert "password" not in r.content.decode()
        assert "very-secret-password" not in r.content.decode()

        assert uuid.UUID(body["account_id"]).version == 4
        assert body["payroll_provider"] == "quickbooks"
        assert body["user_name"] == "john.smith@company.com"
        assert body["status"] == "PENDING"
        assert TEAL_DATETIME.fullmatch(body["created_at"])
        assert body["mfa_enabled"] is False
        assert body["latest_pay_date"] is None  # set by the payroll pull, once connected
        assert body["authorization_url"] is None  # QuickBooks Payroll signs in with a password
        assert body["mfa_method"] is None

        account = PayrollAccount.objects.get()
        assert str(account.account_id) == body["account_id"]
        assert account.company == company
        created = datetime.fromisoformat(body["created_at"].replace("Z", "+00:00"))
        assert abs((created - account.created_at).total_seconds()) < 0.001

    def test_the_types_match_the_document(self, api, company):
        body = api.post("/api/accounts", sample_body(company)).json()
        assert isinstance(body["account_id"], str)
        assert isinstance(body["payroll_provider"], str)
        assert isinstance(body["user_name"], str)
        assert isinstance(body["status"], str)
        assert isinstance(body["created_at"], str)
        assert isinstance(body["mfa_enabled"], bool)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestTheSampleOnceVerified:
    def test_a_worker_connects_it_and_the_pull_sets_the_latest_pay_date(self, api, company):
        account_id = api.post("/api/accounts", sample_body(company)).json()["account_id"]
        run_worker()
        body = api.get(f"/api/accounts/{account_id}").json()
        assert set(body) == TEAL_RESPONSE_FIELDS
        assert body["status"] == "CONNECTED"
        assert TEAL_DATETIME.fullmatch(body["latest_pay_date"])
        assert body["latest_pay_date"].endswith("T00:00:00.000Z")

    def test_an_mfa_user_shows_the_documented_mfa_method(self, api, company):
        body = {**sample_body(company), "user_name": "john.smith+mfa@company.com"}
        account_id = api.post("/api/accounts", body).json()["account_id"]
        run_worker()
        body = api.get(f"/api/accounts/{account_id}").json()
        assert body["status"] == "MFA_REQUIRED"
        assert body["mfa_enabled"] is True
        assert body["mfa_method"] == {"type": "Code", "source": "AUTHENTICATOR_APP"}


class TestAnOAuthProvider:
    def test_it_carries_an_authorization_url_shaped_like_the_document(self, api, company):
        r = api.post("/api/accounts", {"user_id": str(company.id), "payroll_provider": "gusto"})
        assert r.status_code == 201
        body = r.json()
        assert set(body) == TEAL_RESPONSE_FIELDS
        assert body["status"] == "PENDING"
        assert body["user_name"] == ""
        # https://provider/authenticate?redirect_url=https://api.teal.com/auth&state=state&scope=read
        url = body["authorization_url"]
        assert url.startswith("http://127.0.0.1:8000/accounts/sandbox/gusto/authorize/?")
        assert "redirect_url=http%3A%2F%2F127.0.0.1%3A8000%2Faccounts%2Foauth%2Fcallback%2F" in url
        assert re.search(r"[?&]state=[^&]+", url)
        assert url.endswith("&scope=read")
