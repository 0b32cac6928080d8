"""Errors under /api/ that never reach the API's own handlers, in the same JSON shape.

Django and django-ninja answer some requests before (or instead of) `portal.apikit.errors`:
an unknown path (Django's 404 page), a wrong method (ninja's plain-text 405), a crash (the 500
page). This middleware rewrites those answers under /api/ into Codat's JSON shape, and
answers API calls sent to a portal address without the /api prefix (Teal's sample posts to
`/accounts`) with a 404 that names the right one.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

from portal.apikit.errors import body_limit_in_words, error_body

API_PREFIX = "/api/"
# Headers that still mean something once the body is replaced.
KEPT_HEADERS = ("Allow", "Retry-After")


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _message(request: HttpRequest, response: HttpResponse) -> str:
    status = response.status_code
    where = f"{request.method} {request.path}"
    if status == 404:
        message = f"There is no API endpoint at {where}."
        if request.path.endswith("/") and _resolves(request.path.rstrip("/")):
            message += f" Leave out the trailing slash: {request.path.rstrip('/')}."
        return message + " The endpoints are listed at /api/docs."
    if status == 405:
        allowed = ", ".join(sorted(m.strip() for m in response.get("Allow", "").split(",")))
        return f"{request.method} is not allowed on {request.path}; it allows {allowed}."
    if status == 413:
        return f"The request body is larger than the {body_limit_in_words()} limit."
    return f"{HTTPStatus(status).phrase}."


def _json_error(status: int, message: str) -> JsonResponse:
    # The charset as django-ninja sends it, so every error looks alike.
    return JsonResponse(
        error_body(status, message), status=status, content_type="application/json; charset=utf-8"
    )


def _wants_html(request: HttpRequest) -> bool:
    return "text/html" in request.headers.get("Accept", "")


def _looks_like_api_call(request: HttpRequest) -> bool:
    # JSON from a signed-in browser is the portal's to answer (it refuses it as a bad form).
    signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
    return "X-API-KEY" in request.headers or (
        request.content_type == "application/json" and not signed_in
    )


def _api_twin(request: HttpRequest) -> str | None:
    """The API path a request to a portal address was probably meant for, if there is one:
    an API call (it sends a key or JSON), or a write to an address without its trailing
    slash, which no portal form sends (in development Django would crash on it)."""
    path = request.path.rstrip("/")
    if not path or request.path.startswith(API_PREFIX):
        return None
    is_write = request.method not in ("GET", "HEAD", "OPTIONS")
    if not (_looks_like_api_call(request) or (is_write and not request.path.endswith("/"))):
        return None
    twin = API_PREFIX.rstrip("/") + path
    return twin if _resolves(twin) else None


class ApiErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        twin = _api_twin(request)
        if twin is not None:
            message = (
                f"{request.method} {request.path} is not an API endpoint: the API lives under "
                f"/api/. Use {request.method} {twin}, with an X-API-KEY header."
            )
            if _wants_html(request) and not _looks_like_api_call(request):
                raise Http404(message)
            return _json_error(404, message)

        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
            # In development a crash keeps Django's page, traceback included.
            and not (response.status_code >= 500 and settings.DEBUG)
        ):
            status = response.status_code
            json_response = _json_error(status, _message(request, response))
            for header in KEPT_HEADERS:
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response
