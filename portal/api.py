"""The JSON API at /api/: authentication by `X-API-KEY`, errors in Codat's JSON shape."""

from __future__ import annotations

from http import HTTPStatus

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader
from pydantic import ConfigDict

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


class StrictSchema(Schema):
    """A request body: a field the schema does not know is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ValidationItem(Schema):
    itemId: str
    message: str


class ValidationDetails(Schema):
    errors: list[ValidationItem]


class ErrorOut(Schema):
    statusCode: int
    error: str
    validation: ValidationDetails | None = None


class Link(Schema):
    href: str


def _is_none(value) -> bool:
    return value is None


class PageLinks(Schema):
    # HAL: a page with no next (or previous) page has no such link, rather than a null one.
    self: Link
    current: Link
    next: Link | None = Field(None, exclude_if=_is_none)
    previous: Link | None = Field(None, exclude_if=_is_none)


api = NinjaAPI(
    title="Causeway API",
    version="1.0",
    description=(
        "Companies, their data connections and payroll accounts. Every call needs an "
        "`X-API-KEY` header; create keys in the portal under Settings > API keys."
    ),
    auth=ApiKeyAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_response(
    request: HttpRequest, status: int, error: str, items: list[dict] | None = None
) -> HttpResponse:
    body: dict = {"statusCode": status, "error": error}
    if items:
        body["validation"] = {"errors": items}
    return api.create_response(request, body, status=status)


def _item_id(location: tuple | list) -> str:
    # ("body", "payload", "name") -> "name"; ("query", "pageSize") -> "pageSize";
    # ("query", "query") -> "query": only the leading source (and body argument) go.
    parts = [str(part) for part in location]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        source, parts = parts[0], parts[1:]
        if source == "body" and parts[:1] == ["payload"]:
            parts = parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    items = []
    for error in exc.errors:
        message = error.get("msg", "Invalid value.")
        if error.get("type") == "extra_forbidden":
            message = "This field is not accepted here."
        elif error.get("type") == "missing":
            message = "This field is required."
        items.append({"itemId": _item_id(error.get("loc", ())), "message": message})
    return error_response(request, 400, "The request is not valid; see validation.errors.", items)


@api.exception_handler(DjangoValidationError)
def on_model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        items = [
            {"itemId": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        items = [{"itemId": "body", "message": message} for message in exc.messages]
    return error_response(request, 400, " ".join(item["message"] for item in items), items)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = getattr(request, "api_auth_error", "A valid X-API-KEY header is required.")
    return error_response(request, 401, message)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if message.startswith("Cannot parse request body"):
        message = "The request body is not valid JSON (or is larger than 1 MB)."
    return error_response(request, exc.status_code, message)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    message = str(exc) if exc.args else HTTPStatus.NOT_FOUND.phrase
    return error_response(request, 404, message)


api.add_router("/companies", "companies.api.router")
api.add_router("/companies", "companies.pulls.api.router")
api.add_router("/accounts", "accounts.api.router")
