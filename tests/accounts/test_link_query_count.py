"""A payroll provider in the hosted Link flow, from opening the URL to the redirect, in a
bounded number of queries (on PostgreSQL the company's row lock is one of them)."""

from __future__ import annotations

import pytest

from accounts.models import PayrollAccount
from companies.models import ActivityEntry
from portal.webhooks.models import Event
from tests.support import SAMPLE_PASSWORD, QuerySteps, csrf_token

pytestmark = pytest.mark.django_db

# Opening the chooser, the sign-in page, signing in (verified at once): each step's budget.
STEP_BUDGETS = {"open": 4, "sign-in page": 2, "sign in": 19}


def test_signing_in_keeps_its_budget_and_everything_still_happens(
    end_user, link_path, redirect_settings, company
):
    steps = step = QuerySteps()

    assert "quickbooks" in step("open", lambda: end_user.get(link_path)).content.decode()
    path = f"{link_path}payroll/quickbooks/"
    page = step("sign-in page", lambda: end_user.get(path))
    form = {
        "user_name": "john.smith@company.com",
        "password": SAMPLE_PASSWORD,
        "csrfmiddlewaretoken": csrf_token(page),
    }
    done = step("sign in", lambda: end_user.post(path, form))

    assert done.status_code == 302
    assert done["Location"].startswith("https://example.com/linked")
    counts = {name: len(sqls) for name, sqls in steps.items()}
    listing = steps.listing()
    assert all(counts[name] <= budget for name, budget in STEP_BUDGETS.items()), (
        f"{counts}\n{listing}"
    )
    account = PayrollAccount.objects.get()
    assert account.status == PayrollAccount.Status.CONNECTED
    assert account.next_sync_at is not None
    assert list(
        ActivityEntry.objects.filter(company=company)
        .exclude(action="company.created")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["payroll.created", "payroll.verified"]
    assert Event.objects.filter(type="payroll_account.status_changed").count() == 1
