"""The companies table at /companies/: search, filter, sort, pages, URL state, permissions."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies import services
from companies.models import Company, DataConnection
from portal import statuses
from tests.support import page_of

ROW = re.compile(r'<tr id="company-([0-9a-f-]{36})"[^>]*>\s*<td><a href="[^"]*">([^<]*)</a>')
NOW = timezone.now()


def row_names(response) -> list[str]:
    """The company names in the table rows, top to bottom, as a user reads them (from a
    response, or its HTML)."""
    html = response if isinstance(response, str) else response.content.decode()
    return [unescape(name) for _, name in ROW.findall(html)]


def summary(response) -> str:
    """The line above the table that says how many companies are shown."""
    match = re.search(r'<p class="table-summary"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    assert match, "no table summary"
    return unescape(" ".join(match.group(1).split()))


def make_company(name: str, *, days_ago: int = 0) -> Company:
    company = services.company_create(name=name)
    Company.objects.filter(pk=company.pk).update(created=NOW - timedelta(days=days_ago))
    company.refresh_from_db()
    return company


@pytest.fixture
def abc(db) -> list[Company]:
    """Three companies; Bravo is the newest and Alpha the oldest."""
    return [
        make_company("Alpha Shipping", days_ago=3),
        make_company("Bravo Bakery", days_ago=1),
        make_company("Charlie Consulting", days_ago=2),
    ]


class TestCompanyTable:
    def test_it_works(self, manager_client, company, make_connection):
        synced = timezone.now() - timedelta(hours=2)
        make_connection(company, platform="xero", status="Linked", last_sync=synced)
        make_connection(company, platform="sage", status="Deauthorized")

        r = manager_client.get("/companies/")
        assert r.status_code == 200
        page = r.content.decode()
        assert "<h1>Companies</h1>" in page
        assert summary(r) == "1 company"
        assert row_names(r) == ["Platypus Properties"]
        # The id's first characters are shown; the whole id is read out, copied, or hovered.
        assert f'<span aria-hidden="true">{str(company.id)[:8]}…</span>' in page
        assert f'<span class="visually-hidden">{company.id}</span>' in page
        assert f'<code title="{company.id}">' in page
        assert f'data-copy="{company.id}"' in page
        assert timezone.localtime(company.created).strftime("%-d %b %Y") in page
        assert '<span class="badge tone-ok" title="API status: Linked">Xero · Linked</span>' in page
        assert "Xero · Linked" in page
        assert '<span class="badge tone-bad" title="API status: Deauthorized">' in page
        assert "Sage Business Cloud Accounting · Needs re-linking" in page
        assert f'datetime="{timezone.localtime(synced).isoformat()}"' in page

    def test_it_shows_never_and_none_without_connections(self, manager_client, company):
        r = manager_client.get("/companies/")
        page = r.content.decode()
        assert '<span class="muted">None</span>' in page
        assert '<span class="muted">Never</span>' in page

    def test_it_shows_an_empty_table(self, manager_client):
        r = manager_client.get("/companies/")
        assert r.status_code == 200
        assert "No companies yet." in r.content.decode()
        assert row_names(r) == []

    def test_it_requires_login(self, client, company):
        r = client.get("/companies/?q=Platypus")
        assert r.status_code == 302
        assert r.url == "/login/?next=/companies/%3Fq%3DPlatypus"

    def test_it_checks_permission(self, outsider_client, company):
        r = outsider_client.get("/companies/")
        assert r.status_code == 403
        assert "Not allowed" in r.content.decode()
        assert "Platypus Properties" not in r.content.decode()

    def test_it_rejects_post(self, manager_client):
        r = manager_client.post("/companies/")
        assert r.status_code == 405

    def test_viewer_sees_the_table_without_create_form_or_delete_buttons(
        self, viewer_client, company
    ):
        r = viewer_client.get("/companies/")
        assert r.status_code == 200
        page = r.content.decode()
        assert row_names(r) == ["Platypus Properties"]
        assert 'id="create-company"' not in page
        assert "/companies/create/" not in page
        assert f"/companies/{company.id}/delete/" not in page
        assert "Delete" not in page

    def test_manager_sees_create_form_and_delete_buttons(self, manager_client, company):
        r = manager_client.get("/companies/")
        page = r.content.decode()
        assert '<form id="create-company"' in page
        assert 'action="/companies/create/"' in page
        assert f'href="/companies/{company.id}/delete/"' in page
        assert f'hx-post="/companies/{company.id}/delete/"' in page
        assert (
            "Delete the company “Platypus Properties” with all its connections, pulled data "
            "and payroll accounts?" in page
        )

    def test_row_actions_are_in_a_menu_named_for_the_row(self, manager_client, company):
        page = page_of(manager_client.get("/companies/"), "Companies")
        menu = re.search(r'<details class="row-menu">.*?</details>', page, re.S)
        assert menu, "no row menu"
        assert '<span class="visually-hidden">Actions for Platypus Properties</span>' in menu[0]
        assert f'href="/companies/{company.id}/delete/"' in menu[0]
        assert '>Delete<span class="visually-hidden"> Platypus Properties</span></a>' in menu[0]
        # Not a red button on every row.
        assert "button danger" not in page.split('id="company-rows"')[1].split("</tbody>")[0]

    def test_it_escapes_names(self, manager_client):
        services.company_create(name="Smith & O'Brien")
        r = manager_client.get("/companies/")
        assert "Smith &amp; O&#x27;Brien" in r.content.decode()
        assert row_names(r) == ["Smith & O'Brien"]


class TestSearch:
    def test_it_finds_by_part_of_the_name(self, manager_client, abc):
        r = manager_client.get("/companies/?q=bak")
        assert row_names(r) == ["Bravo Bakery"]
        assert summary(r) == "1 company matches “bak”"
        assert 'name="q" value="bak"' in r.content.decode()

    def test_it_finds_unicode_names(self, manager_client, abc):
        services.company_create(name="Zürich Café")
        services.company_create(name="東京 株式会社")
        assert row_names(manager_client.get("/companies/?q=Zürich")) == ["Zürich Café"]
        assert row_names(manager_client.get("/companies/?q=株式")) == ["東京 株式会社"]

    def test_it_finds_by_exact_id(self, manager_client, abc):
        charlie = abc[2]
        r = manager_client.get(f"/companies/?q={charlie.id}")
        assert row_names(r) == ["Charlie Consulting"]

    def test_it_finds_by_id_in_capitals_with_spaces_around(self, manager_client, abc):
        charlie = abc[2]
        r = manager_client.get("/companies/", {"q": f"  {str(charlie.id).upper()} "})
        assert row_names(r) == ["Charlie Consulting"]

    def test_an_unknown_id_matches_nothing(self, manager_client, abc):
        r = manager_client.get("/companies/?q=00000000-0000-4000-8000-000000000000")
        assert row_names(r) == []
        assert "No companies match these filters." in page_of(r, "Companies")

    def test_no_match_says_so(self, manager_client, abc):
        r = manager_client.get("/companies/?q=Zebra")
        assert r.status_code == 200
        assert row_names(r) == []
        assert summary(r) == "0 companies match “Zebra”"
        assert "No companies match these filters." in r.content.decode()

    @pytest.mark.parametrize(
        "query", ["%", "_", "'", "\\", "<script>", "%00", "\x00", "a" * 1000, "\u202e"]
    )
    def test_odd_queries_never_fail(self, manager_client, abc, query):
        page = page_of(manager_client.get("/companies/", {"q": query}), "Companies")
        assert "<script>" not in page

    @pytest.mark.parametrize("wildcard", ["%", "_"])
    def test_like_wildcards_match_literally(self, manager_client, abc, wildcard):
        r = manager_client.get("/companies/", {"q": wildcard})
        assert row_names(r) == []
        assert "No companies match these filters." in page_of(r, "Companies")


class TestStatusFilter:
    @pytest.fixture
    def by_status(self, db, make_connection) -> dict[str, Company]:
        companies = {}
        for days_ago, status in enumerate(DataConnection.Status.values):
            company = make_company(f"{status} Company", days_ago=days_ago)
            make_connection(company, platform="xero", status=status)
            companies[status] = company
        make_company("Unconnected Company", days_ago=10)
        return companies

    @pytest.mark.parametrize("status", DataConnection.Status.values)
    def test_it_filters_by_each_status(self, manager_client, by_status, status):
        r = manager_client.get(f"/companies/?status={status}")
        assert row_names(r) == [f"{status} Company"]
        words = statuses.words(status)
        assert summary(r) == f"1 company matches with a connection that is “{words}”"
        assert f'<option value="{status}" selected>' in r.content.decode()

    def test_any_status_shows_all(self, manager_client, by_status):
        r = manager_client.get("/companies/?status=")
        assert len(row_names(r)) == 5

    def test_an_unknown_status_is_ignored(self, manager_client, by_status):
        r = manager_client.get("/companies/?status=Bogus")
        assert r.status_code == 200
        assert len(row_names(r)) == 5
        assert "selected" not in r.content.decode()

    def test_a_company_with_several_matching_connections_shows_once(
        self, manager_client, company, make_connection
    ):
        make_connection(company, platform="xero", status="Linked")
        make_connection(company, platform="sage", status="Linked")
        r = manager_client.get("/companies/?status=Linked")
        assert row_names(r) == ["Platypus Properties"]
        assert summary(r) == "1 company matches with a connection that is “Linked”"

    def test_a_company_shows_all_its_badges_when_filtered(
        self, manager_client, company, make_connection
    ):
        make_connection(company, platform="xero", status="Linked")
        make_connection(company, platform="freeagent", status="Unlinked")
        page = manager_client.get("/companies/?status=Linked").content.decode()
        assert "Xero · Linked" in page
        assert "FreeAgent · Disconnected" in page

    def test_it_combines_with_search(self, manager_client, by_status):
        r = manager_client.get("/companies/?status=Linked&q=pending")
        assert row_names(r) == []
        assert "No companies match these filters." in page_of(r, "Companies")
        r = manager_client.get("/companies/?status=Linked&q=linked")
        assert row_names(r) == ["Linked Company"]


class TestSort:
    def test_newest_first_by_default(self, manager_client, abc):
        r = manager_client.get("/companies/")
        assert row_names(r) == ["Bravo Bakery", "Charlie Consulting", "Alpha Shipping"]

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("name", ["Alpha Shipping", "Bravo Bakery", "Charlie Consulting"]),
            ("-name", ["Charlie Consulting", "Bravo Bakery", "Alpha Shipping"]),
            ("created", ["Alpha Shipping", "Charlie Consulting", "Bravo Bakery"]),
            ("-created", ["Bravo Bakery", "Charlie Consulting", "Alpha Shipping"]),
        ],
    )
    def test_it_sorts(self, manager_client, abc, sort, expected):
        r = manager_client.get(f"/companies/?sort={sort}")
        assert row_names(r) == expected

    def test_an_unknown_sort_falls_back_to_newest_first(self, manager_client, abc):
        r = manager_client.get("/companies/?sort=id;drop")
        assert r.status_code == 200
        assert row_names(r) == ["Bravo Bakery", "Charlie Consulting", "Alpha Shipping"]

    def test_the_sorted_column_links_to_the_other_direction(self, manager_client, abc):
        page = manager_client.get("/companies/?sort=name&q=a").content.decode()
        assert 'href="/companies/?sort=-name&amp;q=a"' in page
        assert "sorted ascending" in page
        page = manager_client.get("/companies/?sort=-name").content.decode()
        assert 'href="/companies/?sort=name"' in page
        assert "sorted descending" in page

    def test_sorting_goes_back_to_the_first_page(self, manager_client, abc):
        page = manager_client.get("/companies/?page=2&q=a").content.decode()
        assert 'href="/companies/?q=a&amp;sort=name"' in page

    def test_equal_names_keep_a_stable_order(self, manager_client):
        make_company("Same Name", days_ago=2)
        make_company("Same Name", days_ago=1)
        first = manager_client.get("/companies/?sort=name").content.decode()
        second = manager_client.get("/companies/?sort=name").content.decode()
        assert ROW.findall(first) == ROW.findall(second)


class TestPagination:
    @pytest.fixture
    def thirty(self, db) -> list[Company]:
        return [make_company(f"Company {n:02d}", days_ago=n) for n in range(30)]

    def test_it_shows_25_rows_per_page(self, manager_client, thirty):
        r = manager_client.get("/companies/")
        assert row_names(r) == [f"Company {n:02d}" for n in range(25)]
        assert summary(r) == "30 companies"
        page = page_of(r, "Companies")
        assert "Page 1 of 2" in page
        assert 'href="/companies/?page=2#companies-table" hx-get="/companies/?page=2"' in page
        assert 'rel="prev"' not in page

    def test_it_shows_the_second_page(self, manager_client, thirty):
        r = manager_client.get("/companies/?page=2")
        assert row_names(r) == [f"Company {n:02d}" for n in range(25, 30)]
        page = page_of(r, "Companies")
        assert "Page 2 of 2" in page
        assert 'href="/companies/?page=1#companies-table"' in page
        assert 'rel="next"' not in page

    def test_page_links_keep_search_filter_and_sort(self, manager_client, thirty):
        r = manager_client.get("/companies/?q=company&sort=name&status=")
        page = r.content.decode()
        assert (
            'href="/companies/?q=company&amp;sort=name&amp;status=&amp;page=2#companies-table"'
            in page
        )

    def test_page_two_of_a_search(self, manager_client, thirty):
        r = manager_client.get("/companies/?q=company&sort=-name&page=2")
        assert row_names(r) == [f"Company {n:02d}" for n in range(4, -1, -1)]

    @pytest.mark.parametrize("number", ["abc", "", "%00", "1.5"])
    def test_a_bad_page_number_shows_the_first_page(self, manager_client, thirty, number):
        r = manager_client.get(f"/companies/?page={number}")
        assert r.status_code == 200
        assert row_names(r)[0] == "Company 00"

    @pytest.mark.parametrize("number", ["0", "-1", "99"])
    def test_a_page_out_of_range_shows_the_last_page(self, manager_client, thirty, number):
        r = manager_client.get(f"/companies/?page={number}")
        assert r.status_code == 200
        assert "Page 2 of 2" in r.content.decode()

    def test_a_new_page_keeps_the_table_in_view(self, manager_client, thirty):
        page = page_of(manager_client.get("/companies/"), "Companies")
        # Without the script, the link goes to the table; with it, htmx scrolls there.
        assert (
            '<a href="/companies/?page=2#companies-table" hx-get="/companies/?page=2" '
            'hx-push-url="true" hx-swap="outerHTML show:#companies-table:top" rel="next">'
        ) in page

    def test_a_single_page_has_no_pagination(self, manager_client, abc):
        r = manager_client.get("/companies/")
        page = page_of(r, "Companies")
        assert len(row_names(r)) == 3
        assert 'class="pagination"' not in page


class TestUrlState:
    URL = "/companies/?q=o&status=Linked&sort=name&page=2"

    @pytest.fixture
    def many(self, db, make_connection) -> None:
        """60 companies, 30 of them (the odd numbers) with a Linked connection."""
        for n in range(60):
            company = make_company(f"Company {n:02d}", days_ago=n)
            make_connection(company, status="Linked" if n % 2 else "Unlinked")

    def test_the_url_reproduces_the_table(self, manager_client, many):
        first = manager_client.get(self.URL)
        again = manager_client.get(self.URL)
        assert row_names(first) == [
            "Company 51",
            "Company 53",
            "Company 55",
            "Company 57",
            "Company 59",
        ]
        assert row_names(again) == row_names(first)
        assert "Page 2 of 2" in first.content.decode()

    def test_the_url_state_is_shown_in_the_controls(self, manager_client, many):
        page = manager_client.get(self.URL).content.decode()
        assert 'name="q" value="o"' in page
        assert '<option value="Linked" selected>' in page
        assert '<input type="hidden" name="sort" value="name" form="company-filters">' in page

    def test_htmx_gets_the_same_rows_as_the_page(self, manager_client, many, htmx_headers):
        url = "/companies/?q=company&status=Linked&sort=-name&page=1"
        full = manager_client.get(url)
        fragment = manager_client.get(url, headers=htmx_headers)
        assert row_names(full) == row_names(fragment)
        assert len(row_names(fragment)) == 25
        assert row_names(fragment)[0] == "Company 59"

    def test_htmx_gets_only_the_table(self, manager_client, many, htmx_headers):
        r = manager_client.get("/companies/?q=company&page=2", headers=htmx_headers)
        assert r.status_code == 200
        fragment = r.content.decode()
        assert fragment.lstrip().startswith('<div id="companies-table"')
        assert "<html" not in fragment
        assert "<h1>Companies</h1>" not in fragment
        assert 'id="company-filters"' not in fragment
        assert 'id="create-company"' not in fragment
        assert "Page 2 of 3" in fragment

    def test_the_page_holds_the_same_fragment(self, manager_client, many, htmx_headers):
        url = "/companies/?q=company&sort=name"
        fragment = manager_client.get(url, headers=htmx_headers).content.decode().strip()
        assert fragment in manager_client.get(url).content.decode()

    def test_controls_push_their_state_to_the_url(self, manager_client, many):
        page = manager_client.get("/companies/?page=1").content.decode()
        assert re.search(r'<form id="company-filters"[^>]*hx-push-url="true"', page)
        assert 'hx-get="/companies/?page=2" hx-push-url="true"' in page
        assert 'hx-get="/companies/?sort=name" hx-push-url="true"' in page

    def test_responses_vary_on_hx_request(self, manager_client, many, htmx_headers):
        # Otherwise a browser may show a cached fragment as the whole page (back button).
        for headers in (None, htmx_headers):
            r = manager_client.get("/companies/", headers=headers)
            assert "HX-Request" in r.headers["Vary"]

    def test_history_restore_gets_the_full_page(self, manager_client, many, htmx_headers):
        # htmx asks for the whole page when its history cache misses (back button).
        headers = {**htmx_headers, "HX-History-Restore-Request": "true"}
        r = manager_client.get("/companies/?q=company&page=2", headers=headers)
        page = r.content.decode()
        assert "<html" in page
        assert "<h1>Companies</h1>" in page
        assert "Page 2 of 3" in page


class TestQueryCount:
    def _queries(self, client, url, headers=None) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            r = client.get(url, headers=headers)
        assert r.status_code == 200
        return len(queries), len(row_names(r))

    def _companies(self, n: int) -> None:
        companies = Company.objects.bulk_create(
            Company(name=f"Company {i}", created=NOW - timedelta(minutes=i)) for i in range(n)
        )
        DataConnection.objects.bulk_create(
            DataConnection(company=c, platform=platform, source_type="Accounting", status=status)
            for c in companies
            for platform, status in (("xero", "Linked"), ("sage", "Deauthorized"))
        )

    @pytest.mark.parametrize(
        "url", ["/companies/", "/companies/?q=company&status=Linked&sort=name&page=2"]
    )
    @pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
    def test_it_is_the_same_for_1_and_100_rows(self, manager_client, htmx_headers, url, htmx):
        headers = htmx_headers if htmx else None
        url = url.replace("page=2", "page=1")
        self._companies(1)
        one, rows = self._queries(manager_client, url, headers)
        assert rows == 1

        self._companies(99)
        hundred, rows = self._queries(manager_client, url, headers)
        assert rows == 25
        # A first page that comes back short is the whole list, so it needs no count; a full
        # one counts (on PostgreSQL, the planner's estimate first).
        counting = 2 if connection.vendor == "postgresql" else 1
        assert hundred == one + counting

        self._companies(100)
        two_hundred, rows = self._queries(manager_client, url, headers)
        assert two_hundred == hundred

    def test_a_later_page_costs_the_same(self, manager_client):
        self._companies(100)
        first, _ = self._queries(manager_client, "/companies/")
        last, rows = self._queries(manager_client, "/companies/?page=4")
        assert rows == 25
        assert last == first


def test_name_sort_ignores_case(manager_client):
    # By code point, "Charlie" would come before "bravo".
    for name in ("bravo Builders", "Alpha Analytics", "Charlie Cafe"):
        services.company_create(name=name)
    body = manager_client.get("/companies/", {"sort": "name"}).content.decode()
    positions = [body.index(name) for name in ("Alpha", "bravo", "Charlie")]
    assert positions == sorted(positions)


class TestLargeTables:
    """Past 10,000 rows PostgreSQL's estimate is shown (portal.counts), and says so."""

    def test_an_estimated_count_says_about(self, manager_client, monkeypatch):
        from portal import counts

        for n in range(30):
            make_company(f"Company {n:02d}", days_ago=n)
        monkeypatch.setattr(counts, "estimate", lambda queryset: 123_456)
        r = manager_client.get("/companies/")
        assert summary(r) == "About 123,456 companies"
        assert "Page 1 of 4939" in r.content.decode()

    def test_a_short_page_gives_the_exact_count(self, manager_client, monkeypatch):
        from portal import counts

        make_company("Lonely Lantern Ltd")
        monkeypatch.setattr(counts, "estimate", lambda queryset: 123_456)
        r = manager_client.get("/companies/?q=lantern")
        assert summary(r).startswith("1 company matches")

    def test_an_id_that_is_a_company_finds_only_that_company(self, manager_client):
        named = make_company("Named 5f0c3f4e-2b7d-4c55-9a38-0b4a1c1f9e21")
        Company.objects.create(id="5f0c3f4e-2b7d-4c55-9a38-0b4a1c1f9e21", name="Other")
        r = manager_client.get("/companies/?q=5f0c3f4e-2b7d-4c55-9a38-0b4a1c1f9e21")
        assert row_names(r) == ["Other"]
        assert named.name not in r.content.decode()

    def test_an_id_that_is_no_company_searches_names(self, manager_client):
        company = make_company("Named 5f0c3f4e-2b7d-4c55-9a38-0b4a1c1f9e21")
        r = manager_client.get("/companies/?q=5f0c3f4e-2b7d-4c55-9a38-0b4a1c1f9e21")
        assert row_names(r) == [company.name]


