"""Helpers the tests share: checking which page or fragment came back, driving the Link flow
as a browser would, the JSON API client, running the task worker, and making payroll accounts.
Fixtures are in the conftest files."""

from __future__ import annotations

import json
import re
from html import unescape
from io import StringIO
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.management.commands import db_worker

from accounts import services as account_services
from accounts.crypto import Secret
from accounts.models import PayrollAccount
from companies.activity import Actor
from companies.models import Company

# Where manage.py is, for tests that start our own commands.
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def path_of(url: str) -> str:
    """The path and query of an absolute URL, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def csrf_token(response) -> str:
    return (
        re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
        .group(1)
        .decode()
    )


def next_step_of_choice(client: Client, link_path: str, key: str):
    """Click `key` in the Link chooser, as a browser would submit that platform's form.

    Returns the response: the redirect after a POST (a Link attempt, an OAuth2 account), or
    the next step's page after a GET (a payroll sign-in page).
    """
    page = client.get(link_path)
    html = page.content.decode()
    form = re.search(
        rf'<form method="(get|post)" action="([^"]*)">(?:(?!</form>).)*?'
        rf'aria-describedby="\w+-{re.escape(key)}-type"',
        html,
        flags=re.S,
    )
    assert form, f"{key} is not offered on {link_path}"
    method, action = form.group(1), form.group(2).replace("&amp;", "&")
    if method == "post":
        return client.post(action, {"csrfmiddlewaretoken": csrf_token(page)})
    return client.get(action)


def choose(client: Client, link_path: str, platform: str):
    """Choose an accounting platform in Link: the redirect to its consent step."""
    return next_step_of_choice(client, link_path, platform)


def answer(client: Client, consent_path: str, choice: str):
    page = client.get(consent_path)
    return client.post(consent_path, {"choice": choice, "csrfmiddlewaretoken": csrf_token(page)})


def run_worker() -> None:
    """What `manage.py db_worker` does in production, until the queue is empty.

    Between tasks the worker closes stale connections; in a test it shares the test's
    connection and transaction, so that housekeeping is held off, as Django's test client
    does for requests.
    """
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command(
            "db_worker",
            batch=True,
            reload=False,
            startup_delay=False,
            stdout=StringIO(),
            stderr=StringIO(),
        )


# The JSON API


class ApiClient:
    """The Django test client with an X-API-KEY header and JSON bodies."""

    def __init__(self, key: str | None) -> None:
        self.client = Client()
        self.headers = {"X-API-KEY": key} if key else {}

    def _call(self, method: str, path: str, body=None, headers=None, raw: bytes | None = None):
        data = raw if raw is not None else (None if body is None else json.dumps(body))
        return getattr(self.client, method)(
            path,
            data=data,
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )

    def get(self, path: str, params: dict | None = None):
        return self.client.get(path, params or {}, headers=self.headers)

    def post(self, path, body=None, **kwargs):
        return self._call("post", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self._call("patch", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self._call("put", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self._call("delete", path, **kwargs)


# Payroll accounts


# The Teal document's sample body; `user_id` is replaced with a real company's id.
TEAL_SAMPLE_REQUEST = {
    "user_id": "95a0e70b-fe02-4f47-aef9-2efff279df71",
    "payroll_provider": "quickbooks",
    "user_name": "john.smith@company.com",
    "password": "very-secret-password",
}
SAMPLE_PASSWORD = TEAL_SAMPLE_REQUEST["password"]
STAFF = Actor.system()


def make_account(
    company: Company,
    *,
    provider: str = "quickbooks",
    user_name: str = "john.smith@company.com",
    password: str | None = SAMPLE_PASSWORD,
    status: str | None = None,
) -> PayrollAccount:
    """An account made through the service (so it is encrypted and logged like any other);
    `status` then forces a state without running the worker."""
    account = account_services.account_create(
        company=company,
        payroll_provider=provider,
        user_name=user_name if provider != "gusto" else "",
        password=Secret(password) if password and provider != "gusto" else None,
        actor=STAFF,
    )
    if status:
        PayrollAccount.objects.filter(pk=account.pk).update(status=status)
        account.refresh_from_db()
    return account


# Which response came back: a test checks it before saying what the response does not show,
# or an error page (403, 404, a redirect) would pass every "not in".


def page_of(response, heading: str, *, status: int = 200) -> str:
    """The HTML of a whole page, after checking its status and that an <h1> says `heading`
    (as a reader sees it: tags dropped, entities decoded, spaces collapsed)."""
    assert response.status_code == status, f"status {response.status_code}, not {status}"
    html = response.content.decode()
    headings = [
        " ".join(unescape(re.sub(r"<[^>]*>", "", text)).split())
        for text in re.findall(r"<h1\b[^>]*>(.*?)</h1>", html, flags=re.S)
    ]
    assert heading in headings, f"no <h1> {heading!r}; the page has {headings}"
    return html


def fragment_of(response, root_id: str, *, status: int = 200) -> str:
    """The HTML of an HTMX fragment, after checking its status and that it is the element
    with id `root_id` (not a whole page, not an error page)."""
    assert response.status_code == status, f"status {response.status_code}, not {status}"
    html = response.content.decode()
    assert re.match(rf'\s*<\w+\b[^>]*\bid="{re.escape(root_id)}"', html), (
        f"not the #{root_id} fragment: {html[:120]!r}"
    )
    return html


class QuerySteps(dict):
    """The SQL each named step of a journey ran, by step: `steps("open", lambda: ...)`
    makes the request and returns its response."""

    def __call__(self, name: str, request):
        with CaptureQueriesContext(connection) as queries:
            response = request()
        self[name] = [query["sql"][:200] for query in queries.captured_queries]
        return response

    def listing(self) -> str:
        """Every step's statements, numbered: the message of a failed budget."""
        return "\n".join(
            f"{name} {n}. {sql}" for name, sqls in self.items() for n, sql in enumerate(sqls, 1)
        )
