"""A pull's states, and ending one: shared by the queue and the worker's run loop."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from companies import activity
from companies.activity import Actor
from companies.models import DataConnection, DataPull
from companies.pulls.serializers import pull_json
from companies.services import CompanyGone, lock_company
from portal.webhooks import events

logger = logging.getLogger("companies.pulls")


class PullStateError(Exception):
    """The pull is not in a state that allows this (it has already ended); the message says
    why."""


Status = DataPull.Status
ACTIVE = (Status.QUEUED, Status.FETCHING)
QUEUED_STALE_AFTER = timedelta(days=1)
# Where run_pull is stored in the task table: now, and as versions before companies.pulls did.
PULL_TASK_PATHS = ("companies.pulls.tasks.run_pull", "companies.tasks.run_pull")


NOT_LINKED = (
    "{platform} is {status}, so its data cannot be pulled. "
    "Send the company's user through Link again to re-link it."
)


def not_linked_message(connection: DataConnection) -> str:
    return NOT_LINKED.format(platform=connection.platform_name, status=connection.status)


def finish(pull_id: uuid.UUID, status: str, error: str = "") -> bool:
    """End a pull that has not ended yet; False if it already had (or is gone). How it
    ended becomes its connection's last sync status (a cancelled pull is not a sync)."""
    ended = DataPull.objects.filter(pk=pull_id, status__in=ACTIVE).update(
        status=status, finished=timezone.now(), error_message=error
    )
    if ended and status != Status.CANCELLED:
        DataConnection.objects.filter(pulls=pull_id).update(last_pull_status=status)
    return bool(ended)


def end(pull: DataPull, status: str, error: str) -> str:
    try:
        with transaction.atomic():
            # The company first, as every write: its deletion, which holds it, waits for
            # this pull's row.
            lock_company(pull.company_id)
            if finish(pull.pk, status, error):
                activity.record(
                    company=pull.connection.company,
                    actor=Actor.system(),
                    action="pull.failed",
                    connection=pull.connection,
                    message=f"The data pull from {pull.connection.platform_name} ended in "
                    f"{status}: {error}",
                )
                events.record(
                    type="sync.failed",
                    company_id=pull.company_id,
                    data=pull_json(DataPull.objects.get(pk=pull.pk)),
                )
    except CompanyGone:
        pass  # the pull went with its company
    logger.info("Pull %s ended in %s", pull.pk, status)
    return status


class PullAbandoned(Exception):
    """Stored as the failure of a pull's task whose worker stopped, or never started it."""


def fail_abandoned_task(pull: DataPull, reason: str) -> int:
    """Mark the task of an abandoned pull failed, with the reason; the number of tasks marked.

    A killed worker leaves its task Running in the task table forever, and a task that no worker
    took would still start a day late, for a pull that has been replaced.
    """
    tasks = DBTaskResult.objects.select_for_update().filter(
        task_path__in=PULL_TASK_PATHS,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs__args__0=str(pull.pk),
    )
    marked = 0
    with transaction.atomic():
        for task in tasks:
            task.set_failed(PullAbandoned(reason))
            marked += 1
    if marked:
        logger.warning("Pull %s was abandoned; its task is marked failed: %s", pull.pk, reason)
    return marked
