"""portal.counts: exact counts while small, PostgreSQL's estimate when large, deep pages."""

from __future__ import annotations

import pytest
from django.db import connection

from companies import services
from companies.models import Company
from portal import counts
from portal.counts import Count, EstimatedCountPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def thirty(db) -> None:
    for n in range(30):
        services.company_create(name=f"Company {n:02d}")


class TestCount:
    def test_it_is_exact_while_small(self, thirty):
        assert counts.count(Company.objects.all()) == Count(30)

    def test_it_asks_the_planner_only_on_postgresql(self, thirty):
        guess = counts.estimate(Company.objects.all())
        if connection.vendor == "postgresql":
            assert isinstance(guess, int)
        else:
            assert guess is None

    def test_a_large_estimate_is_used_and_flagged(self, thirty, monkeypatch):
        monkeypatch.setattr(counts, "estimate", lambda queryset: 250_000)
        assert counts.count(Company.objects.all()) == Count(250_000, estimated=True)

    def test_a_small_estimate_gives_an_exact_count(self, thirty, monkeypatch):
        monkeypatch.setattr(counts, "estimate", lambda queryset: 9_000)
        assert counts.count(Company.objects.all()) == Count(30)

    @pytest.mark.parametrize(
        ("offset", "found", "settled"),
        [
            (0, 3, Count(3)),  # a short first page: exact
            (0, 0, Count(0)),
            (50, 10, Count(60)),  # a short later page: exact
            (50, 25, Count(250_000, estimated=True)),  # a full page tells nothing
            (300_000, 25, Count(300_025, estimated=True)),  # more than estimated
        ],
    )
    def test_a_page_settles_an_estimate(self, offset, found, settled):
        assert Count(250_000, estimated=True).settle(offset, found, 25) == settled


class TestPaginator:
    def test_deep_pages_are_the_same_rows(self, thirty, monkeypatch):
        companies = Company.objects.order_by("-created", "-id")
        plain = [list(page) for page in (companies[n : n + 7] for n in range(0, 30, 7))]
        monkeypatch.setattr(counts, "DEFERRED_FROM", 0)
        paginator = EstimatedCountPaginator(companies, 7)
        assert [list(paginator.page(n).object_list) for n in paginator.page_range] == plain

    def test_it_says_when_it_estimated(self, thirty, monkeypatch):
        monkeypatch.setattr(counts, "estimate", lambda queryset: 40_000)
        paginator = EstimatedCountPaginator(Company.objects.all(), 25)
        assert (paginator.count, paginator.estimated, paginator.num_pages) == (40_000, True, 1600)

    def test_a_short_page_settles_it(self, thirty, monkeypatch):
        monkeypatch.setattr(counts, "estimate", lambda queryset: 40_000)
        paginator = EstimatedCountPaginator(Company.objects.order_by("name"), 25)
        page = paginator.get_page(2)
        paginator.settle(page)
        assert (paginator.count, paginator.estimated, paginator.num_pages) == (30, False, 2)

    def test_a_short_first_page_needs_no_count(self, thirty, django_assert_num_queries):
        paginator = EstimatedCountPaginator(Company.objects.order_by("name"), 50)
        with django_assert_num_queries(1):
            page = paginator.get_page(None)
            assert (len(page.object_list), paginator.count, page.has_next()) == (30, 30, False)
