"""X-Forwarded-Proto and X-Forwarded-For count only when a trusted proxy sent them."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from axes.models import AccessAttempt
from django.test import Client

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def production_https(settings):
    """What DEBUG=false sets, with trusted proxies configured."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = [ip_network("10.0.0.0/24"), ip_network("fd00::/8")]


@pytest.fixture
def no_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []


def _get(address: str, **headers: str):
    return Client(REMOTE_ADDR=address).get("/login/", headers=headers)


class TestForwardedProto:
    def test_https_from_a_trusted_proxy_is_believed(self, db):
        assert _get(PROXY, x_forwarded_proto="https").status_code == 200
        assert _get("fd00::1", x_forwarded_proto="https").status_code == 200

    def test_https_claimed_by_anyone_else_is_ignored(self, db):
        response = _get("203.0.113.9", x_forwarded_proto="https")
        assert response.status_code == 301
        assert response["Location"] == "https://testserver/login/"

    def test_plain_http_through_the_proxy_is_redirected(self, db):
        assert _get(PROXY, x_forwarded_proto="http").status_code == 301


def test_without_trusted_proxies_the_header_is_believed_from_anyone(no_trusted_proxies):
    """As before TRUSTED_PROXIES existed: the proxy in front must overwrite the header."""
    assert _get("203.0.113.9", x_forwarded_proto="https").status_code == 200


def _fail_login(address: str, **headers: str) -> None:
    Client(REMOTE_ADDR=address).post(
        "/login/",
        {"username": "nobody", "password": "wrong"},
        headers={"x_forwarded_proto": "https", **headers},
    )


class TestLockoutAddress:
    def test_the_client_behind_a_trusted_proxy_is_counted(self, db):
        # Whatever the client put in front, the proxy appended the address it saw.
        _fail_login(PROXY, x_forwarded_for="1.2.3.4, 198.51.100.7")
        assert AccessAttempt.objects.get().ip_address == "198.51.100.7"

    def test_a_chain_of_trusted_proxies_is_skipped(self, db):
        _fail_login(PROXY, x_forwarded_for="198.51.100.7, 10.0.0.9")
        assert AccessAttempt.objects.get().ip_address == "198.51.100.7"

    def test_x_forwarded_for_from_anyone_else_is_ignored(self, settings):
        settings.SECURE_SSL_REDIRECT = False  # else it never gets to the log-in
        _fail_login("203.0.113.9", x_forwarded_for="198.51.100.7")
        assert AccessAttempt.objects.get().ip_address == "203.0.113.9"

    def test_clients_behind_the_proxy_are_locked_separately(self, manager):
        for _ in range(5):
            _fail_login(PROXY, x_forwarded_for="198.51.100.7")
        locked = Client(REMOTE_ADDR=PROXY).post(
            "/login/",
            {"username": "outsider-name", "password": "x"},
            headers={"x_forwarded_proto": "https", "x_forwarded_for": "198.51.100.7"},
        )
        assert locked.status_code == 429
        other = Client(REMOTE_ADDR=PROXY).post(
            "/login/",
            {"username": "manager", "password": "pw-for-tests"},
            headers={"x_forwarded_proto": "https", "x_forwarded_for": "192.0.2.44"},
        )
        assert other.status_code == 302


def test_without_trusted_proxies_the_connection_address_is_counted(no_trusted_proxies):
    _fail_login("203.0.113.9", x_forwarded_for="198.51.100.7")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
