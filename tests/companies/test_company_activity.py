"""The company page's activity timeline: repeats collapsed, paged with "Show older", in a
constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies import activity
from companies.activity import Actor
from companies.models import ActivityEntry
from tests.support import answer, choose, page_of

pytestmark = pytest.mark.django_db


def add_entries(company, messages: list[str], *, actor: Actor | None = None) -> None:
    """Entries one second apart after everything so far, the last of `messages` newest."""
    latest = company.activity.order_by("-created").values_list("created", flat=True).first()
    start = max(latest or timezone.now(), timezone.now()) + timedelta(seconds=1)
    for n, message in enumerate(messages):
        entry = activity.record(
            company=company, actor=actor or Actor.end_user(), action="test", message=message
        )
        ActivityEntry.objects.filter(pk=entry.pk).update(created=start + timedelta(seconds=n))


def timeline(client, company, query: str = "") -> str:
    page = page_of(client.get(f"/companies/{company.id}/{query}"), "Platypus Properties")
    return page[page.index('id="activity-heading"') :]


class TestRepeats:
    def test_a_run_of_repeats_is_one_line_with_its_count(self, manager_client, company):
        add_entries(company, ["Started linking Xero (PendingAuth)."] * 37)
        body = timeline(manager_client, company)
        assert body.count("Started linking Xero (PendingAuth).") == 1
        assert '<strong class="repeats">×37</strong>' in body
        assert "Created the company “Platypus Properties”." in body

    def test_entries_by_another_actor_or_with_another_message_are_not_merged(
        self, manager_client, company, manager
    ):
        add_entries(company, ["Linked Xero.", "Linked Xero.", "Linked Sage."])
        add_entries(company, ["Linked Sage."], actor=Actor.staff(manager))
        body = timeline(manager_client, company)
        assert body.count("Linked Sage.") == 2
        assert '<strong class="repeats">×2</strong>' in body
        assert body.count('class="repeats"') == 1

    def test_an_end_user_starting_over_and_over_does_not_bury_the_timeline(
        self, manager_client, company, end_user, link_path
    ):
        for _ in range(25):  # past LINK_ATTEMPTS_PER_URL: 20 get through
            chosen = choose(end_user, link_path, "xero")
            if chosen.status_code == 302:
                answer(end_user, chosen["Location"], "cancel")
        body = timeline(manager_client, company)
        assert body.count("The end user cancelled linking Xero.") == 1
        assert '<strong class="repeats">×20</strong>' in body
        assert "Created the company “Platypus Properties”." in body


class TestPaging:
    def test_older_entries_are_a_click_away(self, manager_client, company):
        add_entries(company, [f"Event {n}." for n in range(120)])
        first = timeline(manager_client, company)
        assert "Event 119." in first and "Event 70." in first
        assert "Event 69." not in first
        assert 'href="?activity=2#activity">Show older</a>' in first
        assert "Show newer" not in first

        second = timeline(manager_client, company, "?activity=2")
        assert "Event 69." in second and "Event 20." in second
        assert "Event 70." not in second
        assert 'href="?activity=1#activity">Show newer</a>' in second

        last = timeline(manager_client, company, "?activity=3")
        assert "Event 0." in last
        assert "Created the company" in last
        assert "Show older" not in last

    @pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999"])
    def test_a_bad_page_shows_the_newest(self, manager_client, company, page):
        add_entries(company, ["Newest."])
        assert "Newest." in timeline(manager_client, company, f"?activity={page}")

    def test_a_short_timeline_has_no_paging(self, manager_client, company):
        body = timeline(manager_client, company)
        assert "Show older" not in body and "Show newer" not in body

    def test_the_query_count_does_not_grow_with_the_timeline(self, manager_client, company):
        def count() -> int:
            manager_client.get(f"/companies/{company.id}/")
            with CaptureQueriesContext(connection) as queries:
                assert manager_client.get(f"/companies/{company.id}/").status_code == 200
            return len(queries)

        few = count()
        add_entries(company, [f"Event {n}." for n in range(200)])
        assert count() == few
