"""Staff pull a company's data and watch it arrive, then browse the pulled invoices."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from companies import services
from companies.models import DataConnection
from tests.support import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _no_backoff_sleeps(settings):
    settings.PULL_BACKOFF_SECONDS = 0


def test_progress_reaches_complete_then_invoices_can_be_browsed(login, manager):
    company = services.company_create(name="Platypus Properties")
    DataConnection.objects.create(
        company=company, platform="xero", source_type="Accounting", status="Linked"
    )
    page = login(manager, f"/companies/{company.id}/")
    page.evaluate("window.__marker = 1")

    page.get_by_role("button", name="Pull data").click()
    pulls = page.locator("#pulls")
    expect(pulls.locator(".badge")).to_have_text("Queued")
    expect(pulls.get_by_role("progressbar")).to_have_attribute("value", "0")

    run_worker()  # a task worker picks the pull up, as `manage.py db_worker` does

    # The region polls while the pull runs, and stops once it has ended.
    expect(pulls.locator(".badge")).to_have_text("Synced", timeout=10_000)
    expect(pulls.get_by_role("progressbar")).to_have_attribute("value", "100")
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"
    expect(pulls).not_to_have_attribute("hx-trigger", "every 1s")

    page.get_by_role("link", name="Browse data").click()
    page.get_by_role("link", name="Invoices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invoices")
    expect(page.locator("#records tbody tr")).to_have_count(25)
    page.get_by_label("Search by name or id").fill("INV-000042")
    expect(page.locator("#records tbody tr")).to_have_count(1)
    page.get_by_role("link", name="INV-000042").click()
    expect(page.locator("pre.payload")).to_contain_text('"invoiceNumber": "000042"')


def test_a_behaviour_chosen_just_before_pull_data_is_the_one_used(login, manager):
    """The sandbox select saves on change, and Pull data waits for it (hx-sync): no Set step,
    and never the old behaviour. The failed pull then says what to try."""
    company = services.company_create(name="Platypus Properties")
    connection = DataConnection.objects.create(
        company=company, platform="xero", source_type="Accounting", status="Linked"
    )
    page = login(manager, f"/companies/{company.id}/")
    sandbox = page.get_by_role("group", name="Sandbox controls for Xero")
    expect(sandbox.get_by_role("button", name="Set")).to_be_hidden()
    sandbox.get_by_label("Sandbox behaviour").select_option("server_error")
    page.get_by_role("button", name="Pull data").click()
    pulls = page.locator("#pulls")
    expect(pulls.locator(".badge")).to_have_text("Queued")
    connection.refresh_from_db()
    assert connection.sandbox_scenario == "server_error"

    run_worker()

    expect(pulls.locator(".badge")).to_have_text(
        "Failed: the platform had an error", timeout=10_000
    )
    expect(pulls).to_contain_text("choose Normal under Sandbox controls, then pull again")
