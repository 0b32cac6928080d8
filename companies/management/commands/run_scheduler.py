"""The scheduler: queues the syncs that are due, every SCHEDULER_INTERVAL_SECONDS, until
stopped. Run it beside the task workers; several may run at once (see companies.pulls.schedule).
"""

from __future__ import annotations

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from companies.pulls.schedule import BATCH_SIZE, run_passes
from portal.webhooks.services import deliveries_requeue_overdue

logger = logging.getLogger("companies.scheduler")


class Command(BaseCommand):
    help = (
        "Queue due syncs (accounting connections and payroll accounts) and overdue webhook "
        "deliveries until stopped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one pass, then exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between passes (default: SCHEDULER_INTERVAL_SECONDS).",
        )

    def handle(self, *args, once: bool, interval: float | None, **options) -> None:
        interval = settings.SCHEDULER_INTERVAL_SECONDS if interval is None else interval
        stop = threading.Event()
        if not once:
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda *_: stop.set())
            logger.info("Scheduler started: a pass every %s s.", interval)
        while True:
            queued = self.run_pass()
            if once or stop.is_set():
                break
            # A full batch means more is due: go on at once rather than wait.
            if queued < BATCH_SIZE:
                stop.wait(interval)
            if stop.is_set():
                break
            # As a request does: drop a database connection that broke or grew too old.
            close_old_connections()

    def run_pass(self) -> int:
        passes = run_passes()
        summary = ", ".join(
            f"{name}: {p.queued} queued of {p.due} due" for name, p in passes.items()
        )
        # Webhook deliveries whose task was lost (a killed worker) are queued again.
        requeued = deliveries_requeue_overdue()
        if requeued:
            summary += f", webhooks: {requeued} overdue deliveries queued again"
        self.stdout.write(summary)
        if any(p.due for p in passes.values()):
            logger.info("Scheduler pass: %s.", summary)
        return max(p.due for p in passes.values())
