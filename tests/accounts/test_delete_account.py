from __future__ import annotations

import pytest

from accounts.models import PayrollAccount
from companies.models import ActivityEntry
from tests.support import fragment_of, make_account

pytestmark = pytest.mark.django_db


class TestDelete:
    def test_it_asks_first(self, manager_client, company):
        account = make_account(company)
        r = manager_client.get(f"/accounts/{account.account_id}/delete/")
        assert r.status_code == 200
        html = r.content.decode()
        assert "Delete this QuickBooks Payroll account?" in html
        assert f"<code>{account.account_id}</code>" in html
        assert PayrollAccount.objects.exists()

    def test_it_works(self, manager_client, company):
        account = make_account(company)
        r = manager_client.post(f"/accounts/{account.account_id}/delete/")
        assert r.status_code == 302
        assert r["Location"] == "/accounts/"
        assert not PayrollAccount.objects.exists()
        entry = ActivityEntry.objects.get(action="payroll.deleted")
        assert entry.message == (
            "Deleted the QuickBooks Payroll payroll account john.smith@company.com."
        )
        assert entry.actor_label == "manager"

    def test_htmx_sends_the_table_back_with_its_new_count(
        self, manager_client, company, htmx_headers
    ):
        kept = make_account(company, user_name="kept@company.com")
        account = make_account(company)
        shown = "http://testserver/accounts/?q=company.com"
        r = manager_client.post(
            f"/accounts/{account.account_id}/delete/",
            headers={**htmx_headers, "HX-Current-URL": shown},
        )
        table = fragment_of(r, "accounts-table")
        messages = table[table.index('id="messages"') :]
        assert 'hx-swap-oob="true"' in messages
        assert "Deleted the QuickBooks Payroll account." in messages
        assert "1 payroll account match" in table  # the filter the page shows, kept
        assert f'id="account-{kept.account_id}"' in table
        assert f'id="account-{account.account_id}"' not in table

    def test_deleting_the_last_row_shows_the_empty_table(
        self, manager_client, company, htmx_headers
    ):
        account = make_account(company)
        r = manager_client.post(
            f"/accounts/{account.account_id}/delete/",
            headers={**htmx_headers, "HX-Current-URL": "http://testserver/accounts/"},
        )
        table = fragment_of(r, "accounts-table")
        assert "0 payroll accounts" in table
        assert "No payroll accounts yet." in table

    def test_it_requires_the_delete_permission(self, viewer_client, company):
        account = make_account(company)
        assert viewer_client.post(f"/accounts/{account.account_id}/delete/").status_code == 403
        assert viewer_client.get(f"/accounts/{account.account_id}/delete/").status_code == 403
        assert PayrollAccount.objects.exists()

    def test_deleting_the_company_deletes_its_accounts(self, manager_client, company):
        make_account(company)
        manager_client.post(f"/companies/{company.id}/delete/")
        assert not PayrollAccount.objects.exists()
