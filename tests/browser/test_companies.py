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


def _delete_from_row(page: Page, row: Locator) -> list[str]:
    """Click the row's Delete link and accept the confirmation; returns the dialog messages."""
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    row.get_by_role("link", name="Delete").click()
    return dialogs


def test_it_creates_searches_and_deletes_a_company(login, manager, live_server):
    services.company_create(name="Wombat Works")
    page = login(manager)
    _mark_page(page)

    form = page.locator("#create-company")
    form.get_by_label("Name").fill("Platypus Properties")
    form.get_by_label("Description (optional)").fill("Platypuses are venomous mammals")
    form.get_by_role("button", name="Create company").click()

    rows = page.locator("#company-rows tr.company-row")
    new_row = rows.filter(has_text="Platypus Properties")
    expect(new_row).to_have_count(1)
    expect(rows.first).to_contain_text("Platypus Properties")
    company = Company.objects.get(name="Platypus Properties")
    expect(new_row).to_contain_text(str(company.id))
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

    dialogs = _delete_from_row(page, new_row)
    expect(new_row).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("Deleted company “Platypus Properties”")
    assert len(dialogs) == 1 and "Platypus Properties" in dialogs[0]
    assert not Company.objects.filter(pk=company.pk).exists()
    assert Company.objects.filter(name="Wombat Works").exists()
    _assert_not_reloaded(page)


def test_it_searches_and_deletes_an_existing_company(login, manager):
    company = services.company_create(name="Platypus Properties")
    services.company_create(name="Wombat Works")
    page = login(manager)
    _mark_page(page)
    rows = page.locator("#company-rows tr.company-row")
    expect(rows).to_have_count(2)

    _search(page, "platypus")
    expect(rows).to_have_count(1)
    expect(page.locator(".table-summary")).to_contain_text("1 company")

    row = rows.filter(has_text="Platypus Properties")
    dialogs = _delete_from_row(page, row)
    expect(row).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("Deleted company “Platypus Properties”")
    assert len(dialogs) == 1 and "Platypus Properties" in dialogs[0]
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

    form = page.locator("#create-company")
    form.get_by_label("Name").fill("Bad <name>")
    form.get_by_role("button", name="Create company").click()

    errors = page.locator("#create-company .field-errors")
    expect(errors).to_contain_text("“<”")
    expect(errors).to_contain_text("“>”")
    expect(page.locator("#create-company").get_by_label("Name")).to_have_value("Bad <name>")
    assert not Company.objects.exists()
    _assert_not_reloaded(page)


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
