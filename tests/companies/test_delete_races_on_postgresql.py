"""A company deleted while another request writes to it, on PostgreSQL with real threads.

Each round makes a company, then sends `DELETE /api/companies/{id}` and one other write to
that company at the same moment, each from its own thread (so its own database connection).
Whichever goes first, each must end in success, 404 or 409 (410 in Link), never a 5xx, and a
DELETE that answered 204 must leave no row of the company behind.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from accounts.models import PayrollAccount
from companies import services
from companies.link.tokens import link_url_for
from companies.models import (
    ActivityEntry,
    Company,
    DataConnection,
    DataPull,
    LinkAttempt,
    PulledRecord,
)
from companies.platforms.sandbox import ALLOW
from tests.support import TEAL_SAMPLE_REQUEST, ApiClient, csrf_token, make_account, path_of

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serializes writers, so racing writes are a PostgreSQL concern.",
    ),
]

ROUNDS = 20

# Outcomes per write, across the module: the figures a run reports (`pytest -s`).
TALLY: dict[str, Counter] = {}

API_KEY: dict[str, str] = {}  # the test's key, for every thread's client


@pytest.fixture(autouse=True)
def _api_key(api_key, settings):
    API_KEY["key"] = api_key[1]
    settings.API_RATE_LIMIT = ""  # two requests a round, many rounds


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    for name, counts in TALLY.items():
        print(f"\n{name}: " + ", ".join(f"{k}×{n}" for k, n in sorted(counts.items())))


def _client(**kwargs) -> Client:
    """A test client that answers a server error with its 500, as a real server does. (By
    default the client re-raises it, and its signal receiver is shared by every thread's
    client, so one thread's error would surface in the other.)"""
    return Client(raise_request_exception=False, **kwargs)


def _api() -> ApiClient:
    """One per test, used round after round: a client's first request loads the middleware,
    which would hand the other side a head start every round."""
    api = ApiClient(API_KEY["key"])
    api.client = _client()
    return api


def _call(request: Callable[[], object]) -> object:
    """A status code, "ok" for a service call, or the exception's name (a server error)."""
    try:
        result = request()
    except Exception as error:  # noqa: BLE001 - every failure is counted, not raised
        return f"raised {type(error).__name__}"
    return getattr(result, "status_code", "ok")


def _race(delete: Callable, write: Callable, seed: int) -> tuple[object, object]:
    """Run both at once, each in a thread with its own database connection. Each side in
    turn gets a small random head start, so that both orders, and every overlap between
    them, happen."""
    barrier = threading.Barrier(2)
    head_start = random.Random(seed).uniform(0, 0.02)
    delays = [head_start, 0.0] if seed % 2 else [0.0, head_start]
    results: list[object] = [None, None]

    def run(index: int, request: Callable) -> None:
        try:
            barrier.wait()
            threading.Event().wait(delays[index])
            results[index] = _call(request)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(0, delete)),
        threading.Thread(target=run, args=(1, write)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results[0], results[1]


def _rows_left() -> dict[str, int]:
    """Rows in the tables a company's deletion empties (every raced company is deleted)."""
    tables = {
        "companies": Company,
        "connections": DataConnection,
        "link attempts": LinkAttempt,
        "activity": ActivityEntry,
        "pulls": DataPull,
        "records": PulledRecord,
        "payroll accounts": PayrollAccount,
    }
    counts = {name: model.objects.count() for name, model in tables.items()}
    return {name: count for name, count in counts.items() if count}


def _run_rounds(name: str, prepare: Callable[[Company], Callable], ok: set) -> None:
    api = _api()
    tally = TALLY.setdefault(name, Counter())
    failures = []
    for n in range(ROUNDS):
        company = services.company_create(name=f"Race {n}")
        write = prepare(company)
        deleted, written = _race(
            lambda company=company: api.delete(f"/api/companies/{company.id}"), write, seed=n
        )
        tally[f"delete {deleted}"] += 1
        tally[f"write {written}"] += 1
        if deleted != 204:
            failures.append(f"round {n}: DELETE gave {deleted}")
        if written not in ok:
            failures.append(f"round {n}: the write gave {written}")
    # Each DELETE answered 204 (or failed above): nothing of any company may be left.
    if left := _rows_left():
        failures.append(f"rows left behind: {left}")
    assert not failures, f"{_server_errors(tally)} server errors in {ROUNDS} rounds:\n" + (
        "\n".join(failures[:20])
    )


def _server_errors(tally: Counter) -> int:
    def is_error(outcome: str) -> bool:
        result = outcome.split(" ", 1)[1]
        return result.startswith("raised") or (result.isdigit() and int(result) >= 500)

    return sum(count for outcome, count in tally.items() if is_error(outcome))


# The writes raced against the delete


def test_issuing_a_link_url():
    api = _api()

    def prepare(company):
        return lambda: api.post(f"/api/companies/{company.id}/link-url")

    _run_rounds("API: issue a Link URL", prepare, ok={200, 404})


def test_updating_the_company():
    api = _api()

    def prepare(company):
        return lambda: api.patch(f"/api/companies/{company.id}", {"name": "Renamed"})

    _run_rounds("API: PATCH the company", prepare, ok={200, 404})


def test_creating_a_connection():
    api = _api()

    def prepare(company):
        return lambda: api.post(f"/api/companies/{company.id}/connections", {"platformKey": "xero"})

    _run_rounds("API: create a connection", prepare, ok={201, 404})


def test_creating_a_payroll_account():
    api = _api()

    def prepare(company):
        body = {**TEAL_SAMPLE_REQUEST, "user_id": str(company.id)}
        return lambda: api.post("/api/accounts", body)

    _run_rounds("API: create a payroll account", prepare, ok={201, 404})


def test_queueing_pulls():
    api = _api()

    def prepare(company):
        DataConnection.objects.create(
            company=company, platform="xero", source_type="Accounting", status="Linked"
        )
        return lambda: api.post(f"/api/companies/{company.id}/data/all")

    _run_rounds("API: queue pulls", prepare, ok={202, 404, 409})


def test_choosing_a_platform_in_link():
    def prepare(company):
        end_user = _client(enforce_csrf_checks=True)
        link_path = path_of(link_url_for(company))
        token = csrf_token(end_user.get(link_path))
        choose_path = f"{link_path}platforms/xero/"
        return lambda: end_user.post(choose_path, {"csrfmiddlewaretoken": token})

    _run_rounds("Link: choose a platform", prepare, ok={302, 410})


def test_allowing_access_in_link():
    def prepare(company):
        end_user = _client(enforce_csrf_checks=True)
        link_path = path_of(link_url_for(company))
        token = csrf_token(end_user.get(link_path))
        consent_path = end_user.post(
            f"{link_path}platforms/xero/", {"csrfmiddlewaretoken": token}
        ).url
        token = csrf_token(end_user.get(consent_path))
        return lambda: end_user.post(consent_path, {"choice": ALLOW, "csrfmiddlewaretoken": token})

    _run_rounds("Link: Allow on the consent page", prepare, ok={302, 410})


def test_signing_in_to_payroll_in_link():
    def prepare(company):
        end_user = _client(enforce_csrf_checks=True)
        token_path = path_of(link_url_for(company))
        token = token_path.rstrip("/").rsplit("/", 1)[-1]
        sign_in = reverse("payroll-link:sign-in", kwargs={"token": token, "provider_key": "adp"})
        form = {
            "user_name": "jo@example.com",
            "password": "pw",
            "csrfmiddlewaretoken": csrf_token(end_user.get(sign_in)),
        }
        return lambda: end_user.post(sign_in, form)

    _run_rounds("Link: payroll sign-in", prepare, ok={302, 410})


def test_the_workers_payroll_check():
    def prepare(company):
        account = make_account(company)
        return lambda: account_services.account_verify(account_id=account.account_id)

    _run_rounds("Worker: payroll check", prepare, ok={"ok"})


def test_editing_in_the_portal(manager):
    staff = _client()
    staff.force_login(manager)

    def prepare(company):
        form = {"name": "Renamed", "description": ""}
        return lambda: staff.post(f"/companies/{company.id}/edit/", form)

    _run_rounds("Portal: edit the company", prepare, ok={302, 404})


def test_changing_the_default_sync_frequency(manager):
    """The default's change reschedules every following company's connections; a company
    with several Linked connections deleted meanwhile must not deadlock it or the delete."""
    staff = _client()
    staff.force_login(manager)
    frequencies = iter(["hourly", "daily"] * ROUNDS)

    def prepare(company):
        for platform in ("xero", "sage", "quickbooks"):
            DataConnection.objects.create(
                company=company, platform=platform, source_type="Accounting", status="Linked"
            )
        form = {"default_frequency": next(frequencies)}
        return lambda: staff.post("/settings/sync/", form)

    _run_rounds("Portal: change the default sync frequency", prepare, ok={302})
