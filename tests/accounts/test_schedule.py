"""Payroll accounts on the sync schedule: pulled again when due, and refused credentials
show up as INVALID_CREDENTIALS."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import services
from accounts.models import PayrollAccount
from companies.models import ActivityEntry
from companies.pulls.schedule import run_passes
from tests.support import make_account, run_worker

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def connected(company, user_name: str) -> PayrollAccount:
    account = make_account(company, user_name=user_name)
    run_worker()  # verifies the credentials, then pulls payroll once
    account.refresh_from_db()
    assert account.status == "CONNECTED"
    assert account.last_sync_at is not None
    return account


class TestPayrollSchedule:
    def test_a_connected_account_is_next_due_a_day_later(self, company):
        account = connected(company, "jo@company.com")
        assert DAY <= account.next_sync_at - account.connected_at < DAY * 1.1
        assert run_passes(now=timezone.now())["payroll accounts"].due == 0

    def test_refused_credentials_make_the_account_invalid_at_its_next_pull(self, company):
        account = connected(company, "max+expires@company.com")
        passes = run_passes(now=account.next_sync_at)
        assert passes["payroll accounts"].queued == 1
        run_worker()

        account.refresh_from_db()
        assert account.status == "INVALID_CREDENTIALS"
        assert "refused the stored credentials" in account.status_message
        assert "through Link" in account.status_message
        assert ActivityEntry.objects.filter(action="payroll.refused").count() == 1
        # No longer scheduled until the user signs in again.
        assert (
            run_passes(now=account.next_sync_at or timezone.now() + 30 * DAY)[
                "payroll accounts"
            ].due
            == 0
        )

    def test_a_scheduled_pull_moves_the_latest_pay_date(self, company):
        account = connected(company, "jo@company.com")
        services.account_pull_payroll(
            account_id=account.account_id, scheduled=True, today=date(2026, 11, 24)
        )
        account.refresh_from_db()
        assert account.latest_pay_date.date() == date(2026, 11, 15)
        services.account_pull_payroll(
            account_id=account.account_id, scheduled=True, today=date(2026, 12, 1)
        )
        account.refresh_from_db()
        assert account.latest_pay_date.date() == date(2026, 11, 30)

    def test_the_scheduler_command_queues_what_is_due(self, company):
        account = connected(company, "jo@company.com")
        PayrollAccount.objects.filter(pk=account.pk).update(next_sync_at=timezone.now() - DAY)
        out = StringIO()
        call_command("run_scheduler", "--once", stdout=out)
        assert "payroll accounts: 1 queued of 1 due" in out.getvalue()
        run_worker()
        account.refresh_from_db()
        assert account.next_sync_at > timezone.now() + DAY * 0.9
