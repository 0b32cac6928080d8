"""Times, numbers and statuses as people read them, on the pages that show them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import ApiKey
from portal.services import api_key_create
from tests.support import page_of

pytestmark = pytest.mark.django_db

URL = "/settings/api-keys/"


def _time_of(page: str, name: str) -> re.Match:
    row = page[page.index(name) :]
    return re.search(r'<time class="nowrap" datetime="([^"]+)" title="([^"]+)">([^<]+)</time>', row)


class TestRelativeTimes:
    def _key_created(self, ago: timedelta, name: str) -> ApiKey:
        key, _ = api_key_create(name=name)
        ApiKey.objects.filter(pk=key.pk).update(created=timezone.now() - ago)
        return key

    def test_a_recent_time_says_how_long_ago_with_the_exact_time_on_hover(self, manager_client):
        key = self._key_created(timedelta(hours=3, minutes=5), "billing")
        time = _time_of(page_of(manager_client.get(URL), "API keys"), "billing")
        key.refresh_from_db()
        assert time.group(3) == "3\xa0hours ago"
        assert time.group(2) == timezone.localtime(key.created).strftime("%-d %b %Y, %H:%M:%S UTC")

    def test_a_moment_ago_is_just_now(self, manager_client):
        self._key_created(timedelta(seconds=5), "fresh")
        page = page_of(manager_client.get(URL), "API keys")
        assert _time_of(page, "fresh").group(3) == "just now"

    def test_past_a_week_it_is_the_date(self, manager_client):
        key = self._key_created(timedelta(days=30), "old")
        key.refresh_from_db()
        shown = _time_of(page_of(manager_client.get(URL), "API keys"), "old").group(3)
        assert shown == timezone.localtime(key.created).strftime("%-d %b %Y, %H:%M")

    def test_a_key_never_used_says_never(self, manager_client):
        self._key_created(timedelta(minutes=2), "unused")
        page = page_of(manager_client.get(URL), "API keys")
        row = page[page.index("unused") : page.index("</tr>", page.index("unused"))]
        assert '<span class="muted">Never</span>' in row
