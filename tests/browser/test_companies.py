"""A staff member manages companies in a real browser: create, search, delete, edit in place."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Dialog, Locator, Page, Request, expect

from companies import services
from companies.models import Company

# The live server needs a transactional database, flushed after each test. serialized_rollback
# has Django keep the migrated contents (staff groups...), which conftest restores before each.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]


def _mark_page(page: Page) -> None:
    """A flag on `window` that only a full page load can remove."""
    page.evaluate("window.__marker = 1")


def _assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def _search(page: Page, text: str) -> None:
    """Type into the live search box and wait until the URL holds the search."""
    searches: list[str] = []

    def record(request: Request) -> None:
        if "q=" in request.url:
            searches.append(request.url)

    page.on("request", record)
    page.get_by_label("Search by name or id").press_sequentially(text, delay=30)
    expect(page).to_have_url(re.compile(rf"/companies/\?(.*&)?q={re.escape(text)}(&|$)"))
    page.remove_listener("request", record)
    # Debounced: one request for the whole word, not one per keystroke.
    assert 1 <= len(searches) < len(text), searches


def _no_browser_dialogs(page: Page) -> list[str]:
    """The browser's own confirm() boxes that opened (there should be none): each is
    dismissed and recorded."""
    opened: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return opened


def _open_confirmation(page: Page, row: Locator, name: str) -> Locator:
    """Open the row's actions menu, choose Delete: the page's confirmation dialog."""
    row.locator("summary", has_text=f"Actions for {name}").click()
    row.get_by_role("link", name=f"Delete {name}").click()
    dialog = page.get_by_role("dialog", name=re.compile(f"Delete the company “{name}”"))
    expect(dialog).to_be_visible()
    return dialog


def _delete_from_row(page: Page, row: Locator, name: str) -> None:
    """Delete the row's company through its menu and the confirmation dialog."""
    dialog = _open_confirmation(page, row, name)
    dialog.get_by_role("button", name="Delete").click()
    expect(dialog).to_be_hidden()


def _open_create_form(page: Page) -> Locator:
    page.locator("summary", has_text="New company").click()
    form = page.locator("#create-company")
    expect(form.get_by_label("Name")).to_be_visible()
    return form


def test_it_creates_searches_and_deletes_a_company(login, manager, live_server):
    services.company_create(name="Wombat Works")
    page = login(manager)
    _mark_page(page)
    browser_dialogs = _no_browser_dialogs(page)

    form = _open_create_form(page)
    form.get_by_label("Name").fill("Platypus Properties")
    form.get_by_label("Description (optional)").fill("Platypuses are venomous mammals")
    form.get_by_role("button", name="Create company").click()

    rows = page.locator("#company-rows tr.company-row")
    new_row = rows.filter(has_text="Platypus Properties")
    expect(new_row).to_have_count(1)
    expect(rows.first).to_contain_text("Platypus Properties")
    company = Company.objects.get(name="Platypus Properties")
    expect(new_row).to_contain_text(str(company.id)[:8])
    # Focus moves to the new company's name, and the count says one more.
    expect(new_row.get_by_role("link", name="Platypus Properties")).to_be_focused()
    expect(page.locator(".table-summary")).to_contain_text("2 companies")
    expect(page.locator("#table-announcement")).to_have_text(
        "Created company “Platypus Properties”. 2 companies."
    )
    # The form was swapped for a fresh one: query it again rather than reuse the old handle.
    fresh_form = page.locator("#create-company")
    expect(fresh_form.get_by_label("Name")).to_have_value("")
    expect(fresh_form.get_by_label("Description (optional)")).to_have_value("")
    expect(fresh_form.locator(".field-errors")).to_have_count(0)
    expect(page).to_have_url(f"{live_server.url}/companies/")
    _assert_not_reloaded(page)

    _search(page, "platypus")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Platypus Properties")
    _assert_not_reloaded(page)

    _delete_from_row(page, new_row, "Platypus Properties")
    expect(new_row).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("Deleted company “Platypus Properties”")
    assert not browser_dialogs
    assert not Company.objects.filter(pk=company.pk).exists()
    assert Company.objects.filter(name="Wombat Works").exists()
    _assert_not_reloaded(page)


def test_it_searches_and_deletes_an_existing_company(login, manager):
    company = services.company_create(name="Platypus Properties")
    services.company_create(name="Wombat Works")
    page = login(manager)
    _mark_page(page)
    browser_dialogs = _no_browser_dialogs(page)
    rows = page.locator("#company-rows tr.company-row")
    expect(rows).to_have_count(2)

    _search(page, "platypus")
    expect(rows).to_have_count(1)
    expect(page.locator(".table-summary")).to_contain_text("1 company")

    row = rows.filter(has_text="Platypus Properties")
    _delete_from_row(page, row, "Platypus Properties")
    expect(row).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("Deleted company “Platypus Properties”")
    # The last row of the search: its empty state, its count, and focus on the count.
    expect(page.locator(".table-summary")).to_contain_text("0 companies match")
    expect(page.locator(".empty-row")).to_have_text("No companies match these filters.")
    expect(page.locator(".table-summary")).to_be_focused()
    assert not browser_dialogs
    assert not Company.objects.filter(pk=company.pk).exists()
    assert Company.objects.filter(name="Wombat Works").exists()
    _assert_not_reloaded(page)

    # The search lives in the URL: a reload shows the same (now empty) result.
    page.reload()
    expect(page.get_by_label("Search by name or id")).to_have_value("platypus")
    expect(rows).to_have_count(0)


