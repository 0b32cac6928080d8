"""Payroll accounts on the sync schedule of their company, beside accounting connections:
registered with `companies.pulls.schedule` from `AccountsConfig.ready`."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Now

from accounts.models import PayrollAccount
from companies.models import SyncFrequency, SyncSettings
from companies.pulls.schedule import SchedulePass, frequency_in_force, next_sync_after

Status = PayrollAccount.Status


class PayrollSchedule:
    name = "payroll accounts"

    def schedule_pass(self, *, now: datetime, limit: int) -> SchedulePass:
        """Queue a payroll pull for up to `limit` due CONNECTED accounts."""
        from accounts.tasks import pull_payroll

        sync_settings = SyncSettings.load()
        with transaction.atomic():
            due = list(
                PayrollAccount.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("company")
                .filter(status=Status.CONNECTED, next_sync_at__lte=now)
                .order_by("next_sync_at")[:limit]
            )
            for account in due:
                frequency = frequency_in_force(account.company, sync_settings)
                account.next_sync_at = next_sync_after(account.account_id, frequency, now)
                # Queued in this transaction (the database queue): never moved forward
                # without its pull, or pulled twice by two schedulers.
                pull_payroll.enqueue(str(account.account_id), scheduled=True)
            PayrollAccount.objects.bulk_update(due, ["next_sync_at"])
        return SchedulePass(due=len(due), queued=len(due))

    def reschedule(self, *, following: dict, frequency: str) -> int:
        interval = SyncFrequency(frequency).interval
        accounts = PayrollAccount.objects.filter(**following, status=Status.CONNECTED)
        if interval is None:
            return accounts.update(next_sync_at=None)
        base = Coalesce(F("last_sync_at"), F("connected_at"), Now())
        return accounts.update(next_sync_at=base + interval)
