"""The payroll accounts table at /accounts/: filters, search, pages, permissions, queries."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies import services as company_services
from tests.support import fragment_of, make_account, page_of

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r'<tr id="account-([0-9a-f-]{36})" class="account-row">\s*<td><a href="[^"]*">([^<]*)</a>'
)


def row_names(response) -> list[str]:
    return [unescape(name) for _, name in ROW.findall(response.content.decode())]


def summary(response) -> str:
    match = re.search(r'<p class="table-summary"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    assert match, "no table summary"
    return unescape(" ".join(match.group(1).split()))


@pytest.fixture
def wombat(db):
    return company_services.company_create(name="Wombat Works")


@pytest.fixture
def accounts(company, wombat):
    return [
        make_account(company, user_name="alice@platypus.example", status="CONNECTED"),
        make_account(
            company, provider="adp", user_name="bob@platypus.example", status="MFA_REQUIRED"
        ),
        make_account(wombat, provider="paychex", user_name="carol@wombat.example"),
        make_account(wombat, provider="gusto"),
    ]


class TestTable:
    def test_it_works(self, manager_client, accounts, company):
        r = manager_client.get("/accounts/")
        assert r.status_code == 200
        html = r.content.decode()
        assert "<h1>Payroll accounts</h1>" in html
        assert summary(r) == "4 payroll accounts"
        assert row_names(r) == [
            "(OAuth2 account)",
            "carol@wombat.example",
            "bob@platypus.example",
            "alice@platypus.example",
        ]
        assert "QuickBooks Payroll" in html and "ADP Workforce Now" in html
        assert f'<a href="/companies/{company.id}/">Platypus Properties</a>' in html
        assert '<span class="badge tone-ok" title="API status: CONNECTED">Linked</span>' in html
        assert (
            '<span class="badge tone-pending" title="API status: MFA_REQUIRED">'
            "Needs an MFA code</span>"
        ) in html
        assert str(accounts[0].account_id) in html

    def test_it_shows_an_empty_table(self, manager_client):
        r = manager_client.get("/accounts/")
        assert "No payroll accounts yet." in r.content.decode()

    @pytest.mark.parametrize(
        ("params", "names"),
        [
            ({"status": "CONNECTED"}, ["alice@platypus.example"]),
            ({"provider": "adp"}, ["bob@platypus.example"]),
            ({"q": "WOMBAT"}, ["carol@wombat.example"]),
            ({"q": "platypus", "status": "MFA_REQUIRED"}, ["bob@platypus.example"]),
            ({"q": "nobody"}, []),
        ],
    )
    def test_it_filters_and_searches(self, manager_client, accounts, params, names):
        r = manager_client.get("/accounts/", params)
        page_of(r, "Payroll accounts")
        assert row_names(r) == names

    def test_it_filters_by_company(self, manager_client, accounts, wombat):
        r = manager_client.get("/accounts/", {"company": str(wombat.id)})
        assert row_names(r) == ["(OAuth2 account)", "carol@wombat.example"]
        assert summary(r) == "2 payroll accounts match these filters"
        assert f'name="company" value="{wombat.id}"' in r.content.decode()

    @pytest.mark.parametrize(
        "params",
        [
            {"status": "LINKED"},
            {"provider": "xero"},
            {"company": "nope"},
            {"q": "a\x00b"},
            {"page": "x"},
        ],
    )
    def test_bad_filter_values_are_ignored(self, manager_client, accounts, params):
        r = manager_client.get("/accounts/", params)
        page_of(r, "Payroll accounts")
        assert len(row_names(r)) == (0 if "q" in params else 4)

    def test_htmx_gets_the_table_alone(self, manager_client, accounts, htmx_headers):
        r = manager_client.get("/accounts/", {"status": "CONNECTED"}, headers=htmx_headers)
        html = fragment_of(r, "accounts-table")
        assert "<h1>" not in html
        assert row_names(r) == ["alice@platypus.example"]
        assert r["Vary"] and "HX-Request" in r["Vary"]

    def test_it_has_pages(self, manager_client, company):
        for n in range(27):
            make_account(company, user_name=f"user{n:02d}@example.com")
        first = manager_client.get("/accounts/")
        assert len(row_names(first)) == 25
        assert "Page 1 of 2" in first.content.decode()
        second = manager_client.get("/accounts/", {"page": 2})
        assert row_names(second) == ["user01@example.com", "user00@example.com"]
        assert 'rel="prev"' in second.content.decode()

    def test_the_query_count_does_not_grow_with_the_rows(self, manager_client, company, wombat):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert manager_client.get("/accounts/").status_code == 200
            return len(queries)

        make_account(company)
        few = count()
        for n in range(20):
            make_account(wombat if n % 2 else company, provider="adp", user_name=f"u{n}")
        assert count() == few


class TestPermissions:
    def test_it_requires_login(self, client):
        r = client.get("/accounts/")
        assert r.status_code == 302
        assert r["Location"] == "/login/?next=/accounts/"

    def test_an_outsider_is_refused(self, outsider_client):
        assert outsider_client.get("/accounts/").status_code == 403

    def test_a_viewer_sees_the_table_without_create_or_delete(self, viewer_client, accounts):
        r = viewer_client.get("/accounts/")
        assert r.status_code == 200
        html = r.content.decode()
        assert len(row_names(r)) == 4
        assert 'id="create-account"' not in html
        assert ">Delete<" not in html

    def test_a_manager_sees_create_and_delete(self, manager_client, accounts):
        html = manager_client.get("/accounts/").content.decode()
        assert 'id="create-account"' in html
        assert ">Delete<" in html

    def test_it_rejects_post(self, manager_client):
        assert manager_client.post("/accounts/").status_code == 405


class TestNavigation:
    def test_staff_who_may_view_see_payroll_accounts_in_the_nav(self, viewer_client):
        html = viewer_client.get("/companies/").content.decode()
        assert '<a href="/accounts/">Payroll accounts</a>' in html

    def test_it_is_marked_current_on_its_pages(self, viewer_client):
        html = viewer_client.get("/accounts/").content.decode()
        assert '<a href="/accounts/" aria-current="page">Payroll accounts</a>' in html

    def test_an_outsider_does_not_see_it(self, outsider_client):
        html = page_of(outsider_client.get("/settings/"), "Settings")
        assert "Payroll accounts" not in html
