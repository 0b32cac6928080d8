from __future__ import annotations

import json
from datetime import datetime
from io import StringIO
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django_tasks_db.management.commands import db_worker

from companies import services
from companies.link.tokens import link_url_for
from companies.models import Company, DataConnection, LinkSettings
from portal.services import api_key_create


def _user_in_group(django_user_model, username: str, group: str | None) -> User:
    user = django_user_model.objects.create_user(username=username, password="pw-for-tests")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def manager(django_user_model) -> User:
    return _user_in_group(django_user_model, "manager", "Managers")


@pytest.fixture
def viewer(django_user_model) -> User:
    return _user_in_group(django_user_model, "viewer", "Viewers")


@pytest.fixture
def outsider(django_user_model) -> User:
    """Can log in, but belongs to no group."""
    return _user_in_group(django_user_model, "outsider", None)


@pytest.fixture
def manager_client(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def viewer_client(viewer) -> Client:
    client = Client()
    client.force_login(viewer)
    return client


@pytest.fixture
def outsider_client(outsider) -> Client:
    client = Client()
    client.force_login(outsider)
    return client


@pytest.fixture
def htmx_headers() -> dict[str, str]:
    return {"HX-Request": "true"}


@pytest.fixture
def company(db) -> Company:
    return services.company_create(
        name="Platypus Properties", description="Platypuses are venomous mammals"
    )


@pytest.fixture
def make_connection(db):
    """Creates a DataConnection directly; the Link flow that normally does it is not needed here."""

    def make(
        company: Company,
        *,
        platform: str = "xero",
        status: str = DataConnection.Status.LINKED,
        last_sync: datetime | None = None,
    ) -> DataConnection:
        return DataConnection.objects.create(
            company=company,
            platform=platform,
            source_type="Accounting",
            status=status,
            last_sync=last_sync,
        )

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def end_user() -> Client:
    """A browser with no session and CSRF checks on: the end user has only the Link URL."""
    return Client(enforce_csrf_checks=True)


def path_of(url: str) -> str:
    """The path and query of an absolute URL, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def link_path(company) -> str:
    """The company's Link URL, as the test client requests it."""
    return path_of(link_url_for(company))


@pytest.fixture
def redirect_settings(db) -> LinkSettings:
    link_settings = LinkSettings.load()
    link_settings.redirect_url_template = (
        "https://example.com/linked?company={companyId}&connection={connectionId}"
        "&platform={platform}&name={platformName}&type={sourceType}&status={statusCode}"
        "&error={errorMessage}&customer={customerId}"
    )
    link_settings.save()
    return link_settings


def run_worker() -> None:
    """What `manage.py db_worker` does in production, until the queue is empty.

    Between tasks the worker closes stale connections; in a test it shares the test's
    connection and transaction, so that housekeeping is held off, as Django's test client
    does for requests.
    """
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command(
            "db_worker",
            batch=True,
            reload=False,
            startup_delay=False,
            stdout=StringIO(),
            stderr=StringIO(),
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A transactional test must restore the migrated rows (staff groups, permissions) for the
    next one: without serialized_rollback, its flush leaves new content-type ids behind and the
    next restore fails on PostgreSQL."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)."
            )


# The JSON API


class ApiClient:
    """The Django test client with an X-API-KEY header and JSON bodies."""

    def __init__(self, key: str | None) -> None:
        self.client = Client()
        self.headers = {"X-API-KEY": key} if key else {}

    def _call(self, method: str, path: str, body=None, headers=None, raw: bytes | None = None):
        data = raw if raw is not None else (None if body is None else json.dumps(body))
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
