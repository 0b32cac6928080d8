"""The API against its own OpenAPI schema, and its docs.

Schemathesis generates requests for every operation in /api/openapi.json and sends them,
in-process, through Django's WSGI app with a valid X-API-KEY: no answer may be a 5xx, every
status code must be documented and every body must match the documented schema.
"""

from __future__ import annotations

import re
import zlib
from contextlib import contextmanager

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from companies import services
from companies.models import DataConnection
from portal.api import api as ninja_api

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


class KeyedWSGIHandler(WSGIHandler):
    """Django's WSGI app, with the test's API key on every request.

    Putting the key in the WSGI environ, rather than in the case's headers, means it also
    reaches the cases schemathesis generates without the X-API-KEY header (a negative case
    for a "missing header"): every case is authenticated, so the generated data, not the
    key, decides the answer.
    """

    api_key = ""

    def __call__(self, environ, start_response):
        if self.api_key:
            environ["HTTP_X_API_KEY"] = self.api_key
        return super().__call__(environ, start_response)


@contextmanager
def connections_kept_open():
    """What Django's test client does around each request: without it the handler's
    request_started/request_finished signals close the database connection, and with it
    the transaction the test runs in (or reach for a connection while the database is
    blocked, outside a test that may use it)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def wsgi_app() -> KeyedWSGIHandler:
    return KeyedWSGIHandler()


@pytest.fixture(scope="module")
def api_schema(wsgi_app):
    # Loading the schema needs neither a key nor the database.
    with connections_kept_open():
        return schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)


@pytest.fixture
def authenticated_app(wsgi_app, api_key, settings):
    """The app, sending the key created in this test's transaction."""
    # Hundreds of generated calls with one key in a few seconds: the rate limit has its own
    # tests (tests/api/test_rate_limit.py).
    settings.API_RATE_LIMIT = ""
    name = str(connection.settings_dict["NAME"])
    assert "memorydb" in name or name.startswith("test_"), f"not the test database: {name}"
    wsgi_app.api_key = api_key[1]
    with connections_kept_open():
        yield wsgi_app
    wsgi_app.api_key = ""


@pytest.fixture(scope="module")
def positive_api_schema(wsgi_app):
    with connections_kept_open():
        loaded = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    # ASCII text: the name's pattern is exact for ASCII only (see companies.api).
    loaded.config.generation.update(modes=[GenerationMode.POSITIVE], codec="ascii")
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")
positive_schema = schemathesis.pytest.from_fixture("positive_api_schema")


def uses_real_ids(case) -> bool:
    """About half the cases with path parameters, chosen from the generated values, so
    the choice is as deterministic as the generation. (Not `@schema.given(st.booleans())`:
    schemathesis refuses to combine that with the examples in the schema.)"""
    values = repr(sorted((case.path_parameters or {}).items()))
    return bool(case.path_parameters) and zlib.crc32(values.encode()) % 2 == 0


# Schemathesis runs every operation as a subtest of this one test item, so the fixtures, the
# key and the `db` transaction are shared by all generated cases of all operations: rows one
# case creates are visible to the next. That is harmless here (the checks look at each
# response on its own) and everything is rolled back at the end.
# The mark, not just the `db` fixture under `api_key`, is needed: it makes pytest-django set
# up the test database before the other fixtures; without it the cases ran against the
# development database (inside a rolled-back transaction, but still).
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_conforms_to_its_schema(case, authenticated_app):
    if uses_real_ids(case):
        use_real_ids(case)
        if isinstance(case.body, dict) and "platformKey" in case.body:
            case.body["platformKey"] = "sage"
    case.call_and_validate(checks=CHECKS)


def use_real_ids(case) -> None:
    """Random UUIDs only ever reach the 404 branch: use rows that exist."""
    company = services.company_create(name="Schema Test Company")
    linked = DataConnection.objects.create(
        company=company, platform="xero", status=DataConnection.Status.LINKED
    )
    ids = {"companyId": str(company.id), "connectionId": str(linked.id)}
    for name in ids.keys() & case.path_parameters.keys():
        case.path_parameters[name] = ids[name]
    if isinstance(case.body, dict) and "user_id" in case.body:
        case.body["user_id"] = str(company.id)


# Refusals the schema cannot foresee: a row that does not exist, a state that forbids the
# change (409), and the credentials a payroll provider needs, which depend on the provider
# (a password for some, none for OAuth2 ones; the operation's description says which).
STATE_STATUSES = {404, 409}
PROVIDER_DEPENDENT_FIELDS = {"user_name", "password"}


def is_refused_for_state(case, response) -> bool:
    if response.status_code in STATE_STATUSES:
        return True
    if response.status_code == 400 and case.operation.path == "/api/accounts":
        items = response.json().get("validation", {}).get("errors", [])
        return bool(items) and {item["itemId"] for item in items} <= PROVIDER_DEPENDENT_FIELDS
    return False


