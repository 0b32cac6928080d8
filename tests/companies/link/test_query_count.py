"""The hosted Link flow from opening the URL to the redirect, in a bounded number of queries
(on PostgreSQL the company's row lock is one of them), whatever the company's history."""

from __future__ import annotations

import pytest

from companies.models import ActivityEntry, DataConnection, DataPull
from portal.webhooks.models import Event
from tests.support import QuerySteps, csrf_token

pytestmark = pytest.mark.django_db

# Opening the chooser, choosing a platform, its consent page, Allow: each step's budget.
STEP_BUDGETS = {"open": 4, "choose": 12, "consent": 3, "allow": 16}
ISSUE_TARGET = 12


def _link_xero(end_user, link_path) -> tuple[QuerySteps, object]:
    steps = step = QuerySteps()

    start = step("open", lambda: end_user.get(link_path))
    assert "xero" in start.content.decode()
    chosen = step(
        "choose",
        lambda: end_user.post(
            f"{link_path}platforms/xero/", {"csrfmiddlewaretoken": csrf_token(start)}
        ),
    )
    consent = step("consent", lambda: end_user.get(chosen["Location"]))
    done = step(
        "allow",
        lambda: end_user.post(
            chosen["Location"], {"choice": "allow", "csrfmiddlewaretoken": csrf_token(consent)}
        ),
    )
    return steps, done


def test_each_step_keeps_its_budget_and_everything_still_happens(
    end_user, link_path, redirect_settings, company
):
    steps, done = _link_xero(end_user, link_path)
    assert done.status_code == 302
    assert done["Location"].startswith("https://example.com/linked")
    counts = {name: len(sqls) for name, sqls in steps.items()}
    assert all(counts[name] <= budget for name, budget in STEP_BUDGETS.items()), (
        f"{counts}\n{steps.listing()}"
    )
    # Fewer queries, nothing less done: linked, its first pull queued, logged, announced.
    linked = DataConnection.objects.get(company=company, platform="xero")
    assert linked.status == DataConnection.Status.LINKED
    assert linked.next_sync_at is not None
    assert DataPull.objects.filter(connection=linked, status=DataPull.Status.QUEUED).count() == 1
    assert list(
        ActivityEntry.objects.filter(company=company, connection_id=linked.id)
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["connection.created", "connection.linked"]
    assert sorted(Event.objects.filter(company_id=company.id).values_list("type", flat=True)) == [
        "company.created",
        "connection.created",
        "connection.linked",
    ]


@pytest.mark.xfail(
    strict=True,
    reason="Issue 13's target of 12 in all is below what the flow must write: choosing writes "
    "the connection, its activity entry, its event and the attempt; Allow claims the attempt, "
    "saves the connection, its pull and the pull's task, an activity entry and an event; and "
    "each of the 4 requests reads the company at least once: 14 before any lock or savepoint.",
)
def test_open_choose_consent_allow_is_at_most_12_queries(end_user, link_path, redirect_settings):
    steps, done = _link_xero(end_user, link_path)
    assert done.status_code == 302
    assert sum(len(sqls) for sqls in steps.values()) <= ISSUE_TARGET, steps.listing()
