"""The password at rest: encrypted with Fernet, rotatable, and never shown anywhere."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.core.signals import got_request_exception
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.views.debug import ExceptionReporter

from accounts import services
from accounts.crypto import Secret
from accounts.models import PayrollAccount
from portal.webhooks import services as webhook_services
from portal.webhooks.models import Endpoint
from tests.support import TEAL_SAMPLE_REQUEST, make_account, page_of, run_worker

PLAINTEXT = "correct-horse-battery-staple-42"
BASE_DIR = Path(django_settings.BASE_DIR)


def every_row_in_the_database() -> str:
    """Every row of every table, as the database holds it."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(dump)


def raw_ciphertext(account: PayrollAccount) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT password_ciphertext FROM accounts_payrollaccount WHERE account_id = %s",
            [account.pk.hex if connection.vendor == "sqlite" else account.pk],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
class TestAtRest:
    def test_the_raw_row_holds_no_plaintext(self, company):
        account = make_account(company, password=PLAINTEXT)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM accounts_payrollaccount")
            row = cursor.fetchone()
        assert PLAINTEXT not in repr(row)
        assert PLAINTEXT.encode().hex() not in repr(row)
        ciphertext = raw_ciphertext(account)
        assert ciphertext.startswith("gAAAAA")  # a Fernet token
        key = django_settings.CREDENTIALS_KEYS[0]
        assert Fernet(key).decrypt(ciphertext.encode()).decode() == PLAINTEXT

    def test_no_table_holds_the_plaintext(self, company):
        account = make_account(company, password=PLAINTEXT)
        rows = every_row_in_the_database()
        assert account.password_ciphertext in rows  # the account's row is in the dump
        assert PLAINTEXT not in rows

    def test_the_same_password_encrypts_differently_each_time(self, company):
        first = make_account(company, password=PLAINTEXT)
        second = make_account(company, password=PLAINTEXT)
        assert raw_ciphertext(first) != raw_ciphertext(second)

    def test_it_decrypts_for_the_provider(self, company):
        account = PayrollAccount.objects.get(pk=make_account(company, password=PLAINTEXT).pk)
        assert account.get_password().reveal() == PLAINTEXT

    def test_an_oauth_account_stores_no_password(self, company):
        account = make_account(company, provider="gusto")
        assert account.password_ciphertext == ""
        assert account.get_password() is None


@pytest.mark.django_db
class TestRotation:
    @pytest.fixture
    def old_key(self, settings) -> str:
        key = Fernet.generate_key().decode()
        settings.CREDENTIALS_KEYS = [key]
        return key

    def test_a_new_first_key_still_reads_old_passwords(self, company, settings, old_key):
        account = make_account(company, password=PLAINTEXT)
        settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode(), old_key]
        account.refresh_from_db()
        assert account.get_password().reveal() == PLAINTEXT

    def test_rotate_credentials_moves_every_password_to_the_first_key(
        self, company, settings, old_key
    ):
        accounts = [make_account(company, password=f"{PLAINTEXT}-{n}") for n in range(3)]
        make_account(company, provider="gusto")  # nothing to rotate
        new_key = Fernet.generate_key().decode()
        settings.CREDENTIALS_KEYS = [new_key, old_key]

        out = StringIO()
        call_command("rotate_credentials", stdout=out)
        assert out.getvalue().splitlines()[0] == (
            "Re-encrypted 3 payroll passwords with the first key."
        )

        settings.CREDENTIALS_KEYS = [new_key]  # the old key can go now
        for n, account in enumerate(accounts):
            ciphertext = raw_ciphertext(account)
            with pytest.raises(InvalidToken):
                Fernet(old_key).decrypt(ciphertext.encode())
            assert Fernet(new_key).decrypt(ciphertext.encode()).decode() == f"{PLAINTEXT}-{n}"
            account.refresh_from_db()
            assert account.get_password().reveal() == f"{PLAINTEXT}-{n}"

    def test_a_password_no_key_opens_is_reported(self, company, settings, old_key):
        account = make_account(company, password=PLAINTEXT)
        before = raw_ciphertext(account)
        settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]
        with pytest.raises(
            CommandError, match=rf"1 password\(s\) could not be decrypted.*{account.pk}"
        ):
            call_command("rotate_credentials", stdout=StringIO())
        assert raw_ciphertext(account) == before  # left as it was

    def test_rotate_credentials_moves_webhook_signing_secrets_to_the_first_key(
        self, settings, old_key
    ):
        endpoint, secret = webhook_services.endpoint_create(url="https://hooks.example.com/in")
        endpoint, new_secret = webhook_services.endpoint_rotate_secret(endpoint=endpoint)
        new_key = Fernet.generate_key().decode()
        settings.CREDENTIALS_KEYS = [new_key, old_key]

        out = StringIO()
        call_command("rotate_credentials", stdout=out)
        assert "the signing secrets of 1 webhook endpoint with the first key" in out.getvalue()

        settings.CREDENTIALS_KEYS = [new_key]  # the old key can go now
        endpoint.refresh_from_db()
        # Both the new secret and the one still in its overlap sign, read with the new key.
        assert webhook_services.secrets_in_force(endpoint, timezone.now()) == [new_secret, secret]
        with pytest.raises(InvalidToken):
            Fernet(old_key).decrypt(endpoint.secret_ciphertext.encode())

    def test_a_webhook_secret_no_key_opens_is_reported(self, settings, old_key):
        endpoint, _ = webhook_services.endpoint_create(url="https://hooks.example.com/in")
        before = Endpoint.objects.get(pk=endpoint.pk).secret_ciphertext
        settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]
        with pytest.raises(CommandError, match=rf"1 webhook signing secret.*{endpoint.pk}"):
            call_command("rotate_credentials", stdout=StringIO())
        assert Endpoint.objects.get(pk=endpoint.pk).secret_ciphertext == before


