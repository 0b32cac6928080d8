"""Which forwarded headers to believe: only those set by a proxy named in TRUSTED_PROXIES."""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR")


def is_trusted_proxy(address: str) -> bool:
    try:
        address = ip_address(address)
    except ValueError:
        return False
    return any(address in network for network in settings.TRUSTED_PROXIES)


class TrustedProxyMiddleware:
    """Drops the forwarded headers of a request that did not come from a trusted proxy.

    Placed before SecurityMiddleware, so SECURE_PROXY_SSL_HEADER only ever sees a header a trusted
    proxy set. With no TRUSTED_PROXIES configured nothing is dropped, as before this setting.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.TRUSTED_PROXIES and not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


def client_address(request: HttpRequest) -> str:
    """The address a request came from, which login lockouts are counted against.

    The connection's own address, unless it is a trusted proxy: then X-Forwarded-For is read from
    the right, where each trusted proxy appended the address it saw, and the first address that
    is not a trusted proxy is the client. Anything further left could be made up by the client.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(address):
        return address
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        try:
            ip_address(hop)
        except ValueError:
            break
        address = hop
        if not is_trusted_proxy(hop):
            break
    return address
