"""How long one scheduler pass takes, and how many queries it makes, with many linked
connections of which only some are due.

    .venv/bin/python bench/scheduler_benchmark.py                  # a throwaway SQLite file
    .venv/bin/python bench/scheduler_benchmark.py --database-url postgres://postgres@127.0.0.1:5432/
    .venv/bin/python bench/scheduler_benchmark.py --connections 100000 --due 1000

The connections are spread over the next day, as the scheduler leaves them; `--due` of them
are overdue. Measured: a pass that finds nothing due, one full pass (500 connections, the
batch size), and the passes that drain everything due. A pass's work should follow what is
due, not how many connections there are. Runs in a throwaway database (see pull_benchmark).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pull_benchmark import (  # noqa: E402  (after the path is set)
    POSTGRES_SCHEMES,
    _configure_environment,
    _throwaway_database,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (default: SQLite)")
    parser.add_argument("--connections", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    args = parser.parse_args(argv)
    if args.database_url and not args.database_url.startswith(POSTGRES_SCHEMES):
        parser.error("--database-url must be a PostgreSQL URL; SQLite is the default")
    if not 0 < args.due <= args.connections:
        parser.error("--due must be between 1 and --connections")

    with _throwaway_database(args.database_url) as database_url:
        _configure_environment(database_url, debug=False)
        import django

        django.setup()
        try:
            _benchmark(args.connections, args.due)
        finally:
            from django.db import connections

            connections.close_all()
    return 0


def _benchmark(total: int, due: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from companies.models import Company, DataConnection
    from companies.pulls.schedule import BATCH_SIZE, schedule_pass

    call_command("migrate", verbosity=0)
    now = timezone.now()
    print(f"Database: {connection.vendor}; {total:,} Linked connections, {due:,} of them due")
    started = time.perf_counter()
    batch = 10_000
    for first in range(0, total, batch):
        size = min(batch, total - first)
        companies = [Company(id=uuid.uuid4(), name=f"Company {first + n}") for n in range(size)]
        Company.objects.bulk_create(companies)
        DataConnection.objects.bulk_create(
            DataConnection(
                company=company,
                platform="xero",
                source_type="Accounting",
                status="Linked",
                linked_at=now - timedelta(days=1),
                # The first `due` are overdue; the rest are due over the next day.
                next_sync_at=now - timedelta(seconds=first + n + 1)
                if first + n < due
                else now + timedelta(seconds=86_400 * (first + n) / total),
            )
            for n, company in enumerate(companies)
        )
    print(f"Loaded in {time.perf_counter() - started:.1f} s\n")

    def measured(label: str, when):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = schedule_pass(now=when)
            elapsed = time.perf_counter() - started
        print(
            f"{label:<40} {elapsed * 1000:9.1f} ms {len(queries):6,} queries "
            f"{result.queued:6,} queued"
        )
        return result, elapsed, len(queries)

    idle = [measured("pass with nothing due", now - timedelta(days=30))[1] for _ in range(5)]
    print(f"{'  median of 5 idle passes':<40} {statistics.median(idle) * 1000:9.1f} ms\n")

    passes, drained, seconds = 0, 0, 0.0
    while True:
        result, elapsed, count = measured(f"pass {passes + 1} ({BATCH_SIZE} at most)", now)
        if not result.due:
            break
        passes += 1
        drained += result.queued
        seconds += elapsed
        if passes == 1:
            first_queries = count
    per_sync = seconds / drained * 1000 if drained else 0
    print(
        f"\nDrained {drained:,} due syncs in {passes} passes, {seconds:.2f} s "
        f"({per_sync:.2f} ms and {first_queries / BATCH_SIZE:.1f} queries per queued sync)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
