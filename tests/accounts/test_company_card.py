"""The company page lists the company's payroll accounts."""

from __future__ import annotations

import pytest

from companies import services as company_services
from tests.support import make_account, page_of

pytestmark = pytest.mark.django_db


class TestCompanyCard:
    def test_it_lists_the_companys_accounts(self, viewer_client, company):
        account = make_account(company, status="CONNECTED")
        make_account(company_services.company_create(name="Wombat Works"), user_name="other@x")
        html = page_of(viewer_client.get(f"/companies/{company.id}/"), "Platypus Properties")
        assert '<h2 id="payroll-heading">Payroll accounts</h2>' in html
        assert f'<a href="/accounts/{account.account_id}/">QuickBooks Payroll</a>' in html
        assert "john.smith@company.com" in html
        assert '<span class="badge tone-ok" title="API status: CONNECTED">Linked</span>' in html
        assert "other@x" not in html
        assert "Add payroll account" not in html  # a viewer

    def test_a_manager_can_add_one_for_the_company(self, manager_client, company):
        html = manager_client.get(f"/companies/{company.id}/").content.decode()
        assert f'href="/accounts/?company={company.id}#create-account">Add payroll account' in html
        assert "No payroll accounts yet." in html
