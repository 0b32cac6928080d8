"""`manage.py seed_demo`: demo companies with connections in every status."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from companies.management.commands import seed_demo
from companies.models import Company, DataConnection
from companies.platforms import get_platform
from companies.pulls.schedule import next_sync_after
from companies.validators import validate_company_name

Status = DataConnection.Status


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    """What a user sees of the demo data: names, descriptions and connections, in order."""
    companies = Company.objects.prefetch_related("connections").order_by("name", "description")
    return sorted(
        (
            c.name,
            c.description,
            sorted((x.platform, x.status) for x in c.connections.all()),
        )
        for c in companies
    )


@pytest.mark.django_db
class TestSeedDemo:
    def test_it_works(self):
        output = seed("--companies", "250", "--seed", "7")

        assert Company.objects.count() == 250
        connections = DataConnection.objects.count()
        assert "Created 250 companies and " in output
        assert f" and {connections:,} connections in " in output
        assert "(seed 7)" in output

    def test_every_status_is_present(self):
        seed("--companies", "4", "--seed", "1")

        statuses = set(DataConnection.objects.values_list("status", flat=True))
        assert statuses == set(Status.values)

    def test_connections_are_consistent(self):
        seed("--companies", "500", "--seed", "3")
        now = timezone.now()

        per_company = {}
        for connection in DataConnection.objects.select_related("company"):
            platform = get_platform(connection.platform)
            assert platform is not None
            assert connection.source_type == platform.source_type
            assert connection.created >= connection.company.created
            per_company.setdefault(connection.company_id, []).append(connection.platform)
            if connection.status == Status.PENDING_AUTH:
                assert connection.linked_at is None
                assert connection.last_sync is None
            else:
                assert connection.created <= connection.linked_at <= connection.last_sync <= now
            if connection.status == Status.DEAUTHORIZED:
                assert connection.error_message
        # 0 to 3 connections each, never two for one platform (the database refuses that too).
        assert all(len(platforms) == len(set(platforms)) <= 3 for platforms in per_company.values())
        assert Company.objects.filter(connections=None).exists()

    def test_linked_connections_are_on_the_daily_schedule(self):
        seed("--companies", "200", "--seed", "4")

        linked = DataConnection.objects.filter(status=Status.LINKED)
        assert linked.exists()
        for connection in linked:
            expected = next_sync_after(connection.id, "daily", connection.last_sync)
            assert abs(connection.next_sync_at - expected) < timedelta(milliseconds=1)
            assert connection.last_pull_status == "Complete"
        others = DataConnection.objects.exclude(status=Status.LINKED)
        assert not others.filter(next_sync_at__isnull=False).exists()
        assert set(others.values_list("last_pull_status", flat=True)) == {""}

    def test_names_and_descriptions_pass_validation(self):
        seed("--companies", "500", "--seed", "11")

        for company in Company.objects.all():
            company.full_clean()
        assert len(set(Company.objects.values_list("name", flat=True))) > 400

    def test_every_name_part_passes_the_name_rule(self):
        # Generated names only join these parts with spaces and allowed punctuation.
        parts = (
            seed_demo.SURNAMES
            + seed_demo.ADJECTIVES
            + seed_demo.NOUNS
            + seed_demo.TRADES
            + [suffix for suffix in seed_demo.SUFFIXES if suffix]
            + seed_demo.INTERNATIONAL_NAMES
        )
        refused = {}
        for part in parts:
            try:
                validate_company_name(part)
            except ValidationError as error:
                refused[part] = error.messages
        assert refused == {}

    def test_created_is_spread_over_two_years(self):
        seed("--companies", "400", "--seed", "5")
        now = timezone.now()

        created = list(Company.objects.values_list("created", flat=True))
        assert min(created) >= now - timedelta(days=731)
        assert max(created) <= now
        assert min(created) < now - timedelta(days=600)
        assert max(created) > now - timedelta(days=130)

    def test_the_same_seed_gives_the_same_data(self):
        seed("--companies", "120", "--seed", "42")
        first = snapshot()
        Company.objects.all().delete()

        seed("--companies", "120", "--seed", "42")
        assert snapshot() == first

        Company.objects.all().delete()
        seed("--companies", "120", "--seed", "43")
        assert snapshot() != first

    def test_it_can_run_twice_with_the_same_seed(self):
        seed("--companies", "10", "--seed", "42")
        seed("--companies", "10", "--seed", "42")

        assert Company.objects.count() == 20

    def test_it_inserts_in_batches(self, monkeypatch):
        monkeypatch.setattr(seed_demo, "BATCH_SIZE", 7)

        output = seed("--companies", "30", "--seed", "2", "--verbosity", "2")
        assert Company.objects.count() == 30
        assert "  28 of 30 companies" in output
        assert "  30 of 30 companies" in output

    def test_without_a_seed_it_prints_the_one_it_used(self):
        output = seed("--companies", "3")

        assert Company.objects.count() == 3
        assert "(seed " in output

    @pytest.mark.parametrize("n", ["0", "-5", "1000001"])
    def test_it_refuses_a_bad_count(self, n):
        with pytest.raises(CommandError, match="between 1 and 1,000,000"):
            seed("--companies", n)
        assert not Company.objects.exists()

    def test_it_refuses_a_count_that_is_not_a_number(self):
        with pytest.raises(CommandError, match="invalid int value"):
            seed("--companies", "many")
