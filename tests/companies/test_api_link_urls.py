"""Link URLs in the API: the `redirect` of every read works at that moment, and the
`Link-Url-Expires` header (or `expiresAt` of POST .../link-url) says until when."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from companies import services
from companies.activity import Actor
from companies.models import Company, LinkSettings
from tests.support import path_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_company(company) -> Company:
    """Created, with its first Link URL, a year ago: far past the 7-day lifetime."""
    a_year_ago = timezone.now() - timedelta(days=365)
    Company.objects.filter(pk=company.pk).update(created=a_year_ago, link_issued_at=a_year_ago)
    company.refresh_from_db()
    return company


def never_expire() -> None:
    link_settings = LinkSettings.load()
    link_settings.link_lifetime_days = None
    link_settings.save()


def _expires(response) -> datetime:
    return datetime.fromisoformat(response["Link-Url-Expires"])


class TestCompanyRedirect:
    def test_reading_an_old_company_gives_a_redirect_that_works(self, api, old_company, end_user):
        response = api.get(f"/api/companies/{old_company.id}")
        assert response.status_code == 200
        page = end_user.get(path_of(response.json()["redirect"]))
        assert page.status_code == 200
        assert b"Platypus Properties" in page.content

    def test_the_list_gives_redirects_that_work(self, api, old_company, end_user):
        body = api.get("/api/companies").json()
        assert end_user.get(path_of(body["results"][0]["redirect"])).status_code == 200

    def test_a_connections_link_url_works_too(self, api, old_company, end_user):
        base = f"/api/companies/{old_company.id}/connections"
        connection = api.post(base, {"platformKey": "xero"}).json()
        assert end_user.get(path_of(connection["linkUrl"])).status_code == 200
        listed = api.get(base).json()["results"][0]
        assert end_user.get(path_of(listed["linkUrl"])).status_code == 200

    def test_a_header_says_when_the_redirect_expires(self, api, company):
        response = api.get(f"/api/companies/{company.id}")
        left = _expires(response) - timezone.now()
        assert timedelta(days=7) - timedelta(seconds=5) < left <= timedelta(days=7)
        assert set(response.json()) == {
            "id",
            "name",
            "description",
            "redirect",
            "dataConnections",
            "created",
        }

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("post", "/api/companies", {"name": "Wombat Works"}),
            ("get", "/api/companies", None),
            ("patch", "/api/companies/{id}", {"name": "Wombat Works"}),
            ("get", "/api/companies/{id}/connections", None),
            ("post", "/api/companies/{id}/connections", {"platformKey": "sage"}),
        ],
    )
    def test_every_response_with_link_urls_has_the_header(self, api, company, method, path, body):
        path = path.format(id=company.id)
        response = api.get(path) if method == "get" else getattr(api, method)(path, body)
        assert response.status_code in (200, 201)
        assert _expires(response) > timezone.now() + timedelta(days=6)

    def test_urls_that_never_expire_have_no_header_and_stay_the_same(self, api, old_company):
        never_expire()
        first = api.get(f"/api/companies/{old_company.id}")
        assert "Link-Url-Expires" not in first
        second = api.get(f"/api/companies/{old_company.id}")
        assert first.json()["redirect"] == second.json()["redirect"]

    def test_revoking_still_kills_the_redirect_read_before(self, api, old_company, end_user):
        never_expire()
        redirect = api.get(f"/api/companies/{old_company.id}").json()["redirect"]
        services.link_urls_revoke(company=old_company, actor=Actor.system())
        assert end_user.get(path_of(redirect)).status_code == 410
        fresh = api.get(f"/api/companies/{old_company.id}").json()["redirect"]
        assert end_user.get(path_of(fresh)).status_code == 200


class TestNewLinkUrl:
    def test_it_says_when_it_expires(self, api, company):
        body = api.post(f"/api/companies/{company.id}/link-url").json()
        expires = datetime.fromisoformat(body["expiresAt"])
        assert timedelta(days=6) < expires - timezone.now() <= timedelta(days=7)

    def test_a_url_that_never_expires_has_a_null_expiry(self, api, company):
        never_expire()
        body = api.post(f"/api/companies/{company.id}/link-url").json()
        assert body["expiresAt"] is None
