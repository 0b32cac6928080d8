"""The company page's invoiced/paid chart reads monthly totals that the pulls keep true as
they store records, instead of summing every record on each view."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection as db_connection
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies import services
from companies.activity import Actor
from companies.models import DataConnection, MonthlyTotal, PulledRecord
from companies.pulls import queue
from companies.pulls.totals import monthly_sums, records_delete, records_store
from tests.support import page_of, run_worker

pytestmark = pytest.mark.django_db


def _totals(connection=None) -> dict:
    rows = MonthlyTotal.objects.all()
    if connection is not None:
        rows = rows.filter(connection=connection)
    return {
        (row.connection_id, row.data_type, row.month): (row.records, row.amount) for row in rows
    }


def _sums(connection=None) -> dict:
    records = PulledRecord.objects.all()
    if connection is not None:
        records = records.filter(connection=connection)
    return {
        (row["connection_id"], row["data_type"], row["month"]): (row["records"], row["amount"])
        for row in monthly_sums(records)
    }


def _pull(connection: DataConnection) -> None:
    queue.pull_queue(connection=connection, actor=Actor.system())
    run_worker()


def _record(connection, external_id, occurred_on, amount, data_type="invoices"):
    return PulledRecord(
        connection=connection,
        data_type=data_type,
        external_id=external_id,
        display_name=external_id,
        occurred_on=occurred_on,
        amount=amount,
        payload={},
    )


def _store(connection, records, data_type="invoices"):
    with transaction.atomic():
        records_store(connection, data_type, records)


def test_a_pull_keeps_the_totals_of_what_it_stored(linked):
    _pull(linked)
    assert PulledRecord.objects.filter(connection=linked).exists()
    assert _totals() == _sums() != {}


def test_pulling_again_replaces_the_records_and_their_totals(linked):
    _pull(linked)
    before = _totals()
    # Records as an earlier pull stored them, different from what the platform holds now:
    # the next pull replaces them, and their old amounts and months leave the totals.
    changed = PulledRecord.objects.filter(connection=linked, data_type="invoices")[:50]
    for record in changed:
        record.amount += 1000
        record.occurred_on -= timedelta(days=400)
    _store(linked, list(changed))
    assert _totals() == _sums() != before

    _pull(linked)
    assert _totals() == _sums() == before


def test_moving_a_record_to_another_month_moves_its_amount(linked):
    _store(linked, [_record(linked, "INV-1", date(2026, 3, 5), Decimal("100.00"))])
    _store(linked, [_record(linked, "INV-1", date(2026, 4, 5), Decimal("30.00"))])
    assert _totals() == {(linked.id, "invoices", date(2026, 4, 1)): (1, Decimal("30.00"))}


def test_records_without_a_date_or_an_amount(linked):
    _store(
        linked,
        [
            _record(linked, "INV-1", None, Decimal("5.00")),
            _record(linked, "INV-2", date(2026, 3, 5), None),
        ],
    )
    assert _totals() == {(linked.id, "invoices", date(2026, 3, 1)): (1, Decimal("0"))}


def test_deleting_records_takes_them_out_of_their_months(admin_client, linked):
    _store(
        linked,
        [
            _record(linked, "INV-1", date(2026, 3, 5), Decimal("100.00")),
            _record(linked, "INV-2", date(2026, 3, 9), Decimal("20.00")),
            _record(linked, "INV-3", date(2026, 4, 1), Decimal("7.00")),
        ],
    )
    records_delete(PulledRecord.objects.filter(external_id="INV-3"))
    assert _totals() == {(linked.id, "invoices", date(2026, 3, 1)): (2, Decimal("120.00"))}

    # Through Django admin as well.
    record = PulledRecord.objects.get(external_id="INV-1")
    response = admin_client.post(
        f"/admin/companies/pulledrecord/{record.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert _totals() == _sums() == {(linked.id, "invoices", date(2026, 3, 1)): (1, Decimal("20"))}


def test_a_deleted_connection_or_company_takes_its_totals(company, linked, make_connection):
    other = make_connection(company, platform="sage")
    for connection in (linked, other):
        _store(connection, [_record(connection, "INV-1", date(2026, 3, 5), Decimal("1.00"))])
    services.connection_delete(connection=linked, actor=Actor.system())
    assert set(MonthlyTotal.objects.values_list("connection", flat=True)) == {other.id}
    services.company_delete(company=company)
    assert not MonthlyTotal.objects.exists()


def test_the_migration_fills_the_totals_of_records_pulled_before_it(linked):
    _pull(linked)
    expected = _totals()
    MonthlyTotal.objects.all().delete()
    migration = importlib.import_module("companies.migrations.0012_monthly_totals")
    migration.fill_totals(apps, None)
    assert _totals() == expected != {}


def test_the_chart_shows_the_totals(manager_client, company, linked):
    this_month = timezone.localdate().replace(day=1)
    _store(
        linked,
        [
            _record(linked, "INV-1", this_month, Decimal("1200.00")),
            _record(linked, "INV-2", this_month, Decimal("34.00")),
        ],
    )
    _store(linked, [_record(linked, "PAY-1", this_month, Decimal("500.00"))], "payments")
    page = page_of(manager_client.get(f"/companies/{company.id}/"), company.name)
    label = f"{this_month:%b %y}"
    assert f"{label}, Invoiced: 1,234</title>" in page
    assert f"{label}, Paid: 500</title>" in page


def test_the_company_page_query_count_does_not_grow_with_its_records(
    manager_client, company, linked
):
    def count() -> int:
        manager_client.get(f"/companies/{company.id}/")
        with CaptureQueriesContext(db_connection) as queries:
            assert manager_client.get(f"/companies/{company.id}/").status_code == 200
        return len(queries)

    today = timezone.localdate()
    _store(linked, [_record(linked, "INV-0", today, 1)])
    few = count()
    _store(
        linked,
        [_record(linked, f"INV-{n}", today - timedelta(days=n), n) for n in range(1, 2000)],
    )
    assert count() == few
