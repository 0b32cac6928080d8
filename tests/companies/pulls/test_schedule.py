"""Syncs that run by themselves: on link, on re-link, and on the schedule."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from companies import services
from companies.activity import Actor
from companies.models import DataConnection, DataPull, SyncSettings
from companies.pulls import schedule
from companies.pulls.schedule import next_sync_after, schedule_pass
from tests.support import answer, choose, run_worker

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def link_through_link(end_user, link_path: str, platform: str = "xero") -> DataConnection:
    chosen = choose(end_user, link_path, platform)
    done = answer(end_user, chosen["Location"], "allow")
    assert done.status_code in (200, 302)
    return DataConnection.objects.get(platform=platform)


class TestSyncOnLink:
    def test_linking_through_link_queues_a_pull_a_worker_completes(self, end_user, link_path):
        connection = link_through_link(end_user, link_path)
        assert connection.status == "Linked"
        pull = DataPull.objects.get()
        assert (pull.status, pull.connection_id, pull.scheduled) == ("Queued", connection.pk, True)

        run_worker()
        connection.refresh_from_db()
        pull.refresh_from_db()
        assert pull.status == "Complete"
        assert connection.last_sync is not None
        assert connection.last_pull_status == "Complete"
        # Daily by default, spread over the first tenth of the day.
        assert DAY <= connection.next_sync_at - connection.last_sync < DAY * 1.1

    def test_relinking_a_deauthorized_connection_syncs_again(self, end_user, link_path):
        """Codat: once re-authorized through Link, "data has begun synchronizing again"."""
        connection = link_through_link(end_user, link_path)
        run_worker()
        services.connection_deauthorize(connection=connection, actor=Actor.system())

        assert schedule_pass(now=timezone.now() + 30 * DAY).due == 0  # never while cut
        link_through_link(end_user, link_path)
        connection.refresh_from_db()
        assert connection.status == "Linked"
        assert connection.pulls.filter(status="Queued").count() == 1
        run_worker()
        assert list(connection.pulls.values_list("status", flat=True)) == ["Complete"] * 2

    def test_a_cancelled_link_queues_nothing(self, end_user, link_path):
        chosen = choose(end_user, link_path, "xero")
        answer(end_user, chosen["Location"], "cancel")
        assert not DataPull.objects.exists()

    def test_routine_syncs_stay_out_of_the_activity_log(self, end_user, link_path, company):
        link_through_link(end_user, link_path)
        run_worker()
        actions = list(company.activity.values_list("action", flat=True))
        assert "connection.linked" in actions
        assert "pull.queued" not in actions and "pull.complete" not in actions


class TestSchedule:
    def test_due_connections_are_pulled_and_others_are_not(self, make_connection, company):
        now = timezone.now()
        due = make_connection(company, platform="xero")
        later = make_connection(company, platform="sage")
        cut = make_connection(company, platform="freeagent", status="Deauthorized")
        DataConnection.objects.filter(pk=due.pk).update(next_sync_at=now - HOUR)
        DataConnection.objects.filter(pk=later.pk).update(next_sync_at=now + HOUR)
        DataConnection.objects.filter(pk=cut.pk).update(next_sync_at=now - HOUR)

        result = schedule_pass(now=now)
        assert (result.due, result.queued) == (1, 1)
        assert set(DataPull.objects.values_list("connection_id", flat=True)) == {due.pk}
        due.refresh_from_db()
        assert now + DAY <= due.next_sync_at < now + DAY * 1.1

    def test_a_pass_queues_at_most_one_pull_per_connection(self, make_connection, company):
        now = timezone.now()
        connection = make_connection(company)
        DataConnection.objects.filter(pk=connection.pk).update(next_sync_at=now - HOUR)
        first = schedule_pass(now=now)
        again = schedule_pass(now=now + 2 * DAY)  # due again, but its pull never ran
        assert (first.queued, again.due, again.queued) == (1, 1, 0)
        assert DataPull.objects.count() == 1

    def test_a_scheduler_that_was_stopped_catches_up_once(self, make_connection, company):
        SyncSettings.objects.update_or_create(pk=1, defaults={"default_frequency": "hourly"})
        now = timezone.now()
        connection = make_connection(company)
        DataConnection.objects.filter(pk=connection.pk).update(next_sync_at=now)

        back = now + 5 * HOUR  # down for five hourly slots
        assert schedule_pass(now=back).queued == 1
        run_worker()
        assert schedule_pass(now=back + timedelta(minutes=1)).queued == 0
        connection.refresh_from_db()
        assert back + HOUR <= connection.next_sync_at < back + HOUR * 1.1
        assert DataPull.objects.count() == 1

    def test_frequency_changes_take_effect(self, make_connection, company, manager):
        now = timezone.now()
        connection = make_connection(company, last_sync=now - 3 * HOUR)
        DataConnection.objects.filter(pk=connection.pk).update(next_sync_at=now + 20 * HOUR)
        assert schedule_pass(now=now).due == 0

        schedule.company_set_sync_frequency(
            company=company, frequency="hourly", actor=Actor.staff(manager)
        )
        assert schedule_pass(now=now).queued == 1  # three hours since its last sync

        schedule.company_set_sync_frequency(
            company=company, frequency="off", actor=Actor.staff(manager)
        )
        connection.refresh_from_db()
        assert connection.next_sync_at is None
        assert schedule_pass(now=now + 365 * DAY).due == 0

    def test_the_default_frequency_applies_to_companies_without_their_own(
        self, make_connection, company, manager
    ):
        other = services.company_create(name="Other Company")
        now = timezone.now()
        mine = make_connection(company, last_sync=now - 2 * DAY)
        theirs = make_connection(other, last_sync=now - 2 * DAY)
        schedule.company_set_sync_frequency(
            company=company, frequency="monthly", actor=Actor.staff(manager)
        )
        schedule.sync_settings_update(default_frequency="weekly", actor=Actor.staff(manager))
        for connection in (mine, theirs):
            connection.refresh_from_db()
        assert theirs.next_sync_at == theirs.last_sync + 7 * DAY
        assert mine.next_sync_at == mine.last_sync + 30 * DAY

    def test_connections_linked_at_once_are_due_at_different_times(self):
        """A thousand connections linked in the same second are spread over 2.4 hours."""
        now = timezone.now()
        times = {next_sync_after(uuid.UUID(int=n), "daily", now) for n in range(1000)}
        assert len(times) == 1000
        assert min(times) == now + DAY
        assert max(times) - min(times) > 2 * HOUR


def test_a_default_change_reaches_every_follower_batch_after_batch(
    make_connection, manager, monkeypatch
):
    """Followers are rescheduled a batch of companies at a time; none is left out."""
    monkeypatch.setattr(schedule, "RESCHEDULE_BATCH", 2)
    last_sync = timezone.now() - 2 * DAY
    connections = [
        make_connection(services.company_create(name=f"Follower {n}"), last_sync=last_sync)
        for n in range(5)
    ]
    schedule.sync_settings_update(default_frequency="weekly", actor=Actor.staff(manager))
    for connection in connections:
        connection.refresh_from_db()
        assert connection.next_sync_at == last_sync + 7 * DAY