class TestDeepPages:
    """Past DEFERRED_FROM rows, Next links by cursor (keyset), which walks the same rows."""

    @pytest.fixture
    def sixty(self, db, monkeypatch):
        from companies import views

        monkeypatch.setattr(views, "DEFERRED_FROM", 25)
        return [make_company(f"Company {n:02d}", days_ago=n % 7) for n in range(60)]

    @pytest.mark.parametrize("sort", ["name", "-name", "created", "-created"])
    def test_next_by_cursor_walks_the_same_rows_as_pages(self, manager_client, sixty, sort):
        by_page = [
            row_names(manager_client.get(f"/companies/?sort={sort}&page={n}")) for n in (1, 2, 3)
        ]
        first = manager_client.get(f"/companies/?sort={sort}")
        assert "cursor=" in first.content.decode()
        walked, response = [row_names(first)], first
        for expected in (2, 3):
            href = unescape(
                re.search(r'href="([^"]*)"[^>]*rel="next"', response.content.decode()).group(1)
            )
            assert "cursor=" in href and f"page={expected}" in href
            response = manager_client.get(href)
            assert f"Page {expected} of 3" in response.content.decode()
            walked.append(row_names(response))
        assert walked == by_page
        assert 'rel="next"' not in response.content.decode()

    def test_previous_goes_by_page_number(self, manager_client, sixty):
        first = manager_client.get("/companies/")
        href = unescape(
            re.search(r'href="([^"]*)"[^>]*rel="next"', first.content.decode()).group(1)
        )
        second = manager_client.get(href).content.decode()
        assert 'href="/companies/?page=1#companies-table" hx-get="/companies/?page=1"' in second

    def test_a_broken_cursor_falls_back_to_the_page_number(self, manager_client, sixty):
        r = manager_client.get("/companies/?page=2&cursor=broken")
        assert r.status_code == 200
        assert row_names(r) == row_names(manager_client.get("/companies/?page=2"))


class TestRareNames:
    """A name few companies share is read by the trigram index and sorted (PostgreSQL's
    estimates say when); the rows and their order are the same."""

    @pytest.mark.parametrize("sort", ["name", "-name", "created", "-created"])
    def test_the_order_is_the_same(self, manager_client, monkeypatch, sort):
        from companies import queries

        for n in range(8):
            make_company(f"{'Bravo' if n % 2 else 'alpha'} Lantern {n}", days_ago=n % 3)
        make_company("Other Company")
        usual = row_names(manager_client.get("/companies/", {"q": "lantern", "sort": sort}))
        estimates = iter([10, 1_000_000] * 2)
        monkeypatch.setattr(queries, "estimate", lambda queryset: next(estimates))
        rare = row_names(manager_client.get("/companies/", {"q": "lantern", "sort": sort}))
        assert rare == usual and len(rare) == 8
