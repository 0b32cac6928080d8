"""How fast two task workers deliver 10,000 webhook events to a local receiver.

    .venv/bin/python bench/webhook_benchmark.py                       # a throwaway SQLite file
    .venv/bin/python bench/webhook_benchmark.py --database-url postgres://postgres@127.0.0.1:5432/
    .venv/bin/python bench/webhook_benchmark.py --events 2000 --workers 4

The events are recorded with `portal.webhooks.events.record`, as the services do (500 to a
transaction), for one endpoint that wants every event; a receiver in this process (a threaded
`http.server`, answering 204 at once) counts what arrives. Then `--workers` real
`manage.py db_worker --batch` processes deliver them, signing each, until the queue is empty.
Everything happens in a throwaway database, as in bench/pull_benchmark.py.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pull_benchmark import (  # noqa: E402 (the bench directory is not a package)
    _configure_environment,
    _machine_line,
    _throwaway_database,
)


class _Receiver(BaseHTTPRequestHandler):
    received = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with _Receiver.lock:
            _Receiver.received += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="A PostgreSQL server URL; default: SQLite.")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with _throwaway_database(args.database_url) as database_url:
        _configure_environment(database_url, debug=False)
        os.environ["WEBHOOKS_ALLOW_PRIVATE_TARGETS"] = "true"
        import django

        django.setup()
        try:
            return _benchmark(events=args.events, workers=args.workers)
        finally:
            from django.db import connections

            connections.close_all()


def _benchmark(*, events: int, workers: int) -> int:
    from django.core.management import call_command
    from django.db import connection, transaction

    from portal.webhooks import events as webhook_events
    from portal.webhooks import services
    from portal.webhooks.models import Delivery

    call_command("migrate", interactive=False, verbosity=0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    services.endpoint_create(url=f"http://127.0.0.1:{server.server_port}/hook")
    print(_machine_line(False))
    print(f"Database: {connection.vendor}. {events:,} events, {workers} workers.", flush=True)

    started = time.perf_counter()
    for first in range(0, events, 500):
        with transaction.atomic():
            for n in range(first, min(first + 500, events)):
                webhook_events.record(
                    type="company.updated",
                    company_id=None,
                    data={"id": f"bench-{n}", "name": f"Company {n}", "dataConnections": []},
                )
    recording = time.perf_counter() - started
    connection.close()

    started = time.perf_counter()
    command = [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch"]
    processes = [
        subprocess.Popen(command + ["--no-startup-delay"], cwd=ROOT)  # noqa: S603 (our command)
        for _ in range(workers)
    ]
    codes = [process.wait() for process in processes]
    delivering = time.perf_counter() - started
    server.shutdown()

    succeeded = Delivery.objects.filter(status=Delivery.Status.SUCCEEDED).count()
    print(f"Recording: {events:,} events in {recording:.1f} s ({events / recording:,.0f}/s)")
    print(
        f"Delivering: {succeeded:,} succeeded, {_Receiver.received:,} received, in "
        f"{delivering:.1f} s ({succeeded / delivering:,.0f} deliveries/s); "
        f"workers exited {codes}"
    )
    per_day = succeeded / delivering * 86_400
    print(f"At that rate: {per_day / 1e6:,.1f} million deliveries a day.")
    return 0 if succeeded == events and not any(codes) else 1


if __name__ == "__main__":
    sys.exit(main())
