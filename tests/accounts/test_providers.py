"""The registry of sandbox payroll providers and their documented sandbox behaviour."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from accounts.crypto import Secret
from accounts.providers import (
    Auth,
    PayrollProvider,
    all_providers,
    get_provider,
    provider_keys,
    register,
)


class TestRegistry:
    def test_it_has_the_providers(self):
        assert {(p.key, p.name, p.auth) for p in all_providers()} >= {
            ("quickbooks", "QuickBooks Payroll", Auth.CREDENTIALS),
            ("gusto", "Gusto", Auth.OAUTH2),
            ("adp", "ADP Workforce Now", Auth.CREDENTIALS),
            ("paychex", "Paychex Flex", Auth.CREDENTIALS),
        }
        assert provider_keys() == sorted(provider_keys())
        assert all(p.source_type == "Payroll" for p in all_providers())

    def test_a_key_is_registered_once(self):
        with pytest.raises(ValueError, match="registered twice"):
            register(PayrollProvider(key="gusto", name="Gusto", auth=Auth.OAUTH2, colour="#000000"))

    def test_a_provider_is_credentials_or_oauth2(self):
        with pytest.raises(ValueError, match="unknown auth"):
            register(PayrollProvider(key="x", name="X", auth="magic", colour="#000000"))

    def test_brand_text_is_readable(self):
        assert get_provider("quickbooks").text_colour in ("#000000", "#ffffff")


class TestSandboxSignIn:
    sandbox = get_provider("quickbooks").sandbox

    @pytest.mark.parametrize(
        ("user_name", "password", "outcome", "source"),
        [
            ("john.smith@company.com", "very-secret-password", "CONNECTED", ""),
            ("john.smith@company.com", "wrong-password", "INVALID_CREDENTIALS", ""),
            ("john.smith+mfa@company.com", "anything", "MFA_REQUIRED", "AUTHENTICATOR_APP"),
            ("John.Smith+MFA@company.com", "anything", "MFA_REQUIRED", "AUTHENTICATOR_APP"),
            ("john.smith+sms@company.com", "anything", "MFA_REQUIRED", "SMS"),
            ("john.smith+mfa@company.com", "wrong-password", "INVALID_CREDENTIALS", ""),
        ],
    )
    def test_the_documented_users(self, user_name, password, outcome, source):
        answer = self.sandbox.sign_in(user_name, Secret(password))
        assert (answer.outcome, answer.mfa_source) == (outcome, source)

    @pytest.mark.parametrize(
        ("code", "right"), [("123456", True), (" 123456 ", True), ("654321", False), ("", False)]
    )
    def test_the_documented_code(self, code, right):
        assert self.sandbox.check_code(code) is right


class TestSandboxPayroll:
    @pytest.mark.parametrize(
        ("today", "pay_day"),
        [
            (date(2026, 11, 24), date(2026, 11, 15)),
            (date(2026, 11, 15), date(2026, 11, 15)),
            (date(2026, 11, 14), date(2026, 10, 31)),
            (date(2026, 11, 30), date(2026, 11, 30)),
            (date(2026, 1, 3), date(2025, 12, 31)),
            (date(2028, 2, 29), date(2028, 2, 29)),
            (date(2026, 3, 1), date(2026, 2, 28)),
        ],
    )
    def test_pay_runs_on_the_15th_and_the_last_day(self, today, pay_day):
        latest = get_provider("adp").sandbox.latest_pay_date(today)
        assert latest == datetime(pay_day.year, pay_day.month, pay_day.day, tzinfo=UTC)
