from __future__ import annotations

import uuid

import pytest

from tests.support import run_worker

pytestmark = pytest.mark.django_db


class TestDataApi:
    def test_queue_all_then_history_then_records(self, api, company, linked):
        queued = api.post(f"/api/companies/{company.id}/data/all")
        assert queued.status_code == 202
        [pull] = queued.json()
        assert pull["status"] == "Queued" and pull["connectionId"] == str(linked.id)

        run_worker()
        done = api.get(f"/api/companies/{company.id}/data/history/{pull['id']}").json()
        assert done["status"] == "Complete"
        assert done["isCompleted"] is True and done["progress"] == 100
        assert done["recordsDone"] == done["recordsTotal"] > 0

        history = api.get(f"/api/companies/{company.id}/data/history").json()
        assert history["totalResults"] == 1

        invoices = api.get(f"/api/companies/{company.id}/data/invoices", {"pageSize": 10}).json()
        assert invoices["pageSize"] == 10 and len(invoices["results"]) == 10
        first = invoices["results"][0]
        assert first["dataType"] == "invoices" and first["id"].startswith("INV-")
        assert "totalAmount" in first["data"]
        assert invoices["_links"]["next"]["href"].startswith(
            f"/api/companies/{company.id}/data/invoices?"
        )

    def test_queue_all_without_linked_connection_is_409(self, api, company):
        response = api.post(f"/api/companies/{company.id}/data/all")
        assert response.status_code == 409
        assert "Link" in response.json()["error"]

    def test_an_unknown_data_type_is_400(self, api, company):
        response = api.get(f"/api/companies/{company.id}/data/widgets")
        assert response.status_code == 400
        assert response.json()["validation"]["errors"][0]["itemId"] == "dataType"

    def test_unknown_pull_and_company_are_404(self, api, company):
        assert (
            api.get(f"/api/companies/{company.id}/data/history/{uuid.uuid4()}").status_code == 404
        )
        assert api.post(f"/api/companies/{uuid.uuid4()}/data/all").status_code == 404

    def test_cancel_through_the_api(self, api, company, linked):
        [pull] = api.post(f"/api/companies/{company.id}/data/all").json()
        url = f"/api/companies/{company.id}/data/history/{pull['id']}/cancel"
        cancelled = api.post(url)
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "Cancelled"
        again = api.post(url)
        assert again.status_code == 409
        assert "already ended" in again.json()["error"]
