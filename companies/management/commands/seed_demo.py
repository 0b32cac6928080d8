"""Fill the database with demo companies and connections, fast enough for 100,000 rows."""

from __future__ import annotations

import itertools
import queue
import random
import threading
import time
from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from companies.models import Company, DataConnection, DataPull, SyncFrequency
from companies.platforms import Platform, all_platforms
from companies.platforms.sandbox import Scenario
from companies.pulls.schedule import SPREAD

MAX_COMPANIES = 1_000_000
BATCH_SIZE = 20_000
# On PostgreSQL, loads this large drop the plain indexes and build them again afterwards.
REBUILD_INDEXES_FROM = 50_000
HISTORY = timedelta(days=730).total_seconds()
# Linked connections are on the default daily schedule, as if the scheduler had been running:
# `companies.pulls.schedule.next_sync_after` for "daily", in seconds.
DAILY = SyncFrequency.DAILY.interval.total_seconds()
EPOCH = datetime(1970, 1, 1)
# PostgreSQL's binary timestamps count microseconds from 2000-01-01 UTC.
POSTGRES_EPOCH = datetime(2000, 1, 1).replace(tzinfo=UTC).timestamp()

Status = DataConnection.Status
# Every status is forced once on the first companies, so any N >= 4 shows all four.
STATUSES = [Status.PENDING_AUTH, Status.LINKED, Status.DEAUTHORIZED, Status.UNLINKED]
STATUS_WEIGHTS = [15, 55, 15, 15]
# The same as plain strings, compared a million times.
PENDING_AUTH, LINKED, DEAUTHORIZED = (str(s) for s in STATUSES[:3])
COMPLETE = str(DataPull.Status.COMPLETE)
NORMAL = str(Scenario.NORMAL)
CONNECTION_COUNT_WEIGHTS = [15, 40, 30, 15]  # for 0, 1, 2 and 3 connections

