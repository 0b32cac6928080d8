"""Browser tests: Playwright drives the system's Chromium against pytest-django's live server.

Playwright's own browser downloads are not used; `CHROMIUM_PATH` names the executable
(default `/usr/bin/chromium`, Debian's package). Without it these tests are skipped, unless
`CAUSEWAY_REQUIRE_BROWSER=1`, as in CI, where a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import Page

# The password tests/conftest.py gives its users.
USER_PASSWORD = "pw-for-tests"
DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests run last. Their live server needs a transactional database, flushed
    # after each test; pytest-django already puts such tests after the others, but pytest's
    # own grouping by the session-scoped `browser_name` parameter (which pytest-playwright
    # adds to any test with an argument named `page`) can pull them back among the tests
    # that expect the migrated data.
    browser_dir = Path(__file__).parent
    browser_items = [item for item in items if browser_dir in item.path.parents]
    if browser_items:
        items[:] = [item for item in items if browser_dir not in item.path.parents]
        items.extend(browser_items)


def _chromium_executable() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM_PATH
    if os.path.isfile(configured) and os.access(configured, os.X_OK):
        return configured
    return shutil.which(configured)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    executable = _chromium_executable()
    if executable:
        return executable
    configured = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM_PATH
    reason = (
        f"No Chromium executable at {configured!r} "
        "(install it, e.g. `apt-get install chromium`, or set CHROMIUM_PATH)."
    )
    if os.environ.get("CAUSEWAY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CAUSEWAY_REQUIRE_BROWSER=1 but: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API keeps an event loop running in the test thread, and Django
    # refuses ORM calls while one runs. The test thread only sets up and checks data; it
    # never shares a connection with the server thread, so the guard can be lifted here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session", autouse=True)
def _migrated_contents(django_db_setup) -> dict[str, str]:
    """Each test database's contents right after migrating (staff groups and other seed rows).

    Django serializes them at set-up because the tests ask for `serialized_rollback`; they
    are taken off the connections here so that Django does not restore them itself, and
    `_migrated_database` does it instead. Read before Playwright starts its event loop:
    from then on asgiref hands this thread other connection objects, without them.
    """
    contents = {}
    for alias in connections:
        connection = connections[alias]
        if hasattr(connection, "_test_serialized_contents"):
            contents[alias] = connection._test_serialized_contents
            del connection._test_serialized_contents
    return contents


@pytest.fixture(autouse=True)
def _migrated_database(transactional_db, _migrated_contents: dict[str, str]) -> None:
    # Every browser test starts from exactly the migrated database. Django's own restore
    # writes over whatever is there, which breaks once a transactional test without
    # serialized_rollback has flushed it and content types came back under new ids.
    for alias, contents in _migrated_contents.items():
        call_command(
            "flush",
            database=alias,
            interactive=False,
            verbosity=0,
            reset_sequences=False,
            inhibit_post_migrate=True,
        )
        connections[alias].creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium_executable: str) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    # Fail fast instead of after Playwright's 30-second default.
    page.set_default_timeout(10_000)
    yield page


@pytest.fixture
def login(page: Page, live_server):
    """Log in through the real login page, starting from `next_path` as an anonymous user
    would, and land back on it."""

    def log_in(user: User, next_path: str = "/companies/") -> Page:
        return log_in_on(page, live_server.url, user, next_path)

    return log_in


def log_in_on(page: Page, base_url: str, user: User, next_path: str = "/") -> Page:
    """Log `user` in on `page` through the login page, then land on `next_path`."""
    page.goto(f"{base_url}/login/?next={next_path}")
    page.get_by_label("User name").fill(user.get_username())
    page.get_by_label("Password").fill(USER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}{next_path}")
    return page
