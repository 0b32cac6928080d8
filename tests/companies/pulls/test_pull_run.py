from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from companies import services
from companies.activity import Actor
from companies.models import DataConnection, DataPull, PulledRecord
from companies.platforms.sandbox import Scenario
from companies.pulls import queue
from companies.services import ConnectionStateError
from tests.support import run_worker

pytestmark = pytest.mark.django_db

STAFF = Actor.system()


class TestQueue:
    def test_a_linked_connection_is_queued_and_pulled_by_a_worker(self, linked):
        pull, _ = queue.pull_queue(connection=linked, actor=STAFF)
        assert pull.status == "Queued"
        run_worker()
        pull.refresh_from_db()
        assert pull.status == "Complete"
        assert pull.records_done == pull.records_total > 2000
        assert pull.started and pull.finished
        linked.refresh_from_db()
        assert linked.last_sync is not None
        types = set(PulledRecord.objects.values_list("data_type", flat=True))
        assert types == {
            "chartOfAccounts",
            "customers",
            "suppliers",
            "invoices",
            "bills",
            "payments",
        }
        assert PulledRecord.objects.count() == pull.records_total

    @pytest.mark.parametrize("status", ["PendingAuth", "Deauthorized", "Unlinked"])
    def test_only_a_linked_connection_can_be_pulled(self, linked, status):
        linked.status = status
        linked.save()
        with pytest.raises(ConnectionStateError, match="Send the company's user through Link"):
            queue.pull_queue(connection=linked, actor=STAFF)
        assert not DataPull.objects.exists()

    def test_a_second_request_returns_the_waiting_pull(self, linked):
        first, queued_now = queue.pull_queue(connection=linked, actor=STAFF)
        assert queued_now
        assert queue.pull_queue(connection=linked, actor=STAFF) == (first, False)
        assert DataPull.objects.count() == 1


class TestRepeat:
    def test_pulling_again_updates_and_never_duplicates(self, linked):
        queue.pull_queue(connection=linked, actor=STAFF)
        run_worker()
        count = PulledRecord.objects.count()
        first = PulledRecord.objects.get(data_type="invoices", external_id="INV-000001")
        queue.pull_queue(connection=linked, actor=STAFF)
        run_worker()
        assert PulledRecord.objects.count() == count
        again = PulledRecord.objects.get(data_type="invoices", external_id="INV-000001")
        assert again.payload == first.payload  # deterministic data
        assert again.pulled_at > first.pulled_at
        assert DataPull.objects.filter(status="Complete").count() == 2


class TestMisbehaviour:
    def test_rate_limits_are_retried_then_succeed(self, linked):
        linked.sandbox_scenario = Scenario.RATE_LIMITED
        linked.save()
        pull, _ = queue.pull_queue(connection=linked, actor=STAFF)
        run_worker()
        pull.refresh_from_db()
        assert pull.status == "Complete"

    def test_server_errors_are_retried_then_fetch_error(self, linked):
        linked.sandbox_scenario = Scenario.SERVER_ERROR
        linked.save()
        pull, _ = queue.pull_queue(connection=linked, actor=STAFF)
        run_worker()
        pull.refresh_from_db()
        assert pull.status == "FetchError"
        assert "503" in pull.error_message
        linked.refresh_from_db()
        assert linked.status == "Linked"
        assert linked.last_sync is None
        # What was fetched before the failure stays.
        assert PulledRecord.objects.filter(data_type="customers").exists()

    def test_access_revoked_mid_pull_is_auth_error_and_deauthorizes(self, linked):
        linked.sandbox_scenario = Scenario.REVOKED_MID_PULL
        linked.save()
        pull, _ = queue.pull_queue(connection=linked, actor=STAFF)
        run_worker()
        pull.refresh_from_db()
        assert pull.status == "AuthError"
        linked.refresh_from_db()
        assert linked.status == "Deauthorized"
        # Old data stays readable; new pulls are refused until re-linked.
        assert PulledRecord.objects.filter(connection=linked).exists()
        with pytest.raises(ConnectionStateError):
            queue.pull_queue(connection=linked, actor=STAFF)

    def test_records_of_an_unlinked_connection_stay(self, linked):
        queue.pull_queue(connection=linked, actor=STAFF)
        run_worker()
        services.connection_unlink(connection=linked, actor=STAFF)
        assert PulledRecord.objects.filter(connection=linked).count() > 0


