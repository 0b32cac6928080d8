"""Every portal and Link page, at a phone's width and a desktop's, in light and dark mode:
no page wider than the screen, every button within it, and zero axe-core violations.

Screenshots of each page land in `screenshots/` (ignored by git), so that anyone can look at
the whole portal after `make test`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import PayrollAccount
from companies import services
from companies.activity import Actor
from companies.models import DataConnection, DataPull, LinkSettings, PulledRecord
from portal.services import api_key_create
from portal.webhooks.services import endpoint_create
from tests.browser.conftest import log_in_on
from tests.support import PROJECT_ROOT, make_account, path_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]

SCREENSHOTS = PROJECT_ROOT / "screenshots"
WIDTHS = {"phone": (390, 844), "desktop": (1440, 900)}
SCHEMES = ("light", "dark")
# What a phone's width holds: the page and each visible button within it.
OVERFLOW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  const outside = [...document.querySelectorAll('button, a.button, input[type=submit]')]
    .filter(el => el.offsetParent !== null)
    .map(el => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.width > 0 && (box.left < -1 || box.right > width + 1))
    .map(([el, box]) => (el.textContent || el.value).trim().slice(0, 40));
  return {page: document.documentElement.scrollWidth, width, outside};
}"""


@dataclass(frozen=True)
class Visit:
    name: str
    path: str
    heading: str
    # Brings the page to the state checked (a form or menu open, a dialog shown).
    then: Callable[[Page], None] | None = None


def _open_create_form(page: Page) -> None:
    page.locator("summary", has_text="New company").click()
    expect(page.locator("#create-company").get_by_label("Name")).to_be_visible()


def _refuse_a_name(page: Page) -> None:
    _open_create_form(page)
    page.locator("#create-company").get_by_label("Name").fill("\u0410cme Ltd")
    page.locator("#create-company").get_by_role("button", name="Create company").click()
    expect(page.get_by_role("button", name="Use “Acme Ltd”")).to_be_visible()


def _open_row_menu(page: Page) -> None:
    page.locator("details.row-menu summary").first.click()
    expect(page.locator("details.row-menu[open] a").first).to_be_visible()


def _open_delete_confirmation(page: Page) -> None:
    _open_row_menu(page)
    page.locator("details.row-menu[open] a", has_text="Delete").click()
    expect(page.get_by_role("dialog")).to_be_visible()


def _open_revoke_confirmation(page: Page) -> None:
    page.get_by_role("button", name="Revoke Link URLs").click()
    expect(page.get_by_role("dialog")).to_be_visible()


def _ask_without_the_script(page: Page) -> None:
    """Submits an asking form as a browser without JavaScript would: the confirm page."""
    with page.expect_navigation():
        page.evaluate("document.querySelector('form[action$=\"/revoke/\"]').submit()")
    expect(page.get_by_role("heading", name="Revoke?")).to_be_visible()


def _refuse_a_redirect_url(page: Page) -> None:
    page.get_by_label("Redirect URL").fill("not an address")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-errors").first).to_be_visible()


def _open_company_autocomplete(page: Page) -> None:
    field = page.get_by_role("combobox", name="Company")
    field.press_sequentially("es", delay=30)
    expect(
        page.get_by_role("listbox", name="Matching companies").get_by_role("option")
    ).to_have_count(2)
    field.press("ArrowDown")


def _choose_an_oauth_provider(page: Page) -> None:
    form = page.locator("#create-account")
    form.get_by_label("Provider").select_option("gusto")
    expect(form.get_by_label("Password")).to_be_hidden()


def _send_part_of_a_company_name(page: Page) -> None:
    form = page.locator("#create-account")
    form.get_by_label("Provider").select_option("gusto")
    page.locator("#id_company").fill("es")
    form.get_by_role("button", name="Add account").click()
    expect(page.get_by_role("group", name="Companies matching “es”")).to_be_visible()


@pytest.fixture
def portal_data(django_user_model, manager: User) -> dict:
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    settings_row = LinkSettings.load()
    settings_row.redirect_url_template = "https://example.com/linked?company={companyId}"
    settings_row.save()
    company = services.company_create(
        name="Platypus Properties", description="Platypuses are venomous mammals"
    )
    services.company_create(name="Echidna Estates")
    linked = DataConnection.objects.create(
        company=company, platform="xero", source_type="Accounting", status="Linked"
    )
    DataConnection.objects.create(
        company=company,
        platform="sage",
        source_type="Accounting",
        status="Deauthorized",
        error_status_code=401,
        error_message="The user revoked access.",
        errored_at=timezone.now(),
    )
    DataPull.objects.create(company=company, connection=linked, status="Complete")
    PulledRecord.objects.create(
        connection=linked,
        data_type="invoices",
        external_id="INV-1",
        display_name="Invoice 1",
        amount=120,
        payload={"id": "INV-1"},
    )
    services.company_update(company=company, name="Platypus Properties", actor=Actor.system())
    account = make_account(company, user_name="jo+mfa@company.com")
    PayrollAccount.objects.filter(pk=account.pk).update(status="MFA_REQUIRED", mfa_source="SMS")
    api_key_create(name="sign-up service", created_by=manager)
    endpoint, _ = endpoint_create(url="https://hooks.example.com/causeway", description="CRM")
    return {"company": company, "account": account, "endpoint": endpoint}


