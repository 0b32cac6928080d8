"""Background work on payroll accounts, run by `manage.py db_worker`.

Arguments are account ids only: a password never goes into the task queue.
"""

from __future__ import annotations

from django_tasks import task

from accounts import services


@task()
def verify_account(account_id: str) -> str | None:
    account = services.account_verify(account_id=account_id)
    return account.status if account else None


@task()
def pull_payroll(account_id: str, scheduled: bool = False) -> str | None:
    account = services.account_pull_payroll(account_id=account_id, scheduled=scheduled)
    return account.latest_pay_date.isoformat() if account and account.latest_pay_date else None
