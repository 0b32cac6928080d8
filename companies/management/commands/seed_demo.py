"""Fill the database with demo companies and connections, fast enough for 100,000 rows."""

from __future__ import annotations

import random
import time
import uuid
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from companies.models import Company, DataConnection, DataPull
from companies.platforms import Platform, all_platforms
from companies.pulls.schedule import next_sync_after

MAX_COMPANIES = 1_000_000
BATCH_SIZE = 5000
HISTORY = timedelta(days=730)

Status = DataConnection.Status
# Every status is forced once on the first companies, so any N >= 4 shows all four.
STATUSES = [Status.PENDING_AUTH, Status.LINKED, Status.DEAUTHORIZED, Status.UNLINKED]
STATUS_WEIGHTS = [15, 55, 15, 15]
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


class Command(BaseCommand):
    help = (
        "Create demo companies with data connections in every status (PendingAuth, Linked, "
        "Deauthorized, Unlinked), spread over the last two years. Inserts in batches: "
        "100,000 companies take about half a minute on SQLite. --seed repeats a run."
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
        generator = DemoData(random.Random(seed), platforms, now=timezone.now())
        company_total = connection_total = 0
        # With DEBUG on, Django keeps the text of every INSERT it runs: a quarter of the
        # time and half the memory of a large run, for a log nobody reads.
        with override_settings(DEBUG=False):
            for first in range(0, companies, BATCH_SIZE):
                batch, connections = generator.batch(first, min(BATCH_SIZE, companies - first))
                # One transaction per batch: an interrupted run leaves whole companies only.
                with transaction.atomic():
                    Company.objects.bulk_create(batch)
                    DataConnection.objects.bulk_create(connections)
                company_total += len(batch)
                connection_total += len(connections)
                if options["verbosity"] >= 2:
                    self.stdout.write(f"  {company_total:,} of {companies:,} companies")

        if connection.vendor in ("sqlite", "postgresql"):
            # Fresh planner statistics after a bulk load: without them SQLite picks the
            # status index for per-company lookups and filtered tables take seconds.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {company_total:,} companies and {connection_total:,} connections "
                f"in {elapsed:.1f} s (seed {seed})."
            )
        )


class DemoData:
    """Builds unsaved companies and connections; everything random comes from `rng`."""

    def __init__(self, rng: random.Random, platforms: list[Platform], *, now: datetime):
        self.rng = rng
        self.platforms = platforms
        self.now = now

    def batch(self, first: int, size: int) -> tuple[list[Company], list[DataConnection]]:
        companies: list[Company] = []
        connections: list[DataConnection] = []
        for index in range(first, first + size):
            company = self.company()
            companies.append(company)
            connections.extend(self.connections_for(company, index))
        return companies, connections

    def company(self) -> Company:
        # Ids stay truly random (not from the seed), so a second run with the same seed
        # adds companies instead of failing on duplicate keys.
        return Company(
            id=uuid.uuid4(),
            name=self.name(),
            description=self.description(),
            created=self.now - self.rng.random() * HISTORY,
        )

    def name(self) -> str:
        rng = self.rng
        pattern = rng.random()
        if pattern < 0.30:
            name = f"{rng.choice(SURNAMES)} {rng.choice(TRADES)} {rng.choice(SUFFIXES)}"
        elif pattern < 0.55:
            name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(TRADES)}"
        elif pattern < 0.70:
            name = f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)} {rng.choice(SUFFIXES)}"
        elif pattern < 0.82:
            name = f"{rng.choice(NOUNS)}{rng.choice(TECH_ENDINGS)} {rng.choice(SUFFIXES)}"
        elif pattern < 0.90:
            name = f"{rng.choice(SURNAMES)}-{rng.choice(SURNAMES)} {rng.choice(TRADES)}"
        elif pattern < 0.94:
            name = f"{rng.choice(NOUNS)} {rng.choice(TRADES)}!"
        else:
            name = rng.choice(INTERNATIONAL_NAMES)
        return name.strip(" ")

    def description(self) -> str:
        rng = self.rng
        if rng.random() < 0.1:
            return ""
        city = rng.choice(CITIES)
        opening = rng.choice(DESCRIPTION_OPENINGS).format(
            sector=rng.choice(SECTORS),
            city=city,
            year=rng.randint(1950, 2024),
            staff=rng.randint(3, 400),
        )
        extra = rng.choice(DESCRIPTION_EXTRAS).format(city=city)
        return f"{opening[0].upper()}{opening[1:]} {extra}".strip()

    def connections_for(self, company: Company, index: int) -> list[DataConnection]:
        rng = self.rng
        count = rng.choices(range(4), weights=CONNECTION_COUNT_WEIGHTS)[0]
        forced = STATUSES[index] if index < len(STATUSES) else None
        if forced:
            count = max(count, 1)
        platforms = rng.sample(self.platforms, min(count, len(self.platforms)))
        connections = []
        for position, platform in enumerate(platforms):
            status = forced if forced and position == 0 else self.status()
            connections.append(self.connection(company, platform, status))
        return connections

    def status(self) -> str:
        return self.rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]

    def connection(self, company: Company, platform: Platform, status: str) -> DataConnection:
        connection = DataConnection(
            id=uuid.uuid4(),
            company=company,
            platform=platform.key,
            source_type=platform.source_type,
            status=status,
            created=self._between(company.created, self.now),
        )
        if status == Status.PENDING_AUTH:
            return connection
        connection.linked_at = self._between(connection.created, self.now, within=3600)
        if status == Status.LINKED:
            connection.last_sync = self._between(
                max(connection.linked_at, self.now - timedelta(days=2)), self.now
            )
            # On the default daily schedule, as if the scheduler had been running.
            connection.next_sync_at = next_sync_after(connection.id, "daily", connection.last_sync)
            connection.last_pull_status = DataPull.Status.COMPLETE
        else:
            # Deauthorized and Unlinked were linked once, synced, then lost access.
            connection.last_sync = self._between(connection.linked_at, self.now)
        if status == Status.DEAUTHORIZED:
            connection.error_status_code, connection.error_message = self.rng.choice(ERRORS)
            connection.errored_at = self._between(connection.last_sync, self.now)
        return connection

    def _between(self, start: datetime, end: datetime, within: float | None = None) -> datetime:
        """A random moment from `start` to `end`, at most `within` seconds after `start`."""
        span = (end - start).total_seconds()
        if within is not None:
            span = min(span, within)
        return start + timedelta(seconds=self.rng.random() * max(span, 0))
