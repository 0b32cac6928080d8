from __future__ import annotations

import re
import uuid

import pytest

from companies import services
from companies.models import ActivityEntry, Company, DataConnection

pytestmark = pytest.mark.django_db

SAMPLE = {"name": "Platypus Properties", "description": "Platypuses are venomous mammals"}
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


class TestCreateCompany:
    def test_the_codat_sample_request_gives_the_sample_response(self, api):
        response = api.post("/api/companies", SAMPLE)
        assert response.status_code == 201
        body = response.json()
        assert set(body) == {"id", "name", "description", "redirect", "dataConnections", "created"}
        assert UUID4.match(body["id"])
        assert body["name"] == "Platypus Properties"
        assert body["description"] == "Platypuses are venomous mammals"
        assert body["dataConnections"] == []
        assert re.match(r"^http://127\.0\.0\.1:8000/link/[^/]+/$", body["redirect"])
        company = Company.objects.get(pk=body["id"])
        assert company.name == "Platypus Properties"

    def test_the_redirect_opens_the_link_page(self, api, client):
        body = api.post("/api/companies", SAMPLE).json()
        page = client.get(body["redirect"].removeprefix("http://127.0.0.1:8000"))
        assert page.status_code == 200
        assert b"Platypus Properties" in page.content

    def test_it_names_the_offending_characters(self, api):
        response = api.post("/api/companies", {"name": "Bad <Name>/"})
        assert response.status_code == 400
        body = response.json()
        assert body["statusCode"] == 400
        assert "“<”" in body["error"] and "“>”" in body["error"] and "“/”" in body["error"]
        assert body["validation"]["errors"][0]["itemId"] == "name"

    def test_the_company_page_says_which_key_created_it(self, api, api_key, manager_client):
        body = api.post("/api/companies", SAMPLE).json()
        assert Company.objects.get(pk=body["id"]).created_by_api_key == api_key[0]
        page = manager_client.get(f"/companies/{body['id']}/").content.decode()
        assert f"by API key {api_key[0]}" in page

    def test_it_is_logged_as_done_by_the_key(self, api, api_key):
        body = api.post("/api/companies", SAMPLE).json()
        entry = ActivityEntry.objects.get(company_id=body["id"])
        assert entry.actor_label == f"API key {api_key[0]}"
        assert api_key[1] not in entry.actor_label


class TestAuth:
    def test_a_missing_key_is_401(self, db):
        from tests.support import ApiClient

        response = ApiClient(None).get("/api/companies")
        assert response.status_code == 401
        assert response.json() == {
            "statusCode": 401,
            "error": "The X-API-KEY header is missing. Create a key in Settings > API keys.",
        }

    def test_an_unknown_key_is_401(self, db):
        from tests.support import ApiClient

        response = ApiClient("cw_00000000_nope").get("/api/companies")
        assert response.status_code == 401

    def test_a_revoked_key_is_401(self, api, api_key):
        from portal.services import api_key_revoke

        api_key_revoke(api_key=api_key[0])
        assert api.get("/api/companies").status_code == 401


class TestConnectionsApi:
    def test_create_list_get_unlink_delete(self, api):
        company = api.post("/api/companies", SAMPLE).json()
        base = f"/api/companies/{company['id']}/connections"
        created = api.post(base, {"platformKey": "xero"})
        assert created.status_code == 201
        connection = created.json()
        assert connection["status"] == "PendingAuth"
        assert connection["integrationKey"] == "xero"
        assert connection["platformName"] == "Xero"
        # Issued with each response, so the same company's URL, perhaps a second later.
        assert re.match(
            r"^http://127\.0\.0\.1:8000/link/[^/]+/\?_platform=xero$", connection["linkUrl"]
        )

        again = api.post(base, {"platformKey": "xero"})
        assert again.status_code == 200
        assert again.json()["id"] == connection["id"]

        listing = api.get(base).json()
        assert listing["totalResults"] == 1

        conflict = api.patch(f"{base}/{connection['id']}", {"status": "Unlinked"})
        assert conflict.status_code == 409
        assert "Only a Linked connection" in conflict.json()["error"]

        DataConnection.objects.filter(pk=connection["id"]).update(status="Linked")
        unlinked = api.patch(f"{base}/{connection['id']}", {"status": "Unlinked"})
        assert unlinked.status_code == 200
        assert unlinked.json()["status"] == "Unlinked"

        assert api.delete(f"{base}/{connection['id']}").status_code == 204
        assert api.get(f"{base}/{connection['id']}").status_code == 404

    def test_an_unknown_platform_names_the_supported_ones(self, api, company):
        response = api.post(f"/api/companies/{company.id}/connections", {"platformKey": "nope"})
        assert response.status_code == 400
        assert "xero" in response.json()["error"]


class TestBadInput:
    @pytest.mark.parametrize(
        "raw",
        [
            b"{not json",
            b'{"name": 123}',
            b'{"name": "A", "extra": 1}',
            b"[]",
            b'"x"',
            b"{}",
            b'{"name": "A\\u0000B"}',
            b'{"name": "ok", "description": "a\\u0000"}',
        ],
    )
    def test_bad_bodies_are_400(self, api, raw):
        response = api.post("/api/companies", raw=raw)
        assert response.status_code == 400, response.content
        assert response.json()["statusCode"] == 400

    def test_a_1mb_body_is_refused(self, api):
        raw = b'{"name": "' + b"a" * (1024 * 1024 + 10) + b'"}'
        response = api.post("/api/companies", raw=raw)
        assert 400 <= response.status_code < 500
        assert Company.objects.count() == 0

    @pytest.mark.parametrize(
        "company_id", ["not-a-uuid", "123", "00000000-0000-0000-0000-00000000000g"]
    )
    def test_bad_ids_are_400_naming_the_field(self, api, company_id):
        response = api.get(f"/api/companies/{company_id}")
        assert response.status_code == 400
        assert response.json()["validation"]["errors"][0]["itemId"] == "companyId"

    def test_unknown_ids_are_404(self, api):
        response = api.get(f"/api/companies/{uuid.uuid4()}")
        assert response.status_code == 404
        assert response.json()["statusCode"] == 404


class TestList:
    def test_pagination_and_links(self, api):
        for n in range(5):
            services.company_create(name=f"Company {n}")
        body = api.get("/api/companies", {"page": 2, "pageSize": 2, "orderBy": "name"}).json()
        assert [c["name"] for c in body["results"]] == ["Company 2", "Company 3"]
        assert body["pageNumber"] == 2 and body["pageSize"] == 2 and body["totalResults"] == 5
        links = body["_links"]
        assert links["self"] == {"href": "/api/companies"}
        assert links["next"]["href"] == "/api/companies?orderBy=name&page=3&pageSize=2"
        assert links["previous"]["href"] == "/api/companies?orderBy=name&page=1&pageSize=2"
