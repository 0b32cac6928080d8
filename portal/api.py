"""The JSON API at /api/, assembled from the apps' routers on the shared plumbing in
`portal.apikit`: authentication by `X-API-KEY`, errors in Codat's JSON shape."""

from __future__ import annotations

from ninja import NinjaAPI

from portal.apikit.auth import ApiKeyAuth
from portal.apikit.errors import install_error_handlers
from portal.apikit.parser import JsonParser
from portal.apikit.throttling import ApiKeyRateThrottle

api = NinjaAPI(
    title="Causeway API",
    version="1.0",
    description=(
        "Companies, their data connections and payroll accounts. Every call needs an "
        "`X-API-KEY` header; create keys in the portal under Settings > API keys."
    ),
    auth=ApiKeyAuth(),
    parser=JsonParser(),
    throttle=ApiKeyRateThrottle(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)

api.add_router("/companies", "companies.api.router")
api.add_router("/companies", "companies.pulls.api.router")
api.add_router("/companies", "companies.pulls.sync_api.router")
api.add_router("/profile", "companies.pulls.sync_api.profile_router")
api.add_router("/accounts", "accounts.api.router")
api.add_router("/webhooks/endpoints", "portal.webhooks.api.endpoints_router")
api.add_router("/events", "portal.webhooks.api.events_router")
