"""Every status an account can move through: PENDING → CONNECTED, or → MFA_REQUIRED →
CONNECTED, or → INVALID_CREDENTIALS; CONNECTED → DISCONNECTED. And the moves it may not make."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from accounts import services
from accounts.crypto import Secret
from accounts.models import PayrollAccount
from companies.activity import Actor
from companies.models import ActivityEntry
from tests.support import STAFF, make_account, run_worker

WORKER = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def verified(account: PayrollAccount) -> PayrollAccount:
    """The verification the worker runs, called directly."""
    return services.account_verify(account_id=account.account_id)


def messages(company) -> list[str]:
    return list(
        ActivityEntry.objects.filter(company=company, action__startswith="payroll.")
        .order_by("created", "id")
        .values_list("message", flat=True)
    )


@WORKER
class TestVerificationByTheWorker:
    def test_good_credentials_connect_and_the_pull_sets_the_latest_pay_date(self, company):
        account = make_account(company)
        assert account.status == "PENDING"
        assert DBTaskResult.objects.count() == 1  # queued once the create committed
        run_worker()
        account.refresh_from_db()
        assert account.status == "CONNECTED"
        assert account.connected_at is not None
        assert account.mfa_enabled is False
        assert account.latest_pay_date is not None
        assert account.latest_pay_date.day in (15, 28, 29, 30, 31)
        assert messages(company) == [
            "Added the QuickBooks Payroll payroll account for john.smith@company.com (PENDING).",
            "QuickBooks Payroll accepted the credentials (CONNECTED).",
            f"Pulled payroll from QuickBooks Payroll: latest pay date "
            f"{account.latest_pay_date:%-d %b %Y}.",
        ]
        assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}

    def test_the_wrong_password_gives_invalid_credentials(self, company):
        account = make_account(company, password="wrong-password")
        run_worker()
        account.refresh_from_db()
        assert account.status == "INVALID_CREDENTIALS"
        assert account.latest_pay_date is None
        assert "did not accept the user name or password" in account.status_message

    @pytest.mark.parametrize(
        ("user_name", "source"),
        [("john.smith+mfa@company.com", "AUTHENTICATOR_APP"), ("john+sms@company.com", "SMS")],
    )
    def test_a_marked_user_name_asks_for_mfa(self, company, user_name, source):
        account = make_account(company, user_name=user_name)
        run_worker()
        account.refresh_from_db()
        assert account.status == "MFA_REQUIRED"
        assert account.mfa_enabled is True
        assert account.mfa_method == {"type": "Code", "source": source}
        assert account.latest_pay_date is None

    def test_the_right_code_connects_and_queues_the_pull(self, company):
        account = make_account(company, user_name="john.smith+mfa@company.com")
        run_worker()
        services.account_submit_mfa(account=account, code="123456", actor=STAFF)
        run_worker()
        account.refresh_from_db()
        assert account.status == "CONNECTED"
        assert account.latest_pay_date is not None

    def test_an_account_deleted_before_the_worker_runs_is_skipped(self, company):
        account = make_account(company)
        services.account_delete(account=account, actor=STAFF)
        run_worker()
        assert not PayrollAccount.objects.exists()
        assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}

    def test_the_task_queue_holds_only_the_account_id(self, company):
        make_account(company, password="very-secret-password")
        task = DBTaskResult.objects.get()
        assert "very-secret-password" not in str(task.args_kwargs)
        assert task.args_kwargs["args"] == [str(PayrollAccount.objects.get().account_id)]


@pytest.mark.django_db
class TestMfa:
    @pytest.fixture
    def waiting(self, company) -> PayrollAccount:
        return verified(make_account(company, user_name="john.smith+mfa@company.com"))

    def test_the_right_code_connects(self, waiting):
        account = services.account_submit_mfa(account=waiting, code="123456", actor=STAFF)
        assert account.status == "CONNECTED"
        assert account.mfa_attempts == 0
        assert account.mfa_enabled is True  # still an MFA account, now connected

    def test_a_wrong_code_is_refused_and_the_account_waits(self, waiting):
        with pytest.raises(services.WrongMfaCode, match="2 tries left"):
            services.account_submit_mfa(account=waiting, code="000000", actor=STAFF)
        waiting.refresh_from_db()
        assert waiting.status == "MFA_REQUIRED"
        assert waiting.mfa_attempts == 1

    def test_the_third_wrong_code_makes_the_credentials_invalid(self, waiting):
        for code, left in (("1", "2 tries"), ("2", "1 try")):
            with pytest.raises(services.WrongMfaCode, match=f"{left} left"):
                services.account_submit_mfa(account=waiting, code=code, actor=STAFF)
        with pytest.raises(services.WrongMfaCode, match="now INVALID_CREDENTIALS"):
            services.account_submit_mfa(account=waiting, code="3", actor=STAFF)
        waiting.refresh_from_db()
        assert waiting.status == "INVALID_CREDENTIALS"
        assert waiting.status_message == "Too many wrong MFA codes. Sign in again."
        # Even the right code is refused now.
        with pytest.raises(services.AccountStateError, match="INVALID_CREDENTIALS"):
            services.account_submit_mfa(account=waiting, code="123456", actor=STAFF)

    def test_a_right_code_resets_the_count(self, waiting):
        with pytest.raises(services.WrongMfaCode):
            services.account_submit_mfa(account=waiting, code="1", actor=STAFF)
        account = services.account_submit_mfa(account=waiting, code=" 123456 ", actor=STAFF)
        assert account.status == "CONNECTED"
        assert account.mfa_attempts == 0

    @pytest.mark.parametrize(
        "status", ["PENDING", "CONNECTED", "INVALID_CREDENTIALS", "DISCONNECTED"]
    )
    def test_only_an_account_waiting_for_mfa_takes_a_code(self, company, status):
        account = make_account(company, status=status)
        with pytest.raises(services.AccountStateError, match=f"this one is {status}"):
            services.account_submit_mfa(account=account, code="123456", actor=STAFF)

    def test_every_attempt_is_in_the_activity_log(self, waiting, company):
        with pytest.raises(services.WrongMfaCode):
            services.account_submit_mfa(account=waiting, code="1", actor=Actor.end_user())
        services.account_submit_mfa(account=waiting, code="123456", actor=Actor.end_user())
        entries = ActivityEntry.objects.filter(action__in=["payroll.mfa", "payroll.mfa_refused"])
        assert [e.action for e in entries.order_by("created", "id")] == [
            "payroll.mfa_refused",
            "payroll.mfa",
        ]
        assert {e.actor_label for e in entries} == {"End user via Link"}


@pytest.mark.django_db
class TestSigningInAgain:
    def test_invalid_credentials_can_be_replaced_and_are_verified(self, company):
        account = verified(make_account(company, password="wrong-password"))
        assert account.status == "INVALID_CREDENTIALS"
        account = services.account_update_credentials(
            account=account,
            user_name="john.smith@company.com",
            password=Secret("the-right-one"),
            actor=Actor.end_user(),
        )
        assert account.status == "CONNECTED"
        assert account.get_password().reveal() == "the-right-one"

    def test_only_refused_credentials_can_be_replaced(self, company):
        account = make_account(company, status="CONNECTED")
        with pytest.raises(services.AccountStateError):
            services.account_update_credentials(
                account=account, user_name="x", password=Secret("y"), actor=STAFF
            )


@pytest.mark.django_db
class TestDisconnect:
    def test_a_connected_account_can_be_disconnected(self, company):
        account = make_account(company, status="CONNECTED")
        account = services.account_disconnect(account=account, actor=STAFF)
        assert account.status == "DISCONNECTED"
        assert messages(company)[-1] == (
            "Disconnected the QuickBooks Payroll account john.smith@company.com."
        )

    @pytest.mark.parametrize(
        "status", ["PENDING", "MFA_REQUIRED", "INVALID_CREDENTIALS", "DISCONNECTED"]
    )
    def test_only_a_connected_account_can_be_disconnected(self, company, status):
        account = make_account(company, status=status)
        with pytest.raises(services.AccountStateError, match="Only a CONNECTED account"):
            services.account_disconnect(account=account, actor=STAFF)

    def test_the_pull_skips_a_disconnected_account(self, company):
        account = make_account(company, status="DISCONNECTED")
        assert services.account_pull_payroll(account_id=account.account_id).latest_pay_date is None

    def test_verification_leaves_an_account_that_is_not_pending_alone(self, company):
        account = make_account(company, status="DISCONNECTED")
        assert verified(account).status == "DISCONNECTED"
