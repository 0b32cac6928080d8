"""An end user links their accounting platform through the hosted Link flow, in a real browser,
and lands on the business's own page with the placeholders filled in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from companies import services
from companies.models import DataConnection, LinkSettings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]


class _Landing(BaseHTTPRequestHandler):
    """The business's page that Link redirects to: records what it was called with."""

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"<!doctype html><title>Welcome back</title><h1>Welcome back</h1>")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def landing() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Landing)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture
def configured(landing, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    link_settings = LinkSettings.load()
    link_settings.display_name = "Acme Lending"
    link_settings.redirect_url_template = (
        f"http://127.0.0.1:{landing.server_port}/done?company={{companyId}}"
        "&connection={connectionId}&status={statusCode}&error={errorMessage}"
        "&customer={customerId}"
    )
    link_settings.save()
    return link_settings


def _copy_link_url(login, manager, company) -> tuple[Page, str]:
    page = login(manager, f"/companies/{company.id}/")
    link_url = page.locator("#link-url").inner_text().strip()
    assert "/link/" in link_url
    return page, link_url


@pytest.fixture
def user(browser: Browser) -> Iterator[Page]:
    """The end user's browser: its own context, with no staff session, only the Link URL."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_end_user_links_xero_and_lands_on_the_redirect(login, manager, user, configured, landing):
    company = services.company_create(name="Platypus Properties")
    staff, link_url = _copy_link_url(login, manager, company)

    user.goto(f"{link_url}?customerId=cust-42")
    expect(user.get_by_text("Acme Lending").first).to_be_visible()
    expect(user.get_by_role("heading", level=1)).to_contain_text("Platypus Properties")
    user.get_by_label("Find your platform").fill("xe")
    expect(user.get_by_role("button", name="FreeAgent")).to_have_count(0)
    user.get_by_role("button", name="Xero").click()

    expect(user.locator(".sandbox-tag")).to_have_text("Sandbox")
    expect(user.get_by_role("heading", level=1)).to_contain_text("Xero")
    user.get_by_role("button", name="Allow").click()

    expect(user.get_by_role("heading", name="Welcome back")).to_be_visible()
    query = parse_qs(urlsplit(user.url).query, keep_blank_values=True)
    connection = DataConnection.objects.get(company=company)
    assert query["company"] == [str(company.id)]
    assert query["connection"] == [str(connection.id)]
    assert query["status"] == ["200"]
    assert query["error"] == [""]
    assert query["customer"] == ["cust-42"]

    staff.reload()
    expect(staff.locator(f"#connection-{connection.id}")).to_contain_text("Linked")


def test_end_user_cancels(login, manager, user, configured, landing):
    company = services.company_create(name="Wombat Works")
    _, link_url = _copy_link_url(login, manager, company)

    user.goto(link_url)
    user.get_by_role("button", name="Sage Business Cloud Accounting").click()
    user.get_by_role("button", name="Cancel").click()

    expect(user.get_by_role("heading", name="Welcome back")).to_be_visible()
    query = parse_qs(urlsplit(user.url).query, keep_blank_values=True)
    assert query["status"] == ["403"]
    assert query["error"] == ["User cancelled."]
    assert query["customer"] == [""]
    assert DataConnection.objects.get(company=company).status == "PendingAuth"