class TestCancelAndDelete:
    def test_a_cancelled_pull_is_not_run(self, linked):
        pull, _ = queue.pull_queue(connection=linked, actor=STAFF)
        queue.pull_cancel(pull=pull, actor=STAFF)
        run_worker()
        pull.refresh_from_db()
        assert pull.status == "Cancelled"
        assert not PulledRecord.objects.exists()

    def test_deleting_the_company_before_the_worker_runs_leaves_nothing(self, linked, company):
        queue.pull_queue(connection=linked, actor=STAFF)
        services.company_delete(company=company)
        run_worker()  # no crash
        assert not DataPull.objects.exists()
        assert not PulledRecord.objects.exists()
        assert not DataConnection.objects.exists()

    def test_unlinking_during_a_pull_stops_it(self, linked):
        pull, _ = queue.pull_queue(connection=linked, actor=STAFF)
        DataConnection.objects.filter(pk=linked.pk).update(status="Unlinked")
        run_worker()
        pull.refresh_from_db()
        assert pull.status == "Cancelled"
        assert "Unlinked" in pull.error_message


class TestAbandonedPulls:
    def test_a_pull_whose_worker_died_is_replaced(self, linked, settings):
        settings.PULL_STALE_AFTER_SECONDS = 600
        stuck, _ = queue.pull_queue(connection=linked, actor=STAFF)
        long_ago = timezone.now() - timedelta(minutes=11)
        DataPull.objects.filter(pk=stuck.pk).update(
            status="Fetching", started=long_ago, heartbeat=long_ago, records_done=500
        )
        fresh, _ = queue.pull_queue(connection=linked, actor=STAFF)
        assert fresh.pk != stuck.pk
        stuck.refresh_from_db()
        assert stuck.status == "FetchError"
        assert "no progress for 10 minutes" in stuck.error_message
        run_worker()
        fresh.refresh_from_db()
        assert fresh.status == "Complete"

    def test_a_pull_queued_for_a_day_is_replaced(self, linked):
        lost, _ = queue.pull_queue(connection=linked, actor=STAFF)
        DataPull.objects.filter(pk=lost.pk).update(requested=timezone.now() - timedelta(days=2))
        fresh, _ = queue.pull_queue(connection=linked, actor=STAFF)
        assert fresh.pk != lost.pk
        lost.refresh_from_db()
        assert lost.status == "FetchError"
        assert lost.error_message == "No worker started this pull within a day."

    def test_the_task_of_a_pull_whose_worker_died_is_marked_failed(self, linked, settings):
        settings.PULL_STALE_AFTER_SECONDS = 600
        stuck, _ = queue.pull_queue(connection=linked, actor=STAFF)
        long_ago = timezone.now() - timedelta(minutes=11)
        DataPull.objects.filter(pk=stuck.pk).update(
            status="Fetching", started=long_ago, heartbeat=long_ago
        )
        # What a worker killed mid-pull leaves behind.
        DBTaskResult.objects.update(status="RUNNING", started_at=long_ago)
        fresh, _ = queue.pull_queue(connection=linked, actor=STAFF)

        task = DBTaskResult.objects.get(args_kwargs__args__0=str(stuck.pk))
        assert task.status == "FAILED"
        assert task.finished_at is not None
        assert task.exception_class_path == "companies.pulls.lifecycle.PullAbandoned"
        assert "no progress for 10 minutes" in task.traceback
        new_task = DBTaskResult.objects.get(args_kwargs__args__0=str(fresh.pk))
        assert new_task.status == "READY"

    def test_the_task_no_worker_started_is_marked_failed_and_never_runs(self, linked):
        lost, _ = queue.pull_queue(connection=linked, actor=STAFF)
        DataPull.objects.filter(pk=lost.pk).update(requested=timezone.now() - timedelta(days=2))
        fresh, _ = queue.pull_queue(connection=linked, actor=STAFF)
        task = DBTaskResult.objects.get(args_kwargs__args__0=str(lost.pk))
        assert task.status == "FAILED"
        assert "No worker started this pull within a day." in task.traceback
        run_worker()
        assert DBTaskResult.objects.get(pk=task.pk).status == "FAILED"
        fresh.refresh_from_db()
        assert fresh.status == "Complete"

    def test_a_task_queued_under_the_old_task_path_is_marked_failed_too(self, linked):
        lost, _ = queue.pull_queue(connection=linked, actor=STAFF)
        DBTaskResult.objects.update(task_path="companies.tasks.run_pull")
        DataPull.objects.filter(pk=lost.pk).update(requested=timezone.now() - timedelta(days=2))
        queue.pull_queue(connection=linked, actor=STAFF)
        assert DBTaskResult.objects.get(task_path="companies.tasks.run_pull").status == "FAILED"

    def test_staff_see_the_failed_task_in_the_admin(self, linked, admin_client):
        lost, _ = queue.pull_queue(connection=linked, actor=STAFF)
        DataPull.objects.filter(pk=lost.pk).update(requested=timezone.now() - timedelta(days=2))
        queue.pull_queue(connection=linked, actor=STAFF)
        task = DBTaskResult.objects.get(args_kwargs__args__0=str(lost.pk))
        tasks_admin = "/admin/django_tasks_database/dbtaskresult/"
        listing = admin_client.get(f"{tasks_admin}?status__exact=FAILED")
        assert str(task.pk) in listing.content.decode()
        detail = admin_client.get(f"{tasks_admin}{task.pk}/change/")
        assert "No worker started this pull within a day." in detail.content.decode()

    def test_a_pull_waiting_in_a_long_queue_is_kept(self, linked):
        waiting, _ = queue.pull_queue(connection=linked, actor=STAFF)
        DataPull.objects.filter(pk=waiting.pk).update(requested=timezone.now() - timedelta(hours=3))
        assert queue.pull_queue(connection=linked, actor=STAFF) == (waiting, False)

    def test_a_running_pull_with_recent_progress_is_kept(self, linked):
        running, _ = queue.pull_queue(connection=linked, actor=STAFF)
        DataPull.objects.filter(pk=running.pk).update(
            status="Fetching", started=timezone.now(), heartbeat=timezone.now()
        )
        assert queue.pull_queue(connection=linked, actor=STAFF) == (running, False)


class TestOtherQueues:
    def test_with_a_queue_outside_the_database_the_task_waits_for_the_commit(
        self, linked, settings, django_capture_on_commit_callbacks
    ):
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            pull, _ = queue.pull_queue(connection=linked, actor=STAFF)
            pull.refresh_from_db()
            assert pull.status == "Queued"  # nothing ran before the commit
        assert len(callbacks) == 1
        callbacks[0]()  # the commit: the (immediate) queue runs the task
        pull.refresh_from_db()
        assert pull.status == "Complete"


class TestTasksQueuedBeforeTheMove:
    def test_a_pull_queued_under_the_old_task_path_still_runs(self, linked):
        """Task rows store the task's import path; upgrading must not strand queued pulls."""
        pull, _ = queue.pull_queue(connection=linked, actor=STAFF)
        row = DBTaskResult.objects.get()
        assert row.task_path == "companies.pulls.tasks.run_pull"
        row.task_path = "companies.tasks.run_pull"  # as an earlier version stored it
        row.save(update_fields=["task_path"])
        run_worker()
        pull.refresh_from_db()
        assert pull.status == "Complete"
        row.refresh_from_db()
        assert row.status == "SUCCESSFUL"
