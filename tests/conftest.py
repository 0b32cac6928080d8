from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client

from companies import services
from companies.link.tokens import link_url_for
from companies.models import Company, DataConnection, LinkSettings
from portal.services import api_key_create
from tests.support import ApiClient, path_of


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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits count in the cache, and every test client comes from 127.0.0.1: each test
    starts with nothing counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def end_user() -> Client:
    """A browser with no session and CSRF checks on: the end user has only the Link URL."""
    return Client(enforce_csrf_checks=True)


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


@pytest.fixture
def api_key(db):
    return api_key_create(name="sign-up service")


@pytest.fixture
def api(api_key) -> ApiClient:
    return ApiClient(api_key[1])


@pytest.fixture
def limits(settings):
    """Link's limits far above what a test does, for each test to lower the one it checks."""
    settings.LINK_ATTEMPTS_PER_URL = "1000/hour"
    settings.LINK_ATTEMPTS_PER_ADDRESS = "1000/hour"
    settings.LINK_OPEN_ATTEMPTS_PER_COMPANY = 1000
    return settings
