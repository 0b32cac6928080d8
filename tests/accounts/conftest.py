from __future__ import annotations

from accounts import services
from accounts.crypto import Secret
from accounts.models import PayrollAccount
from companies.activity import Actor
from companies.models import Company
from tests.conftest import ApiClient, path_of, run_worker  # noqa: F401 (used by these tests)

# The Teal document's sample body; `user_id` is replaced with a real company's id.
TEAL_SAMPLE_REQUEST = {
    "user_id": "95a0e70b-fe02-4f47-aef9-2efff279df71",
    "payroll_provider": "quickbooks",
    "user_name": "john.smith@company.com",
    "password": "very-secret-password",
}
SAMPLE_PASSWORD = TEAL_SAMPLE_REQUEST["password"]
STAFF = Actor.system()


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
