"""Every error of the API in Codat's JSON shape: `statusCode`, `error` and, for invalid
input, `validation.errors` naming each field."""

from __future__ import annotations

import math
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from portal.apikit.parser import UnpairedSurrogate

BODY_SOURCES = ("body", "query", "path", "header", "cookie", "form", "file")


def error_body(status: int, error: str, items: list[dict] | None = None) -> dict:
    body: dict = {"statusCode": status, "error": error}
    if items:
        body["validation"] = {"errors": items}
    return body


def _item_id(location: tuple | list) -> str:
    # ("body", "payload", "name") -> "name"; ("query", "pageSize") -> "pageSize";
    # ("query", "query") -> "query": only the leading source (and body argument) go.
    parts = [str(part) for part in location]
    if parts and parts[0] in BODY_SOURCES:
        source, parts = parts[0], parts[1:]
        if source == "body" and parts[:1] == ["payload"]:
            parts = parts[1:]
    return ".".join(parts) or "body"


def body_limit_in_words() -> str:
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if size and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    return f"{size} bytes"


def _surrogate_item(error: UnpairedSurrogate) -> dict:
    item_id = ".".join(str(part) for part in error.path) or "body"
    what = "A field name in this object" if error.in_key else "This text"
    return {
        "itemId": item_id,
        "message": f"{what} contains an unpaired UTF-16 surrogate (such as \\ud800), "
        "which is not a character. Send valid Unicode text.",
    }


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, error: str, items=None) -> HttpResponse:
        return api.create_response(request, error_body(status, error, items), status=status)

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
        return respond(request, 400, "The request is not valid; see validation.errors.", items)

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
        return respond(request, 400, " ".join(item["message"] for item in items), items)

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = getattr(request, "api_auth_error", "A valid X-API-KEY header is required.")
        return respond(request, 401, message)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, UnpairedSurrogate):
            items = [_surrogate_item(exc.__cause__)]
            return respond(request, 400, "The request is not valid; see validation.errors.", items)
        message = str(exc)
        if message.startswith("Cannot parse request body"):
            message = "The request body is not valid JSON."
        return respond(request, exc.status_code, message)

    @api.exception_handler(RequestDataTooBig)
    def on_body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(
            request, 413, f"The request body is larger than the {body_limit_in_words()} limit."
        )

    @api.exception_handler(Throttled)
    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # Ninja adds the Retry-After header to this response.
        after = f" Retry after {math.ceil(exc.wait)} seconds." if exc.wait is not None else ""
        message = f"Too many requests with this API key.{after}"
        return respond(request, 429, message)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = str(exc) if exc.args else HTTPStatus.NOT_FOUND.phrase
        return respond(request, 404, message)
