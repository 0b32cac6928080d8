"""How fast a task worker pulls a large sandbox company, and how much memory it needs.

    .venv/bin/python bench/pull_benchmark.py                       # a throwaway SQLite file
    .venv/bin/python bench/pull_benchmark.py --database-url postgres://postgres@127.0.0.1:5432/
    .venv/bin/python bench/pull_benchmark.py --help                # --records, --debug

Each pull is queued with `pull_queue`, as the portal and the API do, then run by a real
`manage.py db_worker --batch` process, whose peak RSS is read from the kernel when it exits.
An idle worker (empty queue), a typical company (about 5,000 records) and a large one (about
100,000 records) are measured, so the three peaks show whether memory grows with the pull.
Everything happens in a throwaway database: a temporary SQLite file, or on a PostgreSQL
server a `causeway_bench_*` database created for the run and dropped afterwards.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "psql")
# Connection ids are picked so that every run pulls the same records; see _connection_id.
ID_NAMESPACE = uuid.UUID("6f1f4f0e-3c1a-4f55-9b53-6b8c1c2a0b00")
SMALL_RECORDS = 5_000
LARGE_SCALE = 20  # as SandboxAdapter.record_counts for the large scenario


@dataclass
class Run:
    label: str
    records: int = 0
    pull_seconds: float = 0.0
    worker_seconds: float = 0.0
    worker_cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0

    @property
    def records_per_second(self) -> float:
        return self.records / self.pull_seconds if self.pull_seconds else 0.0


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from companies.platforms.sandbox_data import TYPICAL_COUNTS

    # The sandbox makes each company 70% to 130% of a typical one.
    fewest = round(sum(TYPICAL_COUNTS.values()) * LARGE_SCALE * 0.7)
    most = round(sum(TYPICAL_COUNTS.values()) * LARGE_SCALE * 1.3)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to run on, e.g. postgres://postgres@127.0.0.1:5432/ "
        "(a throwaway database is created there and dropped afterwards); "
        "default: a throwaway SQLite file",
    )
    parser.add_argument(
        "--records",
        type=int,
        default=100_000,
        help=f"about how many records the large pull has, {fewest:,} to {most:,} "
        "(default: 100,000)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="run the worker with DEBUG on, as `make run` does (default: off, as in production)",
    )
    args = parser.parse_args(argv)
    if not fewest <= args.records <= most:
        parser.error(f"--records: the large sandbox scenario holds {fewest:,} to {most:,} records")
    if args.database_url and urlsplit(args.database_url).scheme not in POSTGRES_SCHEMES:
        parser.error("--database-url must be a PostgreSQL URL; SQLite is the default")

    with _throwaway_database(args.database_url) as database_url:
        _configure_environment(database_url, debug=args.debug)
        import django

        django.setup()
        try:
            return _benchmark(large_records=args.records, debug=args.debug)
        finally:
            from django.db import connections

            connections.close_all()


@contextmanager
def _throwaway_database(server_url: str | None) -> Iterator[str]:
    if not server_url:
        directory = tempfile.mkdtemp(prefix="causeway-bench-")
        try:
            yield f"sqlite:///{directory}/bench.sqlite3"
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return

    import psycopg
    from psycopg import sql

    parts = urlsplit(server_url)
    # The URL's own database (default `postgres`) is only used to create and drop ours.
    path = parts.path if parts.path not in ("", "/") else "/postgres"
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path=path))
    name = f"causeway_bench_{secrets.token_hex(4)}"
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(scheme="postgres", path=f"/{name}"))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _configure_environment(database_url: str, *, debug: bool) -> None:
    """The settings of this process and of the workers it starts (they inherit the environment)."""
    from cryptography.fernet import Fernet

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": database_url,
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "DEBUG": "true" if debug else "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    if not debug:
        # Production refuses to start without these; throwaway values for a throwaway database.
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
        os.environ["CREDENTIALS_KEYS"] = Fernet.generate_key().decode()


def _benchmark(*, large_records: int, debug: bool) -> int:
    from django.core.management import call_command

    from companies.platforms.sandbox import Scenario

    call_command("migrate", interactive=False, verbosity=0)
    print(_machine_line(debug))
    print(f"Pulling about {SMALL_RECORDS:,} and {large_records:,} records...", flush=True)

    idle = Run("idle worker (empty queue)")
    _run_worker(idle)
    typical = _pull("typical", Scenario.NORMAL, SMALL_RECORDS)
    large = _pull("large", Scenario.LARGE, large_records)

    print()
    columns = f"{'records':>9}{'pull':>9}{'records/s':>11}{'worker':>9}{'CPU':>9}{'peak RSS':>11}"
    print(f"{'':26}{columns}")
    for run in (idle, typical, large):
        pull = f"{run.pull_seconds:.1f} s" if run.records else "-"
        rate = f"{run.records_per_second:,.0f}" if run.records else "-"
        print(
            f"{run.label:26}{run.records:>9,}{pull:>9}{rate:>11}{run.worker_seconds:>7.1f} s"
            f"{run.worker_cpu_seconds:>7.1f} s{run.peak_rss_mb:>8.1f} MB"
        )
    print()
    growth = large.peak_rss_mb - typical.peak_rss_mb
    times = large.records / typical.records
    print(
        f"Peak RSS of the large pull minus the typical one: {growth:+.1f} MB "
        f"({growth / typical.peak_rss_mb:+.1%}) for {times:.0f} times the records."
    )
    _count_statements()
    return 0


def _machine_line(debug: bool) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    else:
        database = f"SQLite {sqlite3.sqlite_version}"
    import django

    return (
        f"Causeway pull benchmark: {database}, Python {platform.python_version()}, "
        f"Django {django.get_version()}, {os.cpu_count()} CPU cores, "
        f"load average {os.getloadavg()[0]:.1f}, worker DEBUG {'on' if debug else 'off'}"
    )


def _connection_id(size: str, records: int) -> uuid.UUID:
    """A stable connection id whose sandbox company has about this many records.

    The sandbox sizes each company from its connection id (70% to 130% of a typical one), so a
    fixed id makes every run, on every database, pull exactly the same records."""
    from companies.platforms.sandbox_data import counts_for

    scale = LARGE_SCALE if size == "large" else 1
    best, best_gap = ID_NAMESPACE, math.inf
    for n in range(5_000):
        candidate = uuid.uuid5(ID_NAMESPACE, f"{size}-{n}")
        gap = abs(sum(counts_for(str(candidate), scale).values()) - records)
        if gap < best_gap:
            best, best_gap = candidate, gap
        if gap <= records * 0.0005:
            break
    return best


def _linked_connection(size: str, scenario: str, records: int):
    """A company with a Linked Xero connection in this sandbox scenario."""
    from django.utils import timezone

    from companies import services
    from companies.activity import Actor
    from companies.models import DataConnection
    from companies.platforms import get_platform
    from companies.platforms.sandbox import Scenario

    xero = get_platform("xero")
    company = services.company_create(name=f"Benchmark {size} company")
    # As the tests do, without the Link flow: it would give the connection a random id, and
    # a fixed id fixes the company's size.
    connection = DataConnection.objects.create(
        id=_connection_id(size, records),
        company=company,
        platform=xero.key,
        source_type=xero.source_type,
        status=DataConnection.Status.LINKED,
        linked_at=timezone.now(),
    )
    if scenario != Scenario.NORMAL:
        services.connection_set_sandbox_scenario(
            connection=connection, scenario=scenario, actor=Actor.system()
        )
    return connection


def _pull(size: str, scenario: str, records: int) -> Run:
    from companies.activity import Actor
    from companies.models import DataPull, PulledRecord
    from companies.pulls.queue import pull_queue

    connection = _linked_connection(size, scenario, records)
    pull, _ = pull_queue(connection=connection, actor=Actor.system())
    run = Run(f"{size} company ({scenario})")
    _run_worker(run)

    pull = DataPull.objects.get(pk=pull.pk)
    stored = PulledRecord.objects.filter(connection=connection).count()
    if pull.status != DataPull.Status.COMPLETE or stored != pull.records_total:
        raise SystemExit(
            f"The {size} pull did not complete: {pull.status}, {stored:,} of "
            f"{pull.records_total:,} records stored. {pull.error_message}"
        )
    run.records = stored
    run.pull_seconds = (pull.finished - pull.started).total_seconds()
    return run


def _run_worker(run: Run) -> None:
    """`manage.py db_worker --batch`, in its own process, until the queue is empty."""
    from django.db import connections

    connections.close_all()  # so that nothing here holds SQLite's write lock
    command = [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch"]
    command += ["--no-reload", "--no-startup-delay"]
    with tempfile.TemporaryFile("w+") as log:
        started = time.perf_counter()
        worker = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        # This child's own usage; RUSAGE_CHILDREN would give the largest of all children so far.
        _, status, usage = os.wait4(worker.pid, 0)
        run.worker_seconds = time.perf_counter() - started
        worker.returncode = os.waitstatus_to_exitcode(status)
        if worker.returncode:
            log.seek(0)
            raise SystemExit(f"The worker failed (exit code {worker.returncode}):\n{log.read()}")
    run.worker_cpu_seconds = usage.ru_utime + usage.ru_stime
    # Linux reports kilobytes, macOS bytes.
    run.peak_rss_mb = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _count_statements() -> None:
    """Pull the typical company again in this process, counting the SQL it sends."""
    from django.core.management import call_command
    from django.db import connection

    from companies.activity import Actor
    from companies.models import DataConnection, DataPull, PulledRecord
    from companies.platforms import get_platform
    from companies.platforms.sandbox import PAGE_SIZE, Scenario
    from companies.pulls.queue import pull_queue

    typical = DataConnection.objects.get(sandbox_scenario=Scenario.NORMAL)
    before = PulledRecord.objects.filter(connection=typical).count()
    pull, _ = pull_queue(connection=typical, actor=Actor.system())
    # An execute wrapper sees every statement; Django's query log is cleared by the pull.
    queries: list[dict] = []

    def record(execute, sql, params, many, context):
        queries.append({"sql": sql})
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call_command(
            "db_worker",
            batch=True,
            reload=False,
            startup_delay=False,
            verbosity=0,
            stdout=StringIO(),
            stderr=StringIO(),
        )
    pull.refresh_from_db()
    after = PulledRecord.objects.filter(connection=typical).count()
    counts = get_platform(typical.platform).adapter.record_counts(typical)
    pages = sum(math.ceil(n / PAGE_SIZE) for n in counts.values())
    if pull.status != DataPull.Status.COMPLETE or after != before:
        raise SystemExit(
            f"The re-pull went wrong: {pull.status}, {after:,} records, {before:,} before."
        )
    kinds = Counter(query["sql"].split(None, 1)[0].upper() for query in queries)
    print(
        f"Re-pull of the typical company, in this process: {pull.status}, {after:,} records "
        f"({before:,} before: updated, not duplicated)."
    )
    print(
        f"SQL statements: {len(queries)} for {pages} pages of up to {PAGE_SIZE} records, "
        f"{len(queries) / pages:.1f} a page, {len(queries) / after:.3f} a record "
        f"({', '.join(f'{kind} {n}' for kind, n in kinds.most_common())})."
    )


if __name__ == "__main__":
    sys.exit(main())
