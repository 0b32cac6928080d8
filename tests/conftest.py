from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from companies import services
from companies.models import Company, DataConnection


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