def test_it_shows_create_errors_inline(login, manager):
    page = login(manager)
    _mark_page(page)

    form = _open_create_form(page)
    form.get_by_label("Name").fill("Bad <name>")
    form.get_by_role("button", name="Create company").click()

    errors = page.locator("#create-company .field-errors")
    expect(errors).to_contain_text("“<”")
    expect(errors).to_contain_text("“>”")
    expect(page.locator("#create-company").get_by_label("Name")).to_have_value("Bad <name>")
    assert not Company.objects.exists()
    _assert_not_reloaded(page)


def test_the_confirmation_is_a_dialog_that_escape_cancels(login, manager):
    for name in ("Alpha Anchors", "Bravo Bakery", "Charlie Cheese"):
        services.company_create(name=name)
    page = login(manager, next_path="/companies/?sort=name")
    browser_dialogs = _no_browser_dialogs(page)
    rows = page.locator("#company-rows tr.company-row")
    bravo = rows.filter(has_text="Bravo Bakery")

    dialog = _open_confirmation(page, bravo, "Bravo Bakery")
    # Focus is in the dialog, on the safe choice; the confirm button says what it does.
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    expect(dialog.get_by_role("button", name="Delete")).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(bravo.get_by_role("link", name="Delete Bravo Bakery")).to_be_focused()
    assert Company.objects.count() == 3

    # Escape closes the menu too, back on its button.
    page.keyboard.press("Escape")
    expect(bravo.get_by_role("link", name="Delete Bravo Bakery")).to_be_hidden()

    # Cancel by its button, then confirm by keyboard: Enter on Delete, Tab, Enter.
    dialog = _open_confirmation(page, bravo, "Bravo Bakery")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(bravo.get_by_role("link", name="Delete Bravo Bakery")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Delete")).to_be_focused()
    page.keyboard.press("Enter")

    expect(bravo).to_have_count(0)
    expect(page.locator(".table-summary")).to_contain_text("2 companies")
    # Focus goes to the next row's name, and the change is said.
    expect(rows.filter(has_text="Charlie Cheese").get_by_role("link").first).to_be_focused()
    expect(page.locator("#table-announcement")).to_have_text(
        "Deleted company “Bravo Bakery”. 2 companies."
    )
    assert not Company.objects.filter(name="Bravo Bakery").exists()
    assert not browser_dialogs


def test_a_refused_name_offers_the_cleaned_one(login, manager):
    page = login(manager)
    form = _open_create_form(page)
    form.get_by_label("Name").fill("\u0410cme Ltd")
    form.get_by_role("button", name="Create company").click()
    form = page.locator("#create-company")
    expect(form.locator(".field-errors")).to_contain_text("look alike")
    expect(form.get_by_label("Name")).to_be_focused()
    form.get_by_role("button", name="Use “Acme Ltd”").click()
    expect(page.locator("#company-rows tr.company-row").first).to_contain_text("Acme Ltd")
    assert list(Company.objects.values_list("name", flat=True)) == ["Acme Ltd"]


def test_it_edits_a_company_in_place(login, manager, live_server):
    company = services.company_create(name="Platypus Properties", description="Old words")
    page = login(manager, next_path=f"/companies/{company.id}/")
    _mark_page(page)

    details = page.locator("#company-details")
    details.get_by_role("link", name="Edit").click()
    expect(details.get_by_label("Name")).to_have_value("Platypus Properties")

    details.get_by_label("Name").fill("Bad / name")
    details.get_by_role("button", name="Save").click()
    expect(details.locator(".field-errors")).to_contain_text("“/”")

    details.get_by_label("Name").fill("Echidna Estates")
    details.get_by_label("Description").fill("Echidnas lay eggs")
    details.get_by_role("button", name="Save").click()

    expect(details.get_by_role("heading", level=1)).to_have_text("Echidna Estates")
    expect(details).to_contain_text("Echidnas lay eggs")
    expect(page).to_have_url(f"{live_server.url}/companies/{company.id}/")
    _assert_not_reloaded(page)
    company.refresh_from_db()
    assert (company.name, company.description) == ("Echidna Estates", "Echidnas lay eggs")


def test_a_form_confirmation_on_the_company_page_uses_the_dialog(login, manager):
    company = services.company_create(name="Platypus Properties")
    page = login(manager, next_path=f"/companies/{company.id}/")
    browser_dialogs = _no_browser_dialogs(page)
    _mark_page(page)

    revoke = page.get_by_role("button", name="Revoke Link URLs")
    revoke.click()
    dialog = page.get_by_role("dialog", name=re.compile("Revoke every Link URL issued so far"))
    expect(dialog).to_be_visible()
    # The confirm button says what the form's own button said.
    dialog.get_by_role("button", name="Revoke Link URLs").click()
    expect(page.locator("#messages")).to_contain_text("Revoked every Link URL issued so far")
    _assert_not_reloaded(page)
    assert not browser_dialogs


def test_a_new_page_keeps_the_table_in_view(login, manager, page: Page):
    for n in range(30):
        services.company_create(name=f"Company {n:02d}")
    page.set_viewport_size({"width": 390, "height": 844})
    page = login(manager, next_path="/companies/?sort=name")
    _mark_page(page)
    next_link = page.get_by_role("link", name="Next →")
    next_link.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 1000
    next_link.click()

    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".table-summary")).to_be_focused()
    expect(page.locator("#company-rows tr.company-row").first).to_contain_text("Company 25")
    # The table's top is at the top of the screen, not left far above it.
    top = page.locator("#companies-table").evaluate("el => el.getBoundingClientRect().top")
    assert -5 <= top <= 50, top
    _assert_not_reloaded(page)
