"""Staff add a payroll account in a real browser: the company found by typing its name and
chosen with the keyboard, the fields an OAuth provider does not use hidden, and the same
form working without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import PayrollAccount
from companies import services
from tests.browser.conftest import log_in_on
from tests.support import make_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]


def test_a_manager_chooses_the_company_with_the_keyboard(login, manager, live_server):
    services.company_create(name="Platypus Properties")
    first = services.company_create(name="Wombat Works")
    second = services.company_create(name="Wombat Wholesale")
    page = login(manager, "/accounts/")

    field = page.get_by_role("combobox", name="Company")
    field.press_sequentially("womb", delay=40)
    options = page.get_by_role("listbox", name="Matching companies").get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.first).to_contain_text("Wombat Wholesale")  # by name
    expect(field).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#company-status")).to_contain_text("2 matches.")

    field.press("ArrowDown")
    field.press("ArrowDown")
    highlighted = page.locator("[role=option][aria-selected=true]")
    expect(highlighted).to_contain_text("Wombat Works")
    expect(field).to_have_attribute("aria-activedescendant", highlighted.get_attribute("id"))
    field.press("Enter")  # chooses; does not submit the form

    expect(field).to_have_value("Wombat Works")
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#company-options")).to_be_hidden()
    expect(page.locator("#company-status")).to_have_text("Chosen: Wombat Works.")
    assert not PayrollAccount.objects.exists()

    # An OAuth provider needs no user name and password: their fields go. Choosing it is not
    # a change to the table's filters: the table is neither fetched again nor filtered.
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.locator("#create-account").get_by_label("Provider").select_option("Gusto")
    page.wait_for_timeout(500)  # the filters send at once on a change of theirs
    assert not [url for url in requests if "/accounts/?" in url]
    assert page.url.endswith("/accounts/")
    expect(page.locator("#create-account").get_by_label("User name")).to_be_hidden()
    expect(page.locator("#create-account").get_by_label("Password")).to_be_hidden()
    page.locator("#create-account").get_by_label("Provider").select_option("QuickBooks Payroll")
    page.locator("#create-account").get_by_label("User name").fill("jo@wombat.example")
    page.locator("#create-account").get_by_label("Password").fill("hunter2-long")
    page.get_by_role("button", name="Add account").click()

    expect(page.get_by_text("Added the QuickBooks Payroll account.")).to_be_visible()
    account = PayrollAccount.objects.get()
    assert account.company_id == first.pk != second.pk


def test_escape_closes_the_list_and_typing_again_forgets_the_choice(login, manager, live_server):
    services.company_create(name="Wombat Works")
    page = login(manager, "/accounts/")
    field = page.get_by_role("combobox", name="Company")
    field.press_sequentially("wom", delay=40)
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(1)
    field.press("Escape")
    expect(page.locator("#company-options")).to_be_hidden()
    field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value("Wombat Works")
    hidden_id = page.locator("input[name=company_id]")
    assert hidden_id.input_value()
    field.press("End")
    field.press_sequentially(" Two", delay=40)
    assert hidden_id.input_value() == ""


def test_the_company_page_link_opens_the_form_with_the_company(login, manager, live_server):
    company = services.company_create(name="Platypus Properties")
    page = login(manager, f"/companies/{company.id}/")
    page.get_by_role("link", name="Add payroll account").click()
    expect(page.get_by_role("combobox", name="Company")).to_have_value("Platypus Properties")


def _without_javascript(browser: Browser, live_server, user) -> Page:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return log_in_on(page, live_server.url, user, "/accounts/")


def test_without_javascript_a_part_of_a_name_lists_the_matches(
    browser: Browser, live_server, manager
):
    services.company_create(name="Wombat Works")
    wholesale = services.company_create(name="Wombat Wholesale")
    page = _without_javascript(browser, live_server, manager)
    page.get_by_label("Company", exact=True).fill("wombat")
    page.locator("#create-account").get_by_label("Provider").select_option("Gusto")
    expect(page.get_by_text("Not needed for OAuth providers (Gusto)")).to_be_visible()
    page.get_by_role("button", name="Add account").click()

    expect(page.get_by_text("No company is named exactly “wombat”")).to_be_visible()
    matches = page.get_by_role("group", name="Companies matching “wombat”")
    matches.get_by_label("Wombat Wholesale").check()
    page.get_by_role("button", name="Add account").click()

    expect(page.get_by_text("Added the Gusto account.")).to_be_visible()
    assert PayrollAccount.objects.get().company_id == wholesale.pk


def test_deleting_an_account_keeps_the_count_true_and_focus_in_the_table(
    login, manager, live_server
):
    company = services.company_create(name="Wombat Works")
    make_account(company, user_name="first@wombat.example")
    make_account(company, user_name="second@wombat.example")
    page = login(manager, "/accounts/")
    expect(page.locator("#accounts-summary")).to_contain_text("2 payroll accounts")

    row = page.locator("tr.account-row", has_text="second@wombat.example")
    row.get_by_role("link", name="Delete QuickBooks Payroll account second@wombat.example").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Delete").click()

    expect(row).to_have_count(0)
    expect(page.locator("#accounts-summary")).to_contain_text("1 payroll account")
    expect(page.locator("#messages")).to_contain_text("Deleted the QuickBooks Payroll account.")
    # Focus stays in the table, on the row that is left.
    left = page.locator("tr.account-row", has_text="first@wombat.example")
    expect(left.get_by_role("link", name="first@wombat.example", exact=True)).to_be_focused()

    left.get_by_role("link", name="Delete QuickBooks Payroll account first@wombat.example").click()
    dialog.get_by_role("button", name="Delete").click()
    expect(page.locator("#accounts-summary")).to_contain_text("0 payroll accounts")
    expect(page.get_by_text("No payroll accounts yet.")).to_be_visible()
    expect(page.locator("#accounts-summary")).to_be_focused()
    assert not PayrollAccount.objects.exists()
