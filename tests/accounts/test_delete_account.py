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

    def test_htmx_removes_the_row_and_says_so(self, manager_client, company, htmx_headers):
        account = make_account(company)
        r = manager_client.post(f"/accounts/{account.account_id}/delete/", headers=htmx_headers)
        html = fragment_of(r, "messages")
        assert 'hx-swap-oob="true"' in html
        assert "Deleted the QuickBooks Payroll account." in html
        assert "<tr" not in html

    def test_it_requires_the_delete_permission(self, viewer_client, company):
        account = make_account(company)
        assert viewer_client.post(f"/accounts/{account.account_id}/delete/").status_code == 403
        assert viewer_client.get(f"/accounts/{account.account_id}/delete/").status_code == 403
        assert PayrollAccount.objects.exists()

    def test_deleting_the_company_deletes_its_accounts(self, manager_client, company):
        make_account(company)
        manager_client.post(f"/companies/{company.id}/delete/")
        assert not PayrollAccount.objects.exists()