# Name parts. Each passes the company name rule on its own, and the templates only join
# them with spaces and allowed punctuation.
# fmt: off
SURNAMES = [
    "Harper", "Okafor", "Lindqvist", "Nakamura", "Fitzgerald", "Castellano", "Whitfield",
    "Adeyemi", "Kowalski", "Moreau", "Brennan", "Achterberg", "Delacroix", "Haddad",
    "Ivanova", "Sørensen", "Müller", "García", "Nguyễn", "Łukasiewicz", "Ødegaard", "Šimek",
    "O'Brien", "D'Angelo", "MacLeod", "Van der Berg", "Papadopoulos", "Kaur", "Mensah",
    "Takahashi", "Oyelaran", "Björk", "Çelik", "Novák", "Ferreira", "Abernathy", "Quispe",
    "Zhou", "Rahman", "Holloway", "Everly", "Kingsley", "Ashworth", "Fairbanks", "Lowell",
]
ADJECTIVES = [
    "Northern", "Blue", "Silver", "Golden", "Bright", "Quiet", "Red", "Evergreen", "Coastal",
    "Highland", "Urban", "Summit", "Harbour", "Copper", "Granite", "Meadow", "Cedar",
    "Iron", "Crystal", "Maple", "Orchard", "Riverside", "Sunny", "Lucky", "Little", "Grand",
    "Nordic", "Alpine", "Prairie", "Atlantic", "Pacific", "Velvet", "Amber", "Willow",
]
NOUNS = [
    "Lantern", "Fox", "Harbour", "Anchor", "Compass", "Oak", "Falcon", "Beacon", "Bridge",
    "Kettle", "Thistle", "Otter", "Pine", "Heron", "Sparrow", "Quarry", "Mill", "Forge",
    "Loom", "Hive", "Meridian", "Arrow", "Orbit", "Ember", "Tide", "Pebble", "Acorn",
    "Lighthouse", "Badger", "Wren", "Cobalt", "Juniper", "Saffron", "Platypus",
]
TRADES = [
    "Bakery", "Logistics", "Consulting", "Properties", "Dental", "Architects", "Brewing",
    "Coffee", "Engineering", "Analytics", "Landscaping", "Plumbing", "Joinery", "Studios",
    "Veterinary", "Pharmacy", "Catering", "Textiles", "Robotics", "Software", "Solar",
    "Freight", "Bookkeeping", "Recruitment", "Florists", "Fitness", "Opticians", "Printing",
    "Motors", "Marine", "Farms", "Vineyards", "Outfitters", "Media", "Security", "Clinics",
]
SUFFIXES = [
    "Ltd", "Ltd.", "Limited", "Inc.", "LLC", "Group", "& Co.", "& Sons", "& Daughters",
    "GmbH", "S.A.", "B.V.", "AB", "Pty Ltd", "Partners", "Holdings", "Co-op", "",
]
TECH_ENDINGS = ["ly", "io", "ify", "hub", "labs", "works", "stack", "base", "wise"]
# Whole names in other scripts, so demos exercise the Unicode side of the name rule.
INTERNATIONAL_NAMES = [
    "東京精密工業", "株式会社さくら商事", "北京华信科技", "서울 물류", "Москва Логистика",
    "Σπύρος Ναυτιλιακή", "مخبز الأمل", "שקד תוכנה", "शर्मा ट्रेडर्स", "Café Lumière",
    "Bäckerei Müller & Söhne", "Ålesund Fiskeri AS", "Øresund Shipping ApS", "Zürich Uhren AG",
    "Crème Brûlée Café", "Ñandú Viajes S.L.", "Kraków Drukarnia", "İstanbul Tekstil",
    "Hà Nội Cà Phê", "São Paulo Engenharia", "Reykjavík Orka ehf.", "Český Sklo",
]
CITIES = [
    "Leeds", "Bristol", "Glasgow", "Cardiff", "Belfast", "Dublin", "Manchester", "Norwich",
    "Toronto", "Austin", "Denver", "Portland", "Melbourne", "Auckland", "Cape Town", "Lagos",
    "Berlin", "Lyon", "Porto", "Gothenburg", "Osaka", "Singapore", "Nairobi", "Montreal",
]
SECTORS = [
    "bakery", "logistics company", "dental practice", "architecture studio", "craft brewery",
    "coffee roaster", "engineering firm", "analytics consultancy", "landscaping business",
    "plumbing company", "joinery workshop", "veterinary clinic", "pharmacy", "catering company",
    "textile mill", "robotics start-up", "software house", "solar installer",
    "freight forwarder", "bookkeeping practice", "recruitment agency", "florist", "gym",
    "optician", "print shop", "car dealership", "boatyard", "dairy farm", "vineyard",
]
DESCRIPTION_OPENINGS = [
    "Family-run {sector} in {city}.",
    "{sector} serving small businesses around {city}.",
    "Independent {sector} founded in {year}, based in {city}.",
    "Fast-growing {sector} out of {city}.",
    "{sector} with {staff} staff in {city}.",
]
DESCRIPTION_EXTRAS = [
    "Onboarding for the quarterly lending review.",
    "Referred by the {city} partner office.",
    "Needs payroll and accounting linked before the credit decision.",
    "Migrating bookkeeping to the cloud this year.",
    "Key account: monthly sync required.",
    "Trial customer, evaluate after 90 days.",
    "",
]
# fmt: on
ERRORS = [
    (401, "The user revoked access to the platform."),
    (401, "The refresh token has expired; the user must link again."),
    (403, "The organisation was disconnected on the platform's side."),
]


# What the rows hold, column by column (the other columns are nullable and left empty).
COMPANY_FIELDS = ["id", "name", "description", "created", "link_version", "link_issued_at"]
COMPANY_FIELDS += ["sync_frequency"]
CONNECTION_FIELDS = ["id", "company", "platform", "source_type", "status", "created"]
CONNECTION_FIELDS += ["linked_at", "last_sync", "sandbox_scenario", "error_status_code"]
CONNECTION_FIELDS += ["error_message", "errored_at", "next_sync_at", "last_pull_status"]
# How the binary COPY sends each column: ids as their 16 bytes (a uuid's binary form is the
# same as a bytea's), timestamps as microseconds since 2000 (a timestamptz's is an int8's).
COMPANY_BINARY = ["bytea", "text", "text", "int8", "int4", "int8", "text"]
CONNECTION_BINARY = ["bytea", "bytea", "text", "text", "text", "int8", "int8", "int8", "text"]
CONNECTION_BINARY += ["int2", "text", "int8", "int8", "text"]


def _weighted(values: list, weights: list[int]) -> list:
    """A table to pick from with one random index: each value as often as its weight."""
    return [value for value, weight in zip(values, weights, strict=True) for _ in range(weight)]