# Positive data only: every request the schema allows must be accepted, or refused for the
# state of the data alone. (What schemathesis calls "accepted by schema, rejected by server".)
@pytest.mark.django_db
@positive_schema.parametrize()
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_requests_the_schema_allows_are_accepted(case, authenticated_app):
    # Every new payroll account names a real company: a random one is only ever a 404.
    names_a_company = isinstance(case.body, dict) and "user_id" in case.body
    if uses_real_ids(case) or names_a_company:
        use_real_ids(case)
    response = case.call()
    assert response.status_code < 400 or is_refused_for_state(case, response), (
        f"{case.operation.label} refused data its schema allows: {response.status_code} "
        f"{response.text[:500]}\n{case.as_curl_command()}"
    )


class TestDocs:
    def test_the_docs_page_uses_the_bundled_assets(self, client):
        response = client.get("/api/docs")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert "/api/openapi.json" in html
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert "/static/ninja/swagger-ui-bundle.js" in assets
        assert "/static/ninja/swagger-ui.css" in assets
        for asset in assets:
            assert asset.startswith("/static/"), asset
            assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a static file"
        assert "cdn." not in html and "jsdelivr" not in html and "unpkg" not in html

    def test_the_schema_needs_no_key(self, client):
        response = client.get("/api/openapi.json")
        assert response.status_code == 200
        assert response.json()["components"]["securitySchemes"] == {
            "ApiKeyAuth": {"type": "apiKey", "in": "header", "name": "X-API-KEY"}
        }


EXPECTED_OPERATIONS = {
    ("post", "/api/companies"): {201, 400, 401, 409},
    ("get", "/api/companies"): {200, 400, 401},
    ("get", "/api/companies/{companyId}"): {200, 400, 401, 404},
    ("patch", "/api/companies/{companyId}"): {200, 400, 401, 404},
    ("delete", "/api/companies/{companyId}"): {204, 400, 401, 404},
    ("post", "/api/companies/{companyId}/link-url"): {200, 400, 401, 404},
    ("get", "/api/companies/{companyId}/connections"): {200, 400, 401, 404},
    ("post", "/api/companies/{companyId}/connections"): {200, 201, 400, 401, 404},
    ("get", "/api/companies/{companyId}/connections/{connectionId}"): {200, 400, 401, 404},
    ("patch", "/api/companies/{companyId}/connections/{connectionId}"): {
        200,
        400,
        401,
        404,
        409,
    },
    ("delete", "/api/companies/{companyId}/connections/{connectionId}"): {204, 400, 401, 404},
}


class TestOpenApiDocument:
    @pytest.fixture(scope="class")
    def document(self) -> dict:
        return ninja_api.get_openapi_schema()

    def test_every_operation_is_listed(self, document):
        listed = {
            (method, path)
            for path, operations in document["paths"].items()
            for method in operations
        }
        assert EXPECTED_OPERATIONS.keys() <= listed

    @pytest.mark.parametrize(
        ("method", "path"), sorted(EXPECTED_OPERATIONS), ids=lambda value: str(value)
    )
    def test_every_status_code_is_documented(self, document, method, path):
        operation = document["paths"][path][method]
        documented = {int(code) for code in operation["responses"]}
        assert EXPECTED_OPERATIONS[method, path] <= documented
        assert operation["security"] == [{"ApiKeyAuth": []}]

    def test_every_operation_documents_its_error_codes(self, document):
        # Also the endpoints not in the table above: every call can fail validation (400)
        # and authentication (401); one naming a resource by id can find none (404).
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                # Integer keys here; strings once serialised to /api/openapi.json.
                responses = {int(code): value for code, value in operation["responses"].items()}
                documented = set(responses)
                expected = {400, 401} | ({404} if "{" in path else set())
                assert expected <= documented, f"{method.upper()} {path}: {documented}"
                assert operation["security"] == [{"ApiKeyAuth": []}], f"{method} {path}"
                for code in expected:
                    content = responses[code]["content"]
                    ref = content["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ErrorOut", f"{method} {path} {code}"

    def test_errors_have_the_codat_shape(self, document):
        error = document["components"]["schemas"]["ErrorOut"]
        assert set(error["required"]) == {"statusCode", "error"}
        assert {"statusCode", "error", "validation"} <= set(error["properties"])


@pytest.mark.django_db
class TestPatchMatchesItsSchema:
    """PATCH /api/companies/{id}: `name` is an optional string, not a nullable one."""

    def test_the_schema_does_not_allow_a_null_name(self):
        patch = ninja_api.get_openapi_schema()["components"]["schemas"]["CompanyPatch"]
        assert patch["properties"]["name"]["type"] == "string"
        assert "required" not in patch

    def test_a_null_name_is_400_naming_it(self, api, company):
        response = api.patch(f"/api/companies/{company.id}", {"name": None})
        assert response.status_code == 400
        assert [e["itemId"] for e in response.json()["validation"]["errors"]] == ["name"]
        company.refresh_from_db()
        assert company.name == "Platypus Properties"

    def test_leaving_the_name_out_keeps_it(self, api, company):
        response = api.patch(f"/api/companies/{company.id}", {"description": "New"})
        assert response.status_code == 200
        assert response.json()["name"] == "Platypus Properties"
        assert response.json()["description"] == "New"