def _portal_visits(data: dict) -> list[Visit]:
    company, account, endpoint = data["company"], data["account"], data["endpoint"]
    return [
        Visit("dashboard", "/", "Dashboard"),
        Visit("companies", "/companies/", "Companies"),
        Visit("companies-empty", "/companies/?q=nothing-matches", "Companies"),
        Visit("companies-create-open", "/companies/", "Companies", _open_create_form),
        Visit("companies-create-refused", "/companies/", "Companies", _refuse_a_name),
        Visit("companies-menu-open", "/companies/", "Companies", _open_row_menu),
        Visit("companies-confirm-open", "/companies/", "Companies", _open_delete_confirmation),
        Visit("company", f"/companies/{company.id}/", company.name),
        Visit(
            "company-confirm-open",
            f"/companies/{company.id}/",
            company.name,
            _open_revoke_confirmation,
        ),
        Visit("company-delete", f"/companies/{company.id}/delete/", f"Delete “{company.name}”?"),
        Visit("company-data", f"/companies/{company.id}/data/", "Pulled data"),
        Visit("records", f"/companies/{company.id}/data/invoices/", "Invoices"),
        Visit("payroll-accounts", "/accounts/", "Payroll accounts"),
        Visit("payroll-autocomplete", "/accounts/", "Payroll accounts", _open_company_autocomplete),
        Visit("payroll-oauth", "/accounts/", "Payroll accounts", _choose_an_oauth_provider),
        Visit("payroll-matches", "/accounts/", "Payroll accounts", _send_part_of_a_company_name),
        Visit("payroll-account", f"/accounts/{account.account_id}/", "QuickBooks Payroll"),
        Visit("settings", "/settings/", "Settings"),
        Visit("link-settings", "/settings/link/", "Link"),
        Visit("link-settings-error", "/settings/link/", "Link", _refuse_a_redirect_url),
        Visit("sync-settings", "/settings/sync/", "Sync"),
        Visit("api-keys", "/settings/api-keys/", "API keys"),
        Visit("confirm-page", "/settings/api-keys/", "Revoke?", _ask_without_the_script),
        Visit("webhooks", "/settings/webhooks/", "Webhooks"),
        Visit("webhook", f"/settings/webhooks/{endpoint.id}/", "Webhook endpoint"),
    ]


def _check(browser: Browser, base: str, visits: list[Visit], *, logged_in_as=None) -> list[str]:
    problems = []
    axe = Axe()
    SCREENSHOTS.mkdir(exist_ok=True)
    for scheme in SCHEMES:
        for size_name, (width, height) in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, color_scheme=scheme
            )
            page = context.new_page()
            page.set_default_timeout(10_000)
            if logged_in_as:
                log_in_on(page, base, logged_in_as)
            for visit in visits:
                where = f"{visit.name} ({size_name}, {scheme})"
                response = page.goto(f"{base}{visit.path}")
                if response is None or response.status >= 400 and "error" not in visit.name:
                    problems.append(f"{where}: status {response and response.status}")
                    continue
                if visit.then:
                    visit.then(page)
                heading = page.locator("h1").first.inner_text()
                if visit.heading not in heading:
                    problems.append(f"{where}: heading {heading!r}, not {visit.heading!r}")
                fit = page.evaluate(OVERFLOW_SCRIPT)
                if fit["page"] > fit["width"]:
                    problems.append(f"{where}: {fit['page']} px wide on a {fit['width']} px screen")
                if fit["outside"]:
                    problems.append(f"{where}: buttons off-screen: {fit['outside']}")
                for violation in axe.run(page).response["violations"]:
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    problems.append(f"{where}: axe {violation['id']}: {targets}")
                page.screenshot(
                    path=str(Path(SCREENSHOTS, f"{visit.name}-{size_name}-{scheme}.png")),
                    full_page=True,
                )
            context.close()
    return problems


def test_every_portal_page_fits_a_phone_and_has_no_axe_violations(
    browser: Browser, live_server, portal_data, manager
):
    problems = _check(browser, live_server.url, _portal_visits(portal_data), logged_in_as=manager)
    assert not problems, "\n".join(problems)


def test_every_link_page_fits_a_phone_and_has_no_axe_violations(
    browser: Browser, live_server, company
):
    from companies.link.tokens import link_url_for

    start = path_of(link_url_for(company))
    visits = [
        Visit("link-start", start, f"Connect the financial platforms of {company.name}"),
        Visit("link-sign-in", f"{start}payroll/quickbooks/", "Sign in to QuickBooks Payroll"),
        Visit("link-error", "/link/not-a-token/", "This link is not valid"),
    ]
    problems = _check(browser, live_server.url, visits)
    assert not problems, "\n".join(problems)


def test_the_login_page_has_no_axe_violations(browser: Browser, live_server, db):
    problems = _check(browser, live_server.url, [Visit("login", "/login/", "Log in")])
    assert not problems, "\n".join(problems)
