"""Staff add a payroll account with the form beside the table."""

from __future__ import annotations

import pytest

from accounts.models import PayrollAccount
from companies.models import ActivityEntry
from tests.support import page_of

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
            (
                {"payroll_provider": "xero"},
                "Select a valid choice. xero is not one of the available choices.",
            ),
            ({"user_name": "tab\there"}, "The user name may not contain control characters"),
            ({"company": "not-a-company"}, "No company’s name contains “not-a-company”."),
        ],
    )
    def test_it_explains_what_is_wrong(self, manager_client, company, changes, message):
        r = manager_client.post("/accounts/create/", form_data(company, **changes))
        assert r.status_code == 400
        assert message in r.content.decode()
        assert not PayrollAccount.objects.exists()

    def test_the_company_page_link_fills_in_the_company(self, manager_client, company):
        html = manager_client.get(f"/accounts/?company={company.id}").content.decode()
        assert 'name="company" id="id_company" value="Platypus Properties"' in html
        assert f'<input type="hidden" name="company_id" value="{company.id}">' in html

    def test_an_unknown_company_id_is_a_form_error(self, manager_client, company):
        unknown = "7543a8d3-d8b0-46cd-bfd2-7307fec0e527"
        r = manager_client.post("/accounts/create/", {**form_data(company), "company": unknown})
        assert r.status_code == 400
        assert "No company has this id." in r.content.decode()
        assert not PayrollAccount.objects.exists()

    def test_the_form_does_not_list_every_company(self, manager_client, company):
        html = page_of(manager_client.get("/accounts/"), "Payroll accounts")
        assert '<input type="text" name="company"' in html
        assert '<select name="company"' not in html
        assert company.name not in html

    def test_it_requires_the_add_permission(self, viewer_client, company):
        assert viewer_client.post("/accounts/create/", form_data(company)).status_code == 403
        assert not PayrollAccount.objects.exists()

    def test_it_rejects_get(self, manager_client):
        assert manager_client.get("/accounts/create/").status_code == 405


class TestOAuthProviders:
    def test_the_form_says_which_fields_they_do_not_need(self, manager_client):
        html = page_of(manager_client.get("/accounts/"), "Payroll accounts")
        assert '<option value="gusto" data-auth="oauth2">Gusto</option>' in html
        assert '<option value="quickbooks" data-auth="credentials">' in html
        assert 'data-unused-by-auth="oauth2"' in html
        assert "Not needed for OAuth providers (Gusto)" in html

    def test_a_user_name_and_password_typed_anyway_are_ignored(self, manager_client, company):
        r = manager_client.post("/accounts/create/", form_data(company, payroll_provider="gusto"))
        assert r.status_code == 302
        account = PayrollAccount.objects.get()
        assert (account.user_name, account.get_password()) == ("", None)
        assert account.authorization_url