class Command(BaseCommand):
    help = (
        "Create demo companies with data connections in every status (PendingAuth, Linked, "
        "Deauthorized, Unlinked), spread over the last two years. Loads with COPY on "
        "PostgreSQL (a million companies in about a minute) and in large batches elsewhere "
        "(100,000 companies in seconds on SQLite). --seed repeats a run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--companies",
            type=int,
            default=100,
            metavar="N",
            help=f"How many companies to create, 1 to {MAX_COMPANIES:,} (default 100).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=None,
            help="Random seed: the same seed gives the same names, descriptions and "
            "connections. Without it a seed is picked and printed.",
        )

    def handle(self, *args, companies: int, seed: int | None, **options):
        if not 1 <= companies <= MAX_COMPANIES:
            raise CommandError(
                f"--companies must be between 1 and {MAX_COMPANIES:,} (got {companies:,})."
            )
        platforms = all_platforms()
        if not platforms:
            raise CommandError("No platforms are registered, so no connections can be made.")
        if seed is None:
            seed = random.SystemRandom().randrange(1_000_000)

        started = time.monotonic()
        writer = PostgresWriter() if connection.vendor == "postgresql" else InsertWriter()
        generator = DemoData(random.Random(seed), platforms, now=timezone.now(), writer=writer)
        company_total = connection_total = 0
        rebuild_indexes = companies >= REBUILD_INDEXES_FROM
        writer.prepare()
        with BackgroundWriter(writer, rebuild_indexes=rebuild_indexes) as background:
            for first in range(0, companies, BATCH_SIZE):
                batch, connections = generator.batch(first, min(BATCH_SIZE, companies - first))
                background.write(batch, connections)
                company_total += len(batch)
                connection_total += len(connections)
                if options["verbosity"] >= 2:
                    self.stdout.write(f"  {company_total:,} of {companies:,} companies")
        writer.analyze([Company, DataConnection])
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {company_total:,} companies and {connection_total:,} connections "
                f"in {elapsed:.1f} s (seed {seed})."
            )
        )


class BackgroundWriter:
    """Writes the batches. On PostgreSQL a thread with its own connection writes them all in one
    transaction while the next batch is made (an interrupted run leaves nothing); for a large
    load it drops the tables' plain indexes and foreign keys first and builds them again at
    the end, in that transaction: building an index once is much faster than keeping it up
    to date a million times, and other sessions wait for the tables meanwhile.

    Elsewhere, and inside a transaction (the tests, whose connection alone sees their rows),
    each batch is written on the caller's connection in a transaction of its own."""

    def __init__(self, writer, *, rebuild_indexes: bool):
        self.writer = writer
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.rebuild_indexes = rebuild_indexes and self.threaded
        self.batches: queue.Queue = queue.Queue(maxsize=2)
        self.failure: BaseException | None = None

    def __enter__(self) -> BackgroundWriter:
        if self.threaded:
            self.thread = threading.Thread(target=self._run, name="seed_demo writer")
            self.thread.start()
        return self

    def write(self, companies: list[tuple], connections: list[tuple]) -> None:
        if not self.threaded:
            with transaction.atomic():
                self.writer.write(Company, COMPANY_FIELDS, companies)
                self.writer.write(DataConnection, CONNECTION_FIELDS, connections)
            return
        self._put((companies, connections))

    def __exit__(self, error_type, *exc_info) -> None:
        if not self.threaded:
            return
        if self.thread.is_alive():
            # None commits; an error (or Ctrl-C) in the main thread rolls everything back.
            self._put(None if error_type is None else ABORT)
        self.thread.join()
        if self.failure is not None and error_type is None:
            raise CommandError(f"Writing to the database failed: {self.failure}")

    def _put(self, item) -> None:
        while self.thread.is_alive():
            try:
                self.batches.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        raise CommandError(f"Writing to the database failed: {self.failure}")

    def _run(self) -> None:
        try:
            with transaction.atomic():
                models = [Company, DataConnection]
                dropped = self.writer.drop_indexes(models) if self.rebuild_indexes else []
                while (batch := self.batches.get()) is not None:
                    if batch is ABORT:
                        raise CommandError("Interrupted: nothing was written.")
                    self.writer.write(Company, COMPANY_FIELDS, batch[0])
                    self.writer.write(DataConnection, CONNECTION_FIELDS, batch[1])
                self.writer.restore(dropped)
        except BaseException as failure:  # reported by the main thread
            self.failure = failure
        finally:
            connection.close()


ABORT = object()


def _columns(model, fields: list[str]) -> str:
    return ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)


