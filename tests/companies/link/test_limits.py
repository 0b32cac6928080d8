"""Limits on starting to link from the hosted Link pages: per Link URL, per client address, and
the unfinished attempts a company may have open. Past one, a 429 page saying when to try again."""

from __future__ import annotations

import re
from datetime import timedelta
from ipaddress import ip_network

import pytest
from django.test import Client
from django.utils import timezone

from companies import services
from companies.link.tokens import link_url_for
from companies.models import LinkAttempt
from tests.support import answer, choose, csrf_token, path_of

pytestmark = pytest.mark.django_db

PLATFORMS = ("xero", "sage", "freeagent", "quickbooksonline")


def start(client: Client, link_path: str, platform: str = "xero", **extra):
    page = client.get(link_path, **extra)
    return client.post(
        f"{link_path}platforms/{platform}/", {"csrfmiddlewaretoken": csrf_token(page)}, **extra
    )


def assert_refused(response) -> int:
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many attempts" in body
    assert re.search(r"Try again in \d+ (minute|hour)s?, after \d\d:\d\d \(UTC\)\.", body)
    retry_after = int(response["Retry-After"])
    assert retry_after >= 1
    return retry_after


class TestPerLinkUrl:
    def test_starts_past_the_limit_get_a_429_page(self, limits, end_user, link_path, company):
        limits.LINK_ATTEMPTS_PER_URL = "3/hour"
        for _ in range(3):
            assert start(end_user, link_path).status_code == 302
        response = start(end_user, link_path)
        retry_after = assert_refused(response)
        assert retry_after <= 3600
        assert "This link has been used to start linking too often." in response.content.decode()
        assert LinkAttempt.objects.count() == 3

    def test_viewing_the_link_page_is_not_counted(self, limits, end_user, link_path):
        limits.LINK_ATTEMPTS_PER_URL = "2/hour"
        for _ in range(10):
            assert end_user.get(link_path).status_code == 200
        assert start(end_user, link_path).status_code == 302

    def test_another_companys_link_url_is_not_affected(self, limits, end_user, link_path):
        limits.LINK_ATTEMPTS_PER_URL = "2/hour"
        for _ in range(3):
            start(end_user, link_path)
        other = services.company_create(name="Wombat Works")
        assert start(end_user, path_of(link_url_for(other))).status_code == 302

    def test_an_empty_limit_turns_it_off(self, limits, end_user, link_path):
        limits.LINK_ATTEMPTS_PER_URL = ""
        for _ in range(5):
            assert start(end_user, link_path).status_code == 302


class TestPerAddress:
    def test_one_address_is_limited_across_link_urls(self, limits, end_user):
        limits.LINK_ATTEMPTS_PER_ADDRESS = "3/hour"
        paths = [path_of(link_url_for(services.company_create(name=f"C{n}"))) for n in range(4)]
        for path in paths[:3]:
            assert start(end_user, path).status_code == 302
        response = start(end_user, paths[3])
        assert_refused(response)
        assert "from your network too often" in response.content.decode()

    def test_another_address_is_not_affected(self, limits, end_user, link_path):
        limits.LINK_ATTEMPTS_PER_ADDRESS = "2/hour"
        for _ in range(3):
            start(end_user, link_path)
        elsewhere = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.9")
        assert start(elsewhere, link_path).status_code == 302

    def test_behind_a_trusted_proxy_the_client_address_counts(self, limits, link_path):
        limits.LINK_ATTEMPTS_PER_ADDRESS = "2/hour"
        limits.TRUSTED_PROXIES = [ip_network("10.0.0.2/32")]
        proxy = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.2")
        first = {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}
        second = {"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
        for _ in range(2):
            assert start(proxy, link_path, **first).status_code == 302
        assert start(proxy, link_path, **first).status_code == 429
        assert start(proxy, link_path, **second).status_code == 302

    def test_a_forged_forwarded_for_does_not_escape_it(self, limits, end_user, link_path):
        limits.LINK_ATTEMPTS_PER_ADDRESS = "2/hour"
        for n in range(2):
            start(end_user, link_path, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert start(end_user, link_path, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429


class TestOpenAttemptsPerCompany:
    def test_past_the_cap_a_new_start_is_refused(self, limits, end_user, link_path, company):
        limits.LINK_OPEN_ATTEMPTS_PER_COMPANY = 3
        for platform in PLATFORMS[:3]:
            assert start(end_user, link_path, platform).status_code == 302
        response = start(end_user, link_path, "quickbooksonline")
        retry_after = assert_refused(response)
        assert 23 * 3600 < retry_after <= 24 * 3600
        body = response.content.decode()
        assert "Platypus Properties has 3 linking attempts in progress." in body
        assert LinkAttempt.objects.count() == 3

    def test_finishing_an_attempt_frees_its_place(self, limits, end_user, link_path):
        limits.LINK_OPEN_ATTEMPTS_PER_COMPANY = 2
        chosen = start(end_user, link_path, "xero")
        start(end_user, link_path, "sage")
        assert start(end_user, link_path, "freeagent").status_code == 429
        answer(end_user, chosen["Location"], "cancel")
        assert start(end_user, link_path, "freeagent").status_code == 302

    def test_attempts_abandoned_a_day_ago_no_longer_count(self, limits, end_user, link_path):
        limits.LINK_OPEN_ATTEMPTS_PER_COMPANY = 2
        start(end_user, link_path, "xero")
        start(end_user, link_path, "sage")
        LinkAttempt.objects.update(created=timezone.now() - timedelta(days=1, minutes=1))
        assert start(end_user, link_path, "freeagent").status_code == 302

    def test_zero_means_no_cap(self, limits, end_user, link_path):
        limits.LINK_OPEN_ATTEMPTS_PER_COMPANY = 0
        for _ in range(5):
            assert start(end_user, link_path).status_code == 302

    def test_the_defaults_stop_the_flood_of_the_issue(self, end_user, link_path, company):
        # One Link URL, no login, 100 starts in a few seconds: 20 get through.
        responses = [start(end_user, link_path, PLATFORMS[n % 4]) for n in range(100)]
        assert sum(r.status_code == 302 for r in responses) == 20
        assert LinkAttempt.objects.count() == 20


class TestJourneyUnaffected:
    def test_a_normal_journey_gets_through(self, end_user, link_path, redirect_settings):
        chosen = choose(end_user, link_path, "xero")
        assert answer(end_user, chosen["Location"], "allow").status_code == 302
