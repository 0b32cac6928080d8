"""Repeated wrong passwords lock a user name, or an address, out of logging in for a while."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
PASSWORD = "pw-for-tests"  # what tests/conftest.py gives its users
LOCKED = "Too many failed log-ins"


def _log_in(username: str, password: str, address: str = "203.0.113.1", url: str = LOGIN):
    client = Client(REMOTE_ADDR=address)
    return client, client.post(url, {"username": username, "password": password})


def _fail(times: int, username: str = "manager", address: str = "203.0.113.1") -> None:
    for _ in range(times):
        _log_in(username, "wrong", address)


def _logged_in(client: Client) -> bool:
    return client.get("/").status_code == 200


class TestLoginLockout:
    def test_a_few_wrong_passwords_still_let_the_right_one_in(self, manager):
        for _ in range(4):
            _, response = _log_in("manager", "wrong")
            assert response.status_code == 200
            assert "Please enter a correct username and password" in response.content.decode()
        client, response = _log_in("manager", PASSWORD)
        assert response.status_code == 302
        assert _logged_in(client)

    def test_five_wrong_passwords_lock_the_user_name(self, manager):
        _fail(4)
        _, response = _log_in("manager", "wrong")
        assert response.status_code == 429
        page = response.content.decode()
        assert LOCKED in page
        assert "Try again in 15 minutes" in page
        assert "An administrator can unlock you sooner" in page

        # Even the right password is refused now.
        client, response = _log_in("manager", PASSWORD)
        assert response.status_code == 429
        assert LOCKED in response.content.decode()
        assert not _logged_in(client)

    def test_a_user_name_tried_from_many_addresses_is_locked(self, manager):
        for n in range(5):
            _log_in("manager", "wrong", address=f"198.51.100.{n}")
        client, response = _log_in("manager", PASSWORD, address="192.0.2.99")
        assert response.status_code == 429
        assert not _logged_in(client)

    def test_an_address_trying_many_names_is_locked(self, manager):
        for name in ["admin", "root", "alice", "bob", "carol"]:
            _log_in(name, "wrong", address="198.51.100.7")
        client, response = _log_in("manager", PASSWORD, address="198.51.100.7")
        assert response.status_code == 429
        assert not _logged_in(client)
        # The same user from another address is not affected.
        client, response = _log_in("manager", PASSWORD, address="192.0.2.99")
        assert _logged_in(client)

    def test_the_lockout_ends_after_the_cool_off(self, manager):
        _fail(5)
        assert _log_in("manager", PASSWORD)[1].status_code == 429
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
        client, response = _log_in("manager", PASSWORD)
        assert response.status_code == 302
        assert _logged_in(client)

    def test_axes_reset_username_unlocks(self, manager):
        _fail(5)
        call_command("axes_reset_username", "manager", stdout=None)
        client, _ = _log_in("manager", PASSWORD)
        assert _logged_in(client)

    def test_the_admin_login_is_locked_too(self, admin_user):
        for _ in range(5):
            _log_in("admin", "wrong", url="/admin/login/")
        client, response = _log_in("admin", "password", url="/admin/login/")
        assert response.status_code == 429
        assert LOCKED in response.content.decode()
        assert client.get("/admin/").status_code == 302

    def test_force_login_is_not_counted(self, manager_client):
        assert _logged_in(manager_client)

    def test_an_administrator_unlocks_in_the_admin(self, manager, admin_client):
        _fail(5)
        attempt = AccessAttempt.objects.get()
        page = admin_client.get("/admin/axes/accessattempt/").content.decode()
        assert "203.0.113.1" in page
        admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
        client, _ = _log_in("manager", PASSWORD)
        assert _logged_in(client)