def _settings_in_a_fresh_process(**env: str) -> subprocess.CompletedProcess:
    code = "import portal.settings as s; print(s.CREDENTIALS_KEYS)"
    clean = {k: v for k, v in os.environ.items() if k not in ("CREDENTIALS_KEYS", "DEBUG")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "CREDENTIALS_KEYS": "", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


class TestTheSetting:
    def test_production_refuses_to_start_without_keys(self):
        result = _settings_in_a_fresh_process(DEBUG="false", SECRET_KEY="x" * 50)
        assert result.returncode != 0
        assert (
            "ImproperlyConfigured: CREDENTIALS_KEYS must be set when DEBUG is off" in result.stderr
        )

    def test_a_key_that_is_not_a_fernet_key_is_refused(self):
        good = Fernet.generate_key().decode()
        result = _settings_in_a_fresh_process(CREDENTIALS_KEYS=f"{good},not-a-key")
        assert result.returncode != 0
        assert "CREDENTIALS_KEYS: key number 2 is not a Fernet key" in result.stderr

    def test_several_keys_are_read_in_order(self):
        first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        result = _settings_in_a_fresh_process(CREDENTIALS_KEYS=f"{first}, {second}")
        assert result.stdout.strip() == repr([first, second])

    def test_development_derives_a_stable_key_from_the_secret_key(self):
        one = _settings_in_a_fresh_process(DEBUG="true", SECRET_KEY="a" * 50)
        again = _settings_in_a_fresh_process(DEBUG="true", SECRET_KEY="a" * 50)
        other = _settings_in_a_fresh_process(DEBUG="true", SECRET_KEY="b" * 50)
        assert one.returncode == 0, one.stderr
        assert one.stdout == again.stdout != other.stdout
        Fernet(eval(one.stdout)[0])  # noqa: S307 (our own repr of a list of str)


@pytest.mark.django_db
class TestNeverShown:
    def test_repr_and_str_hide_it(self, company):
        account = make_account(company, password=PLAINTEXT)
        for text in (
            repr(account),
            str(account),
            repr(account.get_password()),
            str(account.get_password()),
            repr(vars(account)),
        ):
            assert PLAINTEXT not in text
        assert repr(Secret(PLAINTEXT)) == "Secret('********')"
        with pytest.raises(TypeError):
            __import__("pickle").dumps(Secret(PLAINTEXT))

    def test_api_responses_never_carry_it(self, api, company):
        body = {**TEAL_SAMPLE_REQUEST, "user_id": str(company.id), "password": PLAINTEXT}
        created = api.post("/api/accounts", body)
        assert created.status_code == 201
        account_id = created.json()["account_id"]
        one = api.get(f"/api/accounts/{account_id}")
        listing = api.get("/api/accounts")
        schema = api.get("/api/openapi.json")
        assert (one.status_code, listing.status_code, schema.status_code) == (200, 200, 200)
        assert one.json()["account_id"] == account_id
        assert [account["account_id"] for account in listing.json()["results"]] == [account_id]
        assert "/api/accounts" in schema.json()["paths"]
        for response in (created, one, listing, schema):
            assert PLAINTEXT not in response.content.decode()
        assert '"password"' not in one.content.decode()

    def test_portal_pages_never_carry_it(self, manager_client, company):
        account = make_account(company, password=PLAINTEXT)
        for path, heading in (
            ("/accounts/", "Payroll accounts"),
            (f"/accounts/{account.pk}/", "QuickBooks Payroll account john.smith@company.com"),
            (f"/accounts/{account.pk}/delete/", "Delete this QuickBooks Payroll account?"),
            (f"/companies/{company.pk}/", "Platypus Properties"),
        ):
            html = page_of(manager_client.get(path), heading)
            assert PLAINTEXT not in html
            assert account.password_ciphertext not in html

    def test_a_refused_create_form_does_not_echo_it(self, manager_client, company):
        response = manager_client.post(
            "/accounts/create/",
            {"company": company.pk, "payroll_provider": "quickbooks", "password": PLAINTEXT},
        )
        assert response.status_code == 400
        assert "give the user name" in response.content.decode()
        assert PLAINTEXT not in response.content.decode()

    def test_the_admin_shows_no_password_field(self, admin_client, company):
        account = make_account(company, password=PLAINTEXT)
        page = admin_client.get(f"/admin/accounts/payrollaccount/{account.pk}/change/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "john.smith@company.com" in html
        assert PLAINTEXT not in html
        assert account.password_ciphertext not in html
        assert "field-password" not in html
        assert "password_ciphertext" not in html
        listing = page_of(
            admin_client.get("/admin/accounts/payrollaccount/"), "Select payroll account to view"
        )
        assert str(account.account_id) in listing
        assert PLAINTEXT not in listing


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_log_line_carries_it(api, company, caplog):
    caplog.set_level(logging.DEBUG)
    body = {
        **TEAL_SAMPLE_REQUEST,
        "user_id": str(company.id),
        "user_name": "x+mfa@company.com",
        "password": PLAINTEXT,
    }
    created = api.post("/api/accounts", body)
    assert created.status_code == 201
    account_id = created.json()["account_id"]
    run_worker()  # signs in with the password; the provider asks for a code
    refused = api.put(f"/api/accounts/{account_id}/mfa", {"mfa": "000000"})
    assert refused.status_code == 400, refused.content
    assert "refused the code" in refused.json()["error"]
    assert caplog.records  # something was logged at all
    assert PLAINTEXT not in caplog.text


class TestExceptionReports:
    """A crash while the password is in hand: the report Django mails to ADMINS (DEBUG off)
    holds neither the password nor anything that reveals it."""

    @pytest.fixture
    def reports(self, monkeypatch, settings):
        settings.DEBUG = False
        captured: list[str] = []

        def on_exception(sender, request, **kwargs):
            reporter = ExceptionReporter(request, *sys.exc_info())
            captured.append(reporter.get_traceback_text())
            captured.append(reporter.get_traceback_html())

        def crash(**kwargs):
            raise RuntimeError("the activity log is down")

        monkeypatch.setattr(services.activity, "record", crash)
        got_request_exception.connect(on_exception)
        yield captured
        got_request_exception.disconnect(on_exception)

    def _assert_clean(self, reports: list[str]) -> None:
        assert reports, "no exception report was made"
        for report in reports:
            assert "the activity log is down" in report
            assert PLAINTEXT not in report
        # The HTML report lists each frame's variables: the service's password is masked.
        masked = r"<td>password</td>\s*<td class=\"code\"><pre>&#x27;\*{20}&#x27;</pre></td>"
        assert re.search(masked, reports[1])

    @pytest.mark.django_db
    def test_from_the_api(self, api, company, reports):
        api.client.raise_request_exception = False
        body = {**TEAL_SAMPLE_REQUEST, "user_id": str(company.id), "password": PLAINTEXT}
        response = api.post("/api/accounts", body)
        assert response.status_code == 500
        self._assert_clean(reports)

    @pytest.mark.django_db
    def test_from_the_portal(self, manager, company, reports):
        client = Client(raise_request_exception=False)
        client.force_login(manager)
        response = client.post(
            "/accounts/create/",
            {
                "company": company.pk,
                "payroll_provider": "quickbooks",
                "user_name": "john",
                "password": PLAINTEXT,
            },
        )
        assert response.status_code == 500
        self._assert_clean(reports)

    @pytest.mark.django_db
    def test_from_link(self, company, link_path, reports):
        client = Client(raise_request_exception=False)
        response = client.post(
            f"{link_path}payroll/quickbooks/",
            {"user_name": "john", "password": PLAINTEXT, "action": "sign_in"},
        )
        assert response.status_code == 500
        self._assert_clean(reports)
