"""`GET /api/companies` by cursor: `_links.nextCursor` walks the list as `page` does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from companies import services
from companies.models import Company

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven(db) -> None:
    now = timezone.now()
    names = ["bravo", "Alpha", "Charlie", "alpha", "Delta", "Alpha", "echo"]
    for n, name in enumerate(names):
        company = services.company_create(name=name)
        # Two share a moment, so the id breaks the tie.
        Company.objects.filter(pk=company.pk).update(created=now - timedelta(hours=n // 2))


def ids(body) -> list[str]:
    return [company["id"] for company in body["results"]]


@pytest.mark.parametrize("order_by", ["name", "-name", "created", "-created"])
def test_the_cursor_walks_the_same_order_as_pages(api, seven, order_by):
    by_page = ids(api.get("/api/companies", {"orderBy": order_by, "pageSize": 100}).json())

    walked, pages = [], []
    body = api.get("/api/companies", {"orderBy": order_by, "pageSize": 2}).json()
    while True:
        walked += ids(body)
        pages.append(body["pageNumber"])
        link = body["_links"].get("nextCursor")
        if not link:
            break
        assert f"orderBy={order_by}" in link["href"]
        body = api.get(link["href"]).json()
    assert walked == by_page
    assert pages == [1, 2, 3, 4]
    assert body["totalResults"] == 7


def test_a_cursor_page_keeps_the_page_links(api, seven):
    first = api.get("/api/companies", {"pageSize": 3}).json()
    second = api.get(first["_links"]["nextCursor"]["href"]).json()
    assert second["pageNumber"] == 2
    assert second["_links"]["next"]["href"] == "/api/companies?page=3&pageSize=3"
    assert second["_links"]["previous"]["href"] == "/api/companies?page=1&pageSize=3"


def test_the_last_full_page_has_no_cursor_past_it(api, seven):
    body = api.get("/api/companies", {"pageSize": 7}).json()
    assert "nextCursor" not in body["_links"]


@pytest.mark.parametrize("cursor", ["nonsense", "WzEsICJ4Il0", "WyJ4Il0", "W10", "0" * 2000])
def test_a_cursor_it_did_not_give_falls_back_to_the_page(api, seven, cursor):
    # The schema allows any string: a broken cursor is ignored, not refused.
    plain = api.get("/api/companies", {"page": 2, "pageSize": 2}).json()
    response = api.get("/api/companies", {"page": 2, "pageSize": 2, "cursor": cursor})
    assert response.status_code == 200
    # The same companies (their Link URLs are signed afresh on each read, so compare ids).
    ids = [company["id"] for company in response.json()["results"]]
    assert ids == [company["id"] for company in plain["results"]] and len(ids) == 2
