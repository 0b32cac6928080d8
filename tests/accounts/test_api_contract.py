"""Real payroll-account calls, checked against the API's own OpenAPI document.

The schemathesis run in tests/api/test_schema.py generates requests with random ids, which
reach the 4xx branches; these cases reach the success branches, with real accounts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from accounts import services
from tests.support import TEAL_SAMPLE_REQUEST, make_account

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture
def app() -> Iterator[WSGIHandler]:
    # As the test client does: keep the connection that holds the test's transaction open.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def call(app, api_key):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)

    def call(method: str, path: str, status: int, **parts):
        case = schema[path][method].Case(headers={"X-API-KEY": api_key[1]}, **parts)
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == status, response.text
        return response.json() if response.text else None

    return call


def test_create_get_list_and_delete(call, company):
    body = {**TEAL_SAMPLE_REQUEST, "user_id": str(company.id)}
    account = call("POST", "/api/accounts", 201, body=body)
    ids = {"account_id": account["account_id"]}
    call("GET", "/api/accounts/{account_id}", 200, path_parameters=ids)
    call("GET", "/api/accounts", 200, query={"user_id": str(company.id), "page_size": 1})
    call("DELETE", "/api/accounts/{account_id}", 204, path_parameters=ids)


def test_an_oauth_account(call, company):
    body = {"user_id": str(company.id), "payroll_provider": "gusto"}
    assert call("POST", "/api/accounts", 201, body=body)["authorization_url"]


def test_the_mfa_answers(call, company):
    waiting = make_account(company, user_name="john+sms@company.com")
    services.account_verify(account_id=waiting.account_id)
    ids = {"account_id": str(waiting.account_id)}
    path = "/api/accounts/{account_id}/mfa"
    call("PUT", path, 400, path_parameters=ids, body={"mfa": "000000"})
    connected = call("PUT", path, 200, path_parameters=ids, body={"mfa": "123456"})
    assert connected["mfa_method"] == {"type": "Code", "source": "SMS"}
    call("PUT", path, 409, path_parameters=ids, body={"mfa": "123456"})


def test_a_connected_account_with_a_pay_date(call, company):
    account = make_account(company, status="CONNECTED")
    services.account_pull_payroll(account_id=account.account_id)
    body = call(
        "GET", "/api/accounts/{account_id}", 200, path_parameters={"account_id": str(account.pk)}
    )
    assert body["latest_pay_date"].endswith("T00:00:00.000Z")
