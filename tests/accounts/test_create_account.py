"""Staff add a payroll account with the form beside the table."""

from __future__ import annotations

import pytest

from accounts.models import PayrollAccount
from companies.models import ActivityEntry

pytestmark = pytest.mark.django_db


def form_data(owner, **changes) -> dict:
    return {
        "company": str(owner.id),
        "payroll_provider": "quickbooks",
        "user_name": "john.smith@company.com",
        "password": "very-secret-password",
        **changes,
    }


class TestCreate:
    def test_it_works(self, manager_client, company):
        r = manager_client.post("/accounts/create/", form_data(company))
        account = PayrollAccount.objects.get()
        assert r.status_code == 302
        assert r["Location"] == f"/accounts/{account.account_id}/"
        assert account.status == "PENDING"
        assert account.company == company
        assert account.get_password().reveal() == "very-secret-password"
        entry = ActivityEntry.objects.get(action="payroll.created")
        assert entry.actor_label == "manager"
        page = manager_client.get(r["Location"])
        assert "Added the QuickBooks Payroll account." in page.content.decode()

    def test_an_oauth_account_shows_its_authorization_url(self, manager_client, company):
        r = manager_client.post(
            "/accounts/create/",
            form_data(company, payroll_provider="gusto", user_name="", password=""),
            follow=True,
        )
        account = PayrollAccount.objects.get()
        html = r.content.decode()
        assert account.authorization_url.startswith("http://127.0.0.1:8000/accounts/sandbox/gusto/")
        assert (
            f'<code id="authorization-url">{account.authorization_url.replace("&", "&amp;")}</code>'
            in html
        )
        assert "New authorization URL" in html

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            (
                {"password": ""},
                "QuickBooks Payroll signs in with a user name and password: give the password.",
            ),
            (
                {"user_name": ""},
                "QuickBooks Payroll signs in with a user name and password: give the user name.",
            ),
            ({"payroll_provider": "gusto"}, "Gusto uses OAuth2: send no password."),
            (
                {"payroll_provider": "xero"},
                "Select a valid choice. xero is not one of the available choices.",
            ),
            ({"user_name": "tab\there"}, "The user name may not contain control characters"),
            ({"company": "not-a-company"}, "“not-a-company” is not a valid UUID."),
        ],
    )
    def test_it_explains_what_is_wrong(self, manager_client, company, changes, message):
        r = manager_client.post("/accounts/create/", form_data(company, **changes))
        assert r.status_code == 400
        assert message in r.content.decode()
        assert not PayrollAccount.objects.exists()

    def test_the_table_can_preselect_a_company(self, manager_client, company):
        html = manager_client.get(f"/accounts/?company={company.id}").content.decode()
        assert f'<option value="{company.id}" selected>Platypus Properties</option>' in html

    def test_it_requires_the_add_permission(self, viewer_client, company):
        assert viewer_client.post("/accounts/create/", form_data(company)).status_code == 403
        assert not PayrollAccount.objects.exists()

    def test_it_rejects_get(self, manager_client):
        assert manager_client.get("/accounts/create/").status_code == 405
