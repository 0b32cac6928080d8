"""GET /api/companies: pages, `query` and `orderBy`, and a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies import services
from companies.models import Company, DataConnection

pytestmark = pytest.mark.django_db


def make_companies(*names: str) -> list[Company]:
    """Companies created a minute apart, in the order given (the first is the oldest)."""
    start = timezone.now() - timedelta(days=1)
    companies = []
    for minutes, name in enumerate(names):
        company = services.company_create(name=name)
        company.created = start + timedelta(minutes=minutes)
        company.save(update_fields=["created"])
        companies.append(company)
    return companies


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [company["name"] for company in response.json()["results"]]


def assert_400_naming(response, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["statusCode"] == 400
    assert [item["itemId"] for item in body["validation"]["errors"]] == [field]


class TestPages:
    def test_defaults(self, api):
        make_companies("Alpha")
        body = api.get("/api/companies").json()
        assert body["pageNumber"] == 1
        assert body["pageSize"] == 100
        assert body["totalResults"] == 1
        assert body["_links"]["current"] == {"href": "/api/companies?page=1&pageSize=100"}

    def test_the_default_page_size_is_100(self, api):
        Company.objects.bulk_create(Company(name=f"Company {n:03}") for n in range(101))
        first = api.get("/api/companies").json()
        assert len(first["results"]) == 100
        assert first["totalResults"] == 101
        assert first["_links"]["next"] == {"href": "/api/companies?page=2&pageSize=100"}
        second = api.get("/api/companies", {"page": 2}).json()
        assert len(second["results"]) == 1

    def test_a_page_beyond_the_last_is_empty_but_counts(self, api):
        make_companies("Alpha", "Bravo", "Charlie")
        response = api.get("/api/companies", {"page": 7, "pageSize": 2})
        assert response.status_code == 200
        body = response.json()
        assert body["results"] == []
        assert body["pageNumber"] == 7
        assert body["totalResults"] == 3
        assert "next" not in body["_links"]
        # Back to the last page there is, not to the page before the requested one.
        assert body["_links"]["previous"] == {"href": "/api/companies?page=2&pageSize=2"}

    def test_an_empty_list(self, api):
        body = api.get("/api/companies").json()
        assert body["results"] == []
        assert body["totalResults"] == 0
        assert set(body["_links"]) == {"self", "current"}

    def test_links_on_the_first_middle_and_last_page(self, api):
        make_companies("Alpha", "Bravo", "Charlie", "Delta", "Echo")
        params = {"pageSize": 2, "orderBy": "name"}

        first = api.get("/api/companies", params).json()
        assert [c["name"] for c in first["results"]] == ["Alpha", "Bravo"]
        assert "previous" not in first["_links"]
        assert first["_links"]["next"] == {"href": "/api/companies?orderBy=name&page=2&pageSize=2"}

        middle = api.get("/api/companies", {**params, "page": 2}).json()
        # The companies list also offers the next page by cursor.
        assert set(middle["_links"]) == {"self", "current", "next", "previous", "nextCursor"}

        last = api.get("/api/companies", {**params, "page": 3}).json()
        assert [c["name"] for c in last["results"]] == ["Echo"]
        assert "next" not in last["_links"]
        assert last["_links"]["previous"] == {
            "href": "/api/companies?orderBy=name&page=2&pageSize=2"
        }
        assert last["_links"]["self"] == {"href": "/api/companies"}
        assert last["_links"]["current"] == {
            "href": "/api/companies?orderBy=name&page=3&pageSize=2"
        }

    def test_a_full_last_page_has_no_next_link(self, api):
        make_companies("Alpha", "Bravo", "Charlie", "Delta")
        body = api.get("/api/companies", {"page": 2, "pageSize": 2}).json()
        assert len(body["results"]) == 2
        assert "next" not in body["_links"]

    def test_links_keep_the_query(self, api):
        make_companies("Alpha One", "Alpha Two", "Bravo")
        body = api.get("/api/companies", {"query": "alpha", "pageSize": 1}).json()
        assert body["totalResults"] == 2
        assert body["_links"]["next"] == {"href": "/api/companies?query=alpha&page=2&pageSize=1"}

    def test_the_largest_page_size_is_5000(self, api):
        make_companies("Alpha")
        body = api.get("/api/companies", {"pageSize": 5000}).json()
        assert body["pageSize"] == 5000
        assert len(body["results"]) == 1

    @pytest.mark.parametrize("page_size", ["0", "5001", "-1", "ten", "1.5", ""])
    def test_a_bad_page_size_is_400_naming_it(self, api, page_size):
        assert_400_naming(api.get("/api/companies", {"pageSize": page_size}), "pageSize")

    # Not named `page`: that is Playwright's fixture, and would drag this test among them.
    @pytest.mark.parametrize("page_number", ["0", "-1", "two", "99999999999999999999"])
    def test_a_bad_page_is_400_naming_it(self, api, page_number):
        assert_400_naming(api.get("/api/companies", {"page": page_number}), "page")


class TestQuery:
    def test_name_contains_ignoring_case(self, api):
        make_companies("Platypus Properties", "Echidna Estates", "PLATYPUS Partners")
        response = api.get("/api/companies", {"query": "platy"})
        assert sorted(names(response)) == ["PLATYPUS Partners", "Platypus Properties"]
        assert response.json()["totalResults"] == 2
        assert names(api.get("/api/companies", {"query": "ESTATES"})) == ["Echidna Estates"]

    def test_an_exact_id_finds_the_company(self, api):
        platypus, _echidna = make_companies("Platypus Properties", "Echidna Estates")
        assert names(api.get("/api/companies", {"query": str(platypus.id)})) == [
            "Platypus Properties"
        ]
        assert names(api.get("/api/companies", {"query": platypus.id.hex.upper()})) == [
            "Platypus Properties"
        ]

    def test_part_of_an_id_finds_nothing(self, api):
        platypus, _echidna = make_companies("Platypus Properties", "Echidna Estates")
        assert names(api.get("/api/companies", {"query": str(platypus.id)[:8]})) == []

    def test_no_match_is_an_empty_page(self, api):
        make_companies("Platypus Properties")
        body = api.get("/api/companies", {"query": "wombat"}).json()
        assert body["results"] == [] and body["totalResults"] == 0

    @pytest.mark.parametrize("query", ["%", "_", "' OR 1=1 --", "\\", "a\x00b", "   "])
    def test_odd_queries_are_not_errors(self, api, query):
        make_companies("Platypus Properties")
        response = api.get("/api/companies", {"query": query})
        assert response.status_code == 200, response.content

    def test_a_blank_query_lists_everything(self, api):
        make_companies("Alpha", "Bravo")
        assert api.get("/api/companies", {"query": "  "}).json()["totalResults"] == 2

    def test_a_query_longer_than_255_is_400(self, api):
        assert_400_naming(api.get("/api/companies", {"query": "a" * 256}), "query")


class TestOrderBy:
    @pytest.fixture
    def companies(self):
        # Created in this order, so name and created order differ.
        return make_companies("Charlie", "Alpha", "Bravo")

    @pytest.mark.parametrize(
        ("order_by", "expected"),
        [
            ("name", ["Alpha", "Bravo", "Charlie"]),
            ("-name", ["Charlie", "Bravo", "Alpha"]),
            ("created", ["Charlie", "Alpha", "Bravo"]),
            ("-created", ["Bravo", "Alpha", "Charlie"]),
        ],
    )
    def test_each_order(self, api, companies, order_by, expected):
        assert names(api.get("/api/companies", {"orderBy": order_by})) == expected

    def test_the_default_is_newest_first(self, api, companies):
        assert names(api.get("/api/companies")) == ["Bravo", "Alpha", "Charlie"]

    def test_order_holds_across_pages(self, api, companies):
        params = {"orderBy": "name", "pageSize": 1}
        pages = [names(api.get("/api/companies", {**params, "page": n})) for n in (1, 2, 3)]
        assert pages == [["Alpha"], ["Bravo"], ["Charlie"]]

    @pytest.mark.parametrize("order_by", ["nope", "Name", "+name", "id", "-", ""])
    def test_an_unknown_order_is_400_naming_it(self, api, order_by):
        response = api.get("/api/companies", {"orderBy": order_by})
        assert_400_naming(response, "orderBy")
        assert "'-created'" in response.json()["validation"]["errors"][0]["message"]


class TestQueryCount:
    def make(self, numbers: range, make_connection) -> None:
        for n in numbers:
            company = services.company_create(name=f"Company {n:02}")
            make_connection(company, platform="xero")
            make_connection(company, platform="sage", status=DataConnection.Status.PENDING_AUTH)

    def count_queries(self, api) -> int:
        # Once first, so the key's last-used time is written outside the counted request.
        assert api.get("/api/companies").status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/companies")
        assert response.status_code == 200
        return len(queries)

    def test_it_does_not_grow_with_the_number_of_companies(self, api, make_connection):
        self.make(range(1), make_connection)
        one = self.count_queries(api)
        self.make(range(1, 30), make_connection)
        thirty = self.count_queries(api)
        body = api.get("/api/companies").json()
        assert body["totalResults"] == 30
        assert all(len(company["dataConnections"]) == 2 for company in body["results"])
        assert thirty == one
        # Authentication, the Link settings (the redirects' lifetime), the count (on PostgreSQL
        # the planner's estimate first), the page and its connections.
        assert one <= 6
