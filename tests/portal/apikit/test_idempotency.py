"""`Idempotency-Key` on POST /api/companies: a retried request creates the company once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from companies import services
from companies.models import Company
from portal.models import IdempotencyRecord
from portal.services import api_key_create
from tests.support import ApiClient

SAMPLE = {"name": "Platypus Properties", "description": "Platypuses are venomous mammals"}


def post_with_key(api: ApiClient, key: str, body=SAMPLE):
    return api.post("/api/companies", body, headers={"Idempotency-Key": key})


@pytest.mark.django_db
class TestIdempotencyKey:
    def test_a_retry_returns_the_first_response_and_creates_nothing(self, api):
        first = post_with_key(api, "signup-42")
        again = post_with_key(api, "signup-42")
        assert first.status_code == 201
        assert again.status_code == 201
        assert again.json() == first.json()
        assert Company.objects.count() == 1
        assert str(Company.objects.get().id) == first.json()["id"]

    def test_the_same_key_with_another_body_is_409(self, api):
        first = post_with_key(api, "signup-42")
        other = post_with_key(api, "signup-42", {"name": "Echidna Estates"})
        assert other.status_code == 409
        assert other["Content-Type"] == "application/json; charset=utf-8"
        assert other.json() == {
            "statusCode": 409,
            "error": "This Idempotency-Key was already used with a different body.",
        }
        assert list(Company.objects.values_list("id", flat=True)) == [
            Company.objects.get(pk=first.json()["id"]).id
        ]

    def test_a_changed_description_is_another_body(self, api):
        post_with_key(api, "signup-42")
        changed = post_with_key(api, "signup-42", {**SAMPLE, "description": "Changed"})
        assert changed.status_code == 409
        assert Company.objects.count() == 1

    def test_different_keys_create_two_companies(self, api):
        first = post_with_key(api, "signup-1")
        second = post_with_key(api, "signup-2")
        assert first.status_code == second.status_code == 201
        assert first.json()["id"] != second.json()["id"]
        assert Company.objects.count() == 2

    def test_without_a_key_every_request_creates_a_company(self, api):
        assert api.post("/api/companies", SAMPLE).status_code == 201
        assert api.post("/api/companies", SAMPLE).status_code == 201
        assert Company.objects.count() == 2
        assert not IdempotencyRecord.objects.exists()

    def test_keys_are_per_api_key(self, api):
        other_api = ApiClient(api_key_create(name="another integrator")[1])
        first = post_with_key(api, "signup-42")
        other = post_with_key(other_api, "signup-42")
        assert first.status_code == other.status_code == 201
        assert first.json()["id"] != other.json()["id"]
        assert Company.objects.count() == 2
        # And each key still replays its own first response.
        assert post_with_key(other_api, "signup-42").json()["id"] == other.json()["id"]
        assert post_with_key(api, "signup-42").json()["id"] == first.json()["id"]
        assert Company.objects.count() == 2

    def test_the_longest_key_is_accepted(self, api):
        assert post_with_key(api, "k" * 255).status_code == 201

    @pytest.mark.parametrize("key", ["k" * 256, "", "tab\there"], ids=["256 chars", "empty", "tab"])
    def test_a_bad_key_is_400(self, api, key):
        response = post_with_key(api, key)
        assert response.status_code == 400
        body = response.json()
        assert body["statusCode"] == 400
        assert "Idempotency-Key" in body["error"]
        assert Company.objects.count() == 0
        assert not IdempotencyRecord.objects.exists()

    def test_a_failed_request_does_not_use_up_the_key(self, api):
        failed = post_with_key(api, "signup-42", {"name": "Bad <Name>"})
        assert failed.status_code == 400
        assert not IdempotencyRecord.objects.exists()
        retried = post_with_key(api, "signup-42")
        assert retried.status_code == 201
        assert Company.objects.count() == 1
        assert post_with_key(api, "signup-42").json()["id"] == retried.json()["id"]

    def test_a_malformed_body_does_not_use_up_the_key(self, api):
        failed = api.post("/api/companies", raw=b"{oops", headers={"Idempotency-Key": "k-1"})
        assert failed.status_code == 400
        assert post_with_key(api, "k-1").status_code == 201

    def test_a_replayed_company_that_was_deleted_since_is_not_recreated(self, api):
        first = post_with_key(api, "signup-42").json()
        assert api.delete(f"/api/companies/{first['id']}").status_code == 204
        again = post_with_key(api, "signup-42")
        assert again.status_code == 201
        assert again.json()["id"] == first["id"]
        assert Company.objects.count() == 0


# serialized_rollback like every transactional test here: the next one restores the
# migrated rows (staff groups) over what this one leaves.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_requests_with_one_key_create_one_company(api_key, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL (row locks on the unique key): {connection.vendor} serialises "
            "writers, so the two requests cannot overlap"
        )
    # Creating the company is made slow, so the second request surely arrives while the
    # first holds the (uncommitted) idempotency record: it must wait for it, then replay it.
    create = services.company_create
    created_by: list[str] = []

    def slow_create(**kwargs):
        created_by.append(threading.current_thread().name)
        time.sleep(0.3)
        return create(**kwargs)

    monkeypatch.setattr(services, "company_create", slow_create)
    barrier = threading.Barrier(2, timeout=10)
    responses: list = [None, None]
    errors: list[BaseException] = []

    def post(index: int) -> None:
        try:
            client = ApiClient(api_key[1])
            barrier.wait()
            responses[index] = post_with_key(client, "signup-concurrent")
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert [response.status_code for response in responses] == [201, 201]
    ids = {response.json()["id"] for response in responses}
    assert len(ids) == 1
    assert Company.objects.count() == 1
    assert str(Company.objects.get().id) in ids
    assert IdempotencyRecord.objects.count() == 1
    assert len(created_by) == 1
