from __future__ import annotations

import pytest
from django.test import Client

from portal.services import api_key_create


class ApiClient:
    """The Django test client with an X-API-KEY header and JSON bodies."""

    def __init__(self, key: str | None) -> None:
        self.client = Client()
        self.headers = {"X-API-KEY": key} if key else {}

    def _call(self, method: str, path: str, body=None, headers=None, raw: bytes | None = None):
        data = (
            raw if raw is not None else (None if body is None else __import__("json").dumps(body))
        )
        return getattr(self.client, method)(
            path,
            data=data,
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )

    def get(self, path: str, params: dict | None = None):
        return self.client.get(path, params or {}, headers=self.headers)

    def post(self, path, body=None, **kwargs):
        return self._call("post", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self._call("patch", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self._call("put", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self._call("delete", path, **kwargs)


@pytest.fixture
def api_key(db):
    return api_key_create(name="sign-up service")


@pytest.fixture
def api(api_key) -> ApiClient:
    return ApiClient(api_key[1])
