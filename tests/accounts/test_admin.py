from __future__ import annotations

import pytest

from accounts.models import PayrollAccount
from companies.models import ActivityEntry
from tests.support import make_account, page_of

pytestmark = pytest.mark.django_db


class TestAdmin:
    def test_the_list_works_and_searches(self, admin_client, company):
        account = make_account(company)
        r = admin_client.get("/admin/accounts/payrollaccount/", {"q": "john.smith"})
        assert r.status_code == 200
        assert str(account.account_id) in r.content.decode()
        r = admin_client.get("/admin/accounts/payrollaccount/", {"q": str(account.account_id)})
        assert str(account.account_id) in r.content.decode()

    def test_accounts_cannot_be_added_or_edited_there(self, admin_client, company):
        account = make_account(company)
        assert admin_client.get("/admin/accounts/payrollaccount/add/").status_code == 403
        page = page_of(
            admin_client.get(f"/admin/accounts/payrollaccount/{account.account_id}/change/"),
            "View payroll account",
        )
        assert '<div class="readonly">john.smith@company.com</div>' in page
        assert 'name="user_name"' not in page  # read-only

    def test_delete_goes_through_the_service(self, admin_client, company):
        account = make_account(company)
        admin_client.post(
            f"/admin/accounts/payrollaccount/{account.account_id}/delete/", {"post": "yes"}
        )
        assert not PayrollAccount.objects.exists()
        assert ActivityEntry.objects.filter(action="payroll.deleted").exists()

    def test_the_disconnect_action(self, admin_client, company):
        connected = make_account(company, status="CONNECTED")
        pending = make_account(company)
        admin_client.post(
            "/admin/accounts/payrollaccount/",
            {
                "action": "disconnect",
                "_selected_action": [str(connected.account_id), str(pending.account_id)],
            },
        )
        connected.refresh_from_db()
        pending.refresh_from_db()
        assert (connected.status, pending.status) == ("DISCONNECTED", "PENDING")
