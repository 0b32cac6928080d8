"""Payroll account writes whose company is deleted meanwhile: 404 (410 in Link), or nothing
to do for the worker; never a server error. The concurrent version, on PostgreSQL, is
tests/companies/test_delete_races_on_postgresql.py."""

from __future__ import annotations

import pytest

from accounts import api as accounts_api
from accounts import services
from accounts.crypto import Secret
from accounts.models import PayrollAccount
from accounts.providers.sandbox import SandboxProvider
from companies.activity import Actor
from companies.link import pages as link_pages
from companies.models import ActivityEntry, Company
from companies.services import CompanyGone
from tests.support import csrf_token, make_account, page_of


def _nothing_left() -> None:
    assert not Company.objects.exists()
    assert not PayrollAccount.objects.exists()
    assert not ActivityEntry.objects.exists()


@pytest.fixture
def company_deleted_at_sign_in(monkeypatch):
    """The company is deleted while the provider checks the credentials (a network call made
    outside any transaction)."""
    sign_in = SandboxProvider.sign_in

    def sign_in_then_delete(self, *args, **kwargs):
        Company.objects.all().delete()
        return sign_in(self, *args, **kwargs)

    monkeypatch.setattr(SandboxProvider, "sign_in", sign_in_then_delete)


def test_creating_an_account_raises_company_gone(company):
    Company.objects.filter(pk=company.pk).delete()
    with pytest.raises(CompanyGone):
        services.account_create(
            company=company,
            payroll_provider="quickbooks",
            user_name="jo@example.com",
            password=Secret("pw"),
            actor=Actor.system(),
        )
    _nothing_left()


@pytest.mark.usefixtures("company_deleted_at_sign_in")
def test_the_workers_check_does_nothing(company):
    account = make_account(company)
    assert services.account_verify(account_id=account.account_id) is None
    _nothing_left()


@pytest.mark.usefixtures("company_deleted_at_sign_in")
def test_a_scheduled_pull_does_nothing(company):
    account = make_account(company, status=PayrollAccount.Status.CONNECTED)
    assert services.account_pull_payroll(account_id=account.account_id, scheduled=True) is None
    _nothing_left()


@pytest.mark.parametrize(
    "write",
    [
        lambda account: services.account_disconnect(account=account, actor=Actor.system()),
        lambda account: services.account_delete(account=account, actor=Actor.system()),
        lambda account: services.account_submit_mfa(
            account=account, code="123456", actor=Actor.system()
        ),
    ],
    ids=["disconnect", "delete", "MFA"],
)
def test_account_writes_raise_company_gone(company, write):
    account = make_account(company, status=PayrollAccount.Status.CONNECTED)
    Company.objects.filter(pk=company.pk).delete()
    with pytest.raises(CompanyGone):
        write(account)
    _nothing_left()


def test_the_api_answers_404(monkeypatch, api, company):
    account = make_account(company, status=PayrollAccount.Status.MFA_REQUIRED)
    find = accounts_api._account

    def find_then_delete(account_id):
        found = find(account_id)
        Company.objects.all().delete()
        return found

    monkeypatch.setattr(accounts_api, "_account", find_then_delete)
    r = api.put(f"/api/accounts/{account.account_id}/mfa", {"mfa": "123456"})
    assert r.status_code == 404
    assert r.json() == {"statusCode": 404, "error": f"No company has the id {company.id}."}
    _nothing_left()


def test_signing_in_through_link_gets_the_friendly_page(monkeypatch, end_user, company, link_path):
    token = link_path.rstrip("/").rsplit("/", 1)[-1]
    sign_in_path = f"/link/{token}/payroll/adp/"
    page = end_user.get(sign_in_path)
    resolve = link_pages.company_for_token

    def resolve_then_delete(*args):
        found = resolve(*args)
        Company.objects.all().delete()
        return found

    monkeypatch.setattr(link_pages, "company_for_token", resolve_then_delete)
    form = {
        "user_name": "jo@example.com",
        "password": "pw",
        "csrfmiddlewaretoken": csrf_token(page),
    }
    r = end_user.post(sign_in_path, form)
    page_of(r, "This link is no longer available", status=410)
    _nothing_left()
