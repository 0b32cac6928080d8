from __future__ import annotations

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from accounts import services
from accounts.crypto import Secret
from accounts.models import PayrollAccount
from companies.activity import Actor
from companies.link_urls import link_url_for
from companies.models import Company, LinkSettings
from tests.api.conftest import ApiClient, api, api_key  # noqa: F401 (fixtures)

# The Teal document's sample body; `user_id` is replaced with a real company's id.
TEAL_SAMPLE_REQUEST = {
    "user_id": "95a0e70b-fe02-4f47-aef9-2efff279df71",
    "payroll_provider": "quickbooks",
    "user_name": "john.smith@company.com",
    "password": "very-secret-password",
}
SAMPLE_PASSWORD = TEAL_SAMPLE_REQUEST["password"]
STAFF = Actor.system()


def run_worker() -> None:
    """What `manage.py db_worker` does in production, until the queue is empty."""
    call_command(
        "db_worker",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        verbosity=0,
        stdout=StringIO(),
        stderr=StringIO(),
    )


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def make_account(
    company: Company,
    *,
    provider: str = "quickbooks",
    user_name: str = "john.smith@company.com",
    password: str | None = SAMPLE_PASSWORD,
    status: str | None = None,
) -> PayrollAccount:
    """An account made through the service (so it is encrypted and logged like any other);
    `status` then forces a state without running the worker."""
    account = services.account_create(
        company=company,
        payroll_provider=provider,
        user_name=user_name if provider != "gusto" else "",
        password=Secret(password) if password and provider != "gusto" else None,
        actor=STAFF,
    )
    if status:
        PayrollAccount.objects.filter(pk=account.pk).update(status=status)
        account.refresh_from_db()
    return account


@pytest.fixture
def link_path(company) -> str:
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
