"""The Link limits on payroll providers' steps: signing in, MFA codes, signing in again and
OAuth2 starts count per Link URL and per address; unfinished accounts started through Link count
against the company's cap on open attempts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import PayrollAccount
from tests.accounts.test_link import choose, sign_in, submit
from tests.support import csrf_token, make_account

pytestmark = pytest.mark.django_db


def assert_refused(response) -> None:
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "Try again in" in response.content.decode()
    assert int(response["Retry-After"]) >= 1


class TestSignIn:
    def test_sign_ins_past_the_limit_are_refused(self, limits, end_user, link_path):
        limits.LINK_ATTEMPTS_PER_URL = "3/hour"
        page = choose(end_user, link_path, "adp")
        for n in range(3):
            assert sign_in(end_user, page, f"user{n}@company.com").status_code == 302
        assert_refused(sign_in(end_user, page, "user3@company.com"))
        assert PayrollAccount.objects.count() == 3

    def test_the_sign_in_page_itself_is_not_counted(self, limits, end_user, link_path):
        limits.LINK_ATTEMPTS_PER_URL = "1/hour"
        page = choose(end_user, link_path, "adp")
        for _ in range(5):
            assert end_user.get(page).status_code == 200
        assert sign_in(end_user, page, "jo@company.com").status_code == 302

    def test_mfa_codes_count_too(self, limits, end_user, link_path):
        limits.LINK_ATTEMPTS_PER_URL = "3/hour"
        step = sign_in(end_user, choose(end_user, link_path, "adp"), "jo+mfa@company.com")
        step = step["Location"]
        assert submit(end_user, step, {"code": "000000"}).status_code == 400
        assert submit(end_user, step, {"code": "000000"}).status_code == 400
        assert_refused(submit(end_user, step, {"code": "123456"}))
        assert PayrollAccount.objects.get().status == "MFA_REQUIRED"

    def test_signing_in_again_counts_too(self, limits, end_user, link_path):
        limits.LINK_ATTEMPTS_PER_URL = "1/hour"
        refused = sign_in(
            end_user, choose(end_user, link_path, "quickbooks"), "jo", password="wrong-password"
        )
        assert_refused(sign_in(end_user, refused["Location"], "jo", password="right"))

    def test_unfinished_link_accounts_count_against_the_cap(self, limits, end_user, link_path):
        limits.LINK_OPEN_ATTEMPTS_PER_COMPANY = 2
        page = choose(end_user, link_path, "adp")
        sign_in(end_user, page, "a+mfa@company.com")  # MFA_REQUIRED: unfinished
        sign_in(end_user, page, "b@company.com", password="wrong-password")  # unfinished
        response = sign_in(end_user, page, "c@company.com")
        assert_refused(response)
        assert "2 linking attempts in progress" in response.content.decode()

    def test_connected_and_business_made_accounts_do_not_count(
        self, limits, end_user, link_path, company
    ):
        limits.LINK_OPEN_ATTEMPTS_PER_COMPANY = 2
        make_account(company, status="MFA_REQUIRED")  # made by the business, not through Link
        page = choose(end_user, link_path, "adp")
        for n in range(3):
            assert sign_in(end_user, page, f"user{n}@company.com").status_code == 302
        assert set(PayrollAccount.objects.values_list("status", flat=True)) == {
            "CONNECTED",
            "MFA_REQUIRED",
        }

    def test_unfinished_accounts_from_over_a_day_ago_no_longer_count(
        self, limits, end_user, link_path
    ):
        limits.LINK_OPEN_ATTEMPTS_PER_COMPANY = 1
        page = choose(end_user, link_path, "adp")
        sign_in(end_user, page, "a+mfa@company.com")
        assert sign_in(end_user, page, "b@company.com").status_code == 429
        PayrollAccount.objects.update(created_at=timezone.now() - timedelta(days=2))
        assert sign_in(end_user, page, "b@company.com").status_code == 302


class TestOAuthStart:
    def test_oauth_starts_past_the_limit_are_refused(self, limits, end_user, link_path):
        limits.LINK_ATTEMPTS_PER_ADDRESS = "2/hour"
        page = end_user.get(link_path)
        authorize = f"{link_path}payroll/gusto/authorize/"
        for _ in range(2):
            response = end_user.post(authorize, {"csrfmiddlewaretoken": csrf_token(page)})
            assert response.status_code == 302
        assert_refused(end_user.post(authorize, {"csrfmiddlewaretoken": csrf_token(page)}))