class InsertWriter:
    """Plain INSERTs of ready-made tuples, many at a time (SQLite and the rest)."""

    suffix = ""

    def uuid(self, number: int) -> str:
        # Django stores a UUIDField as its 32 hex digits where there is no uuid type.
        return f"{number:032x}"

    def timestamp(self, seconds: float) -> str:
        """Seconds since the epoch as the text of a UTC timestamp, by hand (and each hour's
        date and hour made once): str(datetime) took half the run."""
        whole = int(seconds)
        hour, second = divmod(whole, 3600)
        prefix = self.hours.get(hour)
        if prefix is None:
            prefix = self.hours[hour] = f"{EPOCH + timedelta(hours=hour):%Y-%m-%d %H}:"
        minute, second = divmod(second, 60)
        micro = int((seconds - whole) * 1_000_000)
        return f"{prefix}{minute:02}:{second:02}.{micro:06}{self.suffix}"

    def __init__(self):
        self.hours: dict[int, str] = {}

    def prepare(self) -> None:
        if connection.vendor == "sqlite":
            # SQLite's default 2 MB page cache made a large load mostly reading and writing
            # the same index pages through the OS: 256 MB for this connection.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")

    def drop_indexes(self, models) -> list[str]:
        return []

    def restore(self, statements: list[str]) -> None:
        pass

    def write(self, model, fields: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        marks = ", ".join(["%s"] * len(fields))
        # Names from the models, quoted; the values are parameters.
        sql = f"INSERT INTO {table} ({_columns(model, fields)}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def analyze(self, models) -> None:
        if connection.vendor == "sqlite":
            # Fresh planner statistics after a bulk load: without them SQLite picks the
            # status index for per-company lookups and filtered tables take seconds.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


class PostgresWriter:
    """Binary COPY: no value is turned into text in Python (formatting timestamps took most
    of a run), psycopg packs each row in C."""

    BINARY = {"companies_company": COMPANY_BINARY, "companies_dataconnection": CONNECTION_BINARY}

    def prepare(self) -> None:
        pass

    def uuid(self, number: int) -> bytes:
        return number.to_bytes(16, "big")

    def timestamp(self, seconds: float) -> int:
        return int((seconds - POSTGRES_EPOCH) * 1_000_000)

    def write(self, model, fields: list[str], rows: list[tuple]) -> None:
        table = connection.ops.quote_name(model._meta.db_table)
        sql = f"COPY {table} ({_columns(model, fields)}) FROM STDIN (FORMAT BINARY)"
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            with cursor.cursor.copy(sql) as copy:
                copy.set_types(self.BINARY[model._meta.db_table])
                for row in rows:
                    copy.write_row(row)

    def drop_indexes(self, models) -> list[str]:
        """Drop the tables' indexes that back no constraint, and their foreign keys; return
        the statements that make them again."""
        tables = [model._meta.db_table for model in models]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
                " FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s)"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [tables],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
                " FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
                [tables],
            )
            foreign_keys = cursor.fetchall()
            for table, name, _ in foreign_keys:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _, definition in indexes] + [
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
            for table, name, definition in foreign_keys
        ]

    def restore(self, statements: list[str]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement in statements:
                cursor.execute(statement)

    def analyze(self, models) -> None:
        # VACUUM sets the visibility map, so counts and id lookups can be index-only scans
        # at once rather than after autovacuum gets round to a freshly loaded table.
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        # VACUUM cannot run in a transaction (the tests' one): ANALYZE alone there.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {tables}")


class DemoData:
    """Builds rows of companies and connections as tuples in the order of COMPANY_FIELDS and
    CONNECTION_FIELDS; everything shown comes from `rng`. No model instances: at a million
    companies their construction alone took minutes."""

    def __init__(self, rng: random.Random, platforms: list[Platform], *, now: datetime, writer):
        self.rng = rng
        # Values in the form the writer sends them.
        self.encode_uuid = writer.uuid
        self.encode_timestamp = writer.timestamp
        self.now = now.timestamp()
        self.now_text = self.timestamp(self.now)
        # Ids stay truly random (not from the seed), so a second run with the same seed adds
        # companies instead of failing on duplicate keys.
        self.ids = random.Random()
        self.statuses = _weighted([str(s) for s in STATUSES], STATUS_WEIGHTS)
        self.counts = _weighted(list(range(4)), CONNECTION_COUNT_WEIGHTS)
        # Every ordered choice of up to three platforms: picking one is one random index.
        self.choices = [
            [list(p) for p in itertools.permutations(platforms, count)] for count in range(4)
        ]

    def timestamp(self, seconds: float | None):
        return None if seconds is None else self.encode_timestamp(seconds)

    def uuid4(self) -> tuple[int, str]:
        """A version 4 UUID, as its number and as the writer sends it."""
        n = self.ids.getrandbits(128)
        n = (n & ~(0xF000 << 64) & ~(0xC000 << 48)) | (0x4000 << 64) | (0x8000 << 48)
        return n, self.encode_uuid(n)

    def batch(self, first: int, size: int) -> tuple[list[tuple], list[tuple]]:
        companies: list[tuple] = []
        connections: list[tuple] = []
        for index in range(first, first + size):
            _, company_id = self.uuid4()
            created = self.now - self.rng.random() * HISTORY
            companies.append(
                (
                    company_id,
                    self.name(),
                    self.description(),
                    self.timestamp(created),
                    1,
                    self.now_text,
                    "",
                )
            )
            connections.extend(self.connections_for(company_id, created, index))
        return companies, connections

    def name(self) -> str:
        r = self.rng.random
        pattern = r()
        if pattern < 0.30:
            name = f"{_pick(r, SURNAMES)} {_pick(r, TRADES)} {_pick(r, SUFFIXES)}"
        elif pattern < 0.55:
            name = f"{_pick(r, ADJECTIVES)} {_pick(r, NOUNS)} {_pick(r, TRADES)}"
        elif pattern < 0.70:
            name = f"{_pick(r, SURNAMES)} & {_pick(r, SURNAMES)} {_pick(r, SUFFIXES)}"
        elif pattern < 0.82:
            name = f"{_pick(r, NOUNS)}{_pick(r, TECH_ENDINGS)} {_pick(r, SUFFIXES)}"
        elif pattern < 0.90:
            name = f"{_pick(r, SURNAMES)}-{_pick(r, SURNAMES)} {_pick(r, TRADES)}"
        elif pattern < 0.94:
            name = f"{_pick(r, NOUNS)} {_pick(r, TRADES)}!"
        else:
            name = _pick(r, INTERNATIONAL_NAMES)
        return name.strip(" ")

    def description(self) -> str:
        r = self.rng.random
        if r() < 0.1:
            return ""
        city = _pick(r, CITIES)
        opening = _pick(r, DESCRIPTION_OPENINGS).format(
            sector=_pick(r, SECTORS),
            city=city,
            year=1950 + int(r() * 75),
            staff=3 + int(r() * 398),
        )
        extra = _pick(r, DESCRIPTION_EXTRAS).format(city=city)
        return f"{opening[0].upper()}{opening[1:]} {extra}".strip()

    def connections_for(self, company_id: str, company_created: float, index: int) -> list:
        r = self.rng.random
        count = _pick(r, self.counts)
        forced = str(STATUSES[index]) if index < len(STATUSES) else None
        if forced:
            count = max(count, 1)
        rows = []
        for position, platform in enumerate(_pick(r, self.choices[count])):
            status = forced if forced and position == 0 else _pick(r, self.statuses)
            rows.append(self.connection(company_id, company_created, platform, status))
        return rows

    def connection(self, company_id: str, company_created: float, platform, status) -> tuple:
        r = self.rng.random
        now = self.now
        number, connection_id = self.uuid4()
        created = company_created + r() * (now - company_created)
        linked_at = last_sync = error_code = errored_at = next_sync_at = None
        error_message = pull_status = ""
        if status != PENDING_AUTH:
            linked_at = created + r() * min(now - created, 3600)
            if status == LINKED:
                start = max(linked_at, now - 2 * 86400)
                last_sync = start + r() * (now - start)
                next_sync_at = last_sync + DAILY + DAILY * SPREAD * (number % 1000) / 1000
                pull_status = COMPLETE
            else:
                # Deauthorized and Unlinked were linked once, synced, then lost access.
                last_sync = linked_at + r() * (now - linked_at)
            if status == DEAUTHORIZED:
                error_code, error_message = _pick(r, ERRORS)
                errored_at = last_sync + r() * (now - last_sync)
        timestamp = self.timestamp
        return (
            connection_id,
            company_id,
            platform.key,
            platform.source_type,
            status,
            timestamp(created),
            timestamp(linked_at),
            timestamp(last_sync),
            NORMAL,
            error_code,
            error_message,
            timestamp(errored_at),
            timestamp(next_sync_at),
            pull_status,
        )


def _pick(random_float, values: list):
    """`rng.choice`, at a third of its cost."""
    return values[int(random_float() * len(values))]
