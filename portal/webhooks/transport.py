"""POSTing to a receiver, refusing addresses inside our own network (server-side request
forgery).

The host name is resolved here and every address it resolves to is checked; the connection
is then made to the checked address itself, so a second DNS answer cannot swap it for another
(DNS rebinding). TLS still verifies the certificate against the host name.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

EXCERPT_BYTES = 500
# Cloud metadata services, refused even where private targets are allowed.
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("100.100.100.200"),
}


class AddressRefused(Exception):
    """The receiver's address is not one we deliver to; the message says why."""


@dataclass
class Response:
    status: int
    excerpt: str
    duration_ms: int


def refusal(address: str) -> str | None:
    """Why Causeway will not connect to this IP address, or None if it may."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES or ip.is_link_local:
        return f"{ip} is a link-local or cloud metadata address."
    if ip.is_multicast or ip.is_unspecified:
        return f"{ip} is not a receiver's address."
    if settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        return None
    if ip.is_loopback:
        return f"{ip} is a loopback address."
    if not ip.is_global:
        return f"{ip} is a private or reserved address."
    return None


def _checked_connection(address, timeout, source_address=None, *args, **kwargs):
    host, port = address
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise AddressRefused(f"{host} could not be resolved ({error.strerror}).") from None
    for *_, sockaddr in answers:
        reason = refusal(sockaddr[0])
        if reason:
            name = "" if sockaddr[0] == host else f"{host} resolves to "
            raise AddressRefused(f"{name}{reason}")
    family, socktype, proto, _, sockaddr = answers[0]
    sock = socket.socket(family, socktype, proto)
    try:
        sock.settimeout(timeout)
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _checked_connection


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _checked_connection


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Response:
    """POST `body`; raises AddressRefused, OSError (including timeouts) or
    http.client.HTTPException when no answer came back."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        connection = _HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    elif parts.scheme == "http":
        connection = _HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    else:
        raise AddressRefused(f"{parts.scheme!r} is not http or https.")
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    started = time.monotonic()
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES).decode("utf-8", errors="replace")
    finally:
        connection.close()
    duration_ms = round((time.monotonic() - started) * 1000)
    return Response(status=response.status, excerpt=excerpt, duration_ms=duration_ms)
