from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyHeader

from portal.services import api_key_authenticate


class ApiKeyAuth(APIKeyHeader):
    param_name = "X-API-KEY"

    def authenticate(self, request: HttpRequest, key: str | None):
        api_key = api_key_authenticate(key)
        if api_key is None:
            request.api_auth_error = (
                "The X-API-KEY header is missing. Create a key in Settings > API keys."
                if not key
                else "The API key is not valid or has been revoked."
            )
        return api_key
