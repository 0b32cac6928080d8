"""An end user links their payroll provider through Link, with an MFA code, in a real browser,
and lands on the business's redirect URL; staff then see the account connected."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from accounts.models import PayrollAccount
from companies import services
from companies.link.tokens import link_url_for
from companies.models import LinkSettings

# serialized_rollback: the live server needs a flushed (transactional) database, and the
# flush would otherwise take the migration-created staff groups with it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]

PARTNER = "https://partner.example"
PASSWORD = "very-secret-password"


@pytest.fixture
def landing_pages(page: Page) -> list[str]:
    """The business's own site: a tiny page served by the test for any URL on its host."""
    visited: list[str] = []

    def serve(route: Route) -> None:
        visited.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Welcome back to Partner</h1>")

    page.route(f"{PARTNER}/**", serve)
    return visited


@pytest.fixture
def redirect_to_partner(db) -> None:
    link_settings = LinkSettings.load()
    link_settings.redirect_url_template = (
        f"{PARTNER}/linked?company={{companyId}}&connection={{connectionId}}"
        "&platform={platform}&type={sourceType}&status={statusCode}&customer={customerId}"
    )
    link_settings.save()


def test_an_end_user_links_a_payroll_provider_with_mfa(
    page: Page, live_server, settings, landing_pages, redirect_to_partner, login, manager
):
    settings.PUBLIC_BASE_URL = live_server.url
    company = services.company_create(name="Platypus Properties")
    link_url = link_url_for(company)
    assert link_url.startswith(live_server.url)

    page.goto(f"{link_url}?customerId=cust-42")
    choice = page.get_by_role("button", name=re.compile(r"QuickBooks Payroll\s+Payroll"))
    expect(choice).to_be_visible()
    choice.click()

    expect(page.get_by_role("heading", name="Sign in to QuickBooks Payroll")).to_be_visible()
    page.get_by_label("User name").fill("john.smith+mfa@company.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Verified at once: the code is asked for on the next page.
    expect(page.get_by_role("heading", name="Enter your QuickBooks Payroll code")).to_be_visible()
    expect(page.get_by_text("authenticator app")).to_be_visible()
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("QuickBooks Payroll refused the code. 2 tries left.")).to_be_visible()

    page.get_by_label("Code", exact=True).fill("123456")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{PARTNER}/linked?**")
    expect(page.get_by_role("heading", name="Welcome back to Partner")).to_be_visible()

    account = PayrollAccount.objects.get()
    query = parse_qs(urlsplit(page.url).query, keep_blank_values=True)
    assert query == {
        "company": [str(company.id)],
        "connection": [str(account.account_id)],
        "platform": ["quickbooks"],
        "type": ["Payroll"],
        "status": ["200"],
        "customer": ["cust-42"],
    }
    assert landing_pages == [page.url]
    assert account.status == "CONNECTED"
    assert account.user_name == "john.smith+mfa@company.com"
    assert PASSWORD not in account.password_ciphertext

    # Staff see it in the portal.
    login(manager, "/accounts/")
    row = page.locator("tr.account-row", has_text="john.smith+mfa@company.com")
    expect(row).to_contain_text("QuickBooks Payroll")
    expect(row).to_contain_text("Platypus Properties")
    expect(row).to_contain_text("Linked")


def test_an_end_user_cancels_at_the_sign_in_page(
    page: Page, live_server, settings, landing_pages, redirect_to_partner
):
    settings.PUBLIC_BASE_URL = live_server.url
    company = services.company_create(name="Platypus Properties")
    page.goto(link_url_for(company))
    page.get_by_role("button", name=re.compile(r"Paychex Flex\s+Payroll")).click()
    page.get_by_role("button", name="Cancel").click()
    page.wait_for_url(f"{PARTNER}/linked?**")
    query = parse_qs(urlsplit(page.url).query, keep_blank_values=True)
    assert (query["status"], query["platform"], query["connection"]) == (
        ["403"],
        ["paychex"],
        [""],
    )
    assert not PayrollAccount.objects.exists()
