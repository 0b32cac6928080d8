"""A company deleted after a request found it, before its write got the company's lock.

This is what the races in test_delete_races_on_postgresql.py hit, played in sequence so that
it runs on SQLite too: the write answers 404 (the friendly 410 in Link), never a server error,
and writes nothing.
"""

from __future__ import annotations

import pytest
from django.http import Http404

from companies import queries, services
from companies import views as portal_views
from companies.activity import Actor
from companies.link import pages as link_pages
from companies.link import services as link_services
from companies.link import views as link_views
from companies.models import ActivityEntry, Company, DataConnection, LinkAttempt
from companies.platforms import get_platform
from companies.platforms.sandbox import ALLOW
from companies.pulls import queue, schedule
from tests.support import choose, csrf_token, page_of


def _then_delete(find, company_of=lambda company: company):
    """`find`, after which the company it found (or the company of what it found) is deleted."""

    def find_then_delete(*args, **kwargs):
        found = find(*args, **kwargs)
        Company.objects.filter(pk=company_of(found).pk).delete()
        return found

    return find_then_delete


def _nothing_written() -> None:
    assert not Company.objects.exists()
    assert not ActivityEntry.objects.exists()
    assert not DataConnection.objects.exists()


class TestServices:
    """Given a company that no longer exists, every write raises CompanyGone, a 404."""

    @pytest.mark.parametrize(
        "write",
        [
            lambda c: services.company_update(company=c, name="Renamed"),
            lambda c: services.company_delete(company=c),
            lambda c: services.link_url_renew(company=c, actor=Actor.system()),
            lambda c: services.link_urls_revoke(company=c, actor=Actor.system()),
            lambda c: services.connection_create(
                company=c, platform=get_platform("xero"), actor=Actor.system()
            ),
            lambda c: link_services.link_attempt_start(
                company=c, platform=get_platform("xero"), params={}
            ),
            lambda c: queue.pulls_queue_all(company=c, actor=Actor.system()),
            lambda c: schedule.company_set_sync_frequency(
                company=c, frequency="daily", actor=Actor.system()
            ),
        ],
        ids=[
            "update",
            "delete",
            "renew Link URL",
            "revoke Link URLs",
            "create connection",
            "start Link attempt",
            "queue pulls",
            "sync frequency",
        ],
    )
    def test_it_raises_company_gone(self, company, write):
        Company.objects.filter(pk=company.pk).delete()
        with pytest.raises(services.CompanyGone) as gone:
            write(company)
        assert isinstance(gone.value, Http404)
        assert str(gone.value) == f"No company has the id {company.id}."
        _nothing_written()

    @pytest.mark.parametrize("write", [services.connection_unlink, services.connection_deauthorize])
    def test_connection_writes_raise_it(self, company, make_connection, write):
        connection = make_connection(company)
        Company.objects.filter(pk=company.pk).delete()
        with pytest.raises(services.CompanyGone):
            write(connection=connection, actor=Actor.system())


class TestApi:
    @pytest.fixture(autouse=True)
    def _deleted_after_lookup(self, monkeypatch):
        monkeypatch.setattr(queries, "company_or_404", _then_delete(queries.company_or_404))

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("patch", "", {"name": "Renamed"}),
            ("delete", "", None),
            ("post", "/link-url", None),
            ("post", "/connections", {"platformKey": "xero"}),
            ("post", "/data/all", None),
        ],
    )
    def test_it_answers_404(self, api, company, method, path, body):
        call = getattr(api, method)
        r = (
            call(f"/api/companies/{company.id}{path}", body)
            if body
            else call(f"/api/companies/{company.id}{path}")
        )
        assert r.status_code == 404
        assert r.json() == {"statusCode": 404, "error": f"No company has the id {company.id}."}
        _nothing_written()


class TestLink:
    def test_choosing_a_platform(self, monkeypatch, end_user, company, link_path):
        page = end_user.get(link_path)
        monkeypatch.setattr(
            link_pages, "company_for_token", _then_delete(link_pages.company_for_token)
        )
        r = end_user.post(f"{link_path}platforms/xero/", {"csrfmiddlewaretoken": csrf_token(page)})
        html = page_of(r, "This link is no longer available", status=410)
        assert "The company this link was made for no longer exists." in html
        _nothing_written()

    def test_allowing_access(self, monkeypatch, end_user, company, link_path):
        consent_path = choose(end_user, link_path, "xero").url
        page = end_user.get(consent_path)
        find_attempt = _then_delete(link_views._attempt_for, lambda a: a.connection.company)
        monkeypatch.setattr(link_views, "_attempt_for", find_attempt)
        r = end_user.post(consent_path, {"choice": ALLOW, "csrfmiddlewaretoken": csrf_token(page)})
        page_of(r, "This link is no longer available", status=410)
        assert not LinkAttempt.objects.exists()
        _nothing_written()


class TestPortal:
    def test_editing(self, monkeypatch, manager_client, company):
        monkeypatch.setattr(portal_views, "_get_company", _then_delete(portal_views._get_company))
        r = manager_client.post(f"/companies/{company.id}/edit/", {"name": "Renamed"})
        page_of(r, "Not found", status=404)
        _nothing_written()

    def test_issuing_a_link_url(self, monkeypatch, manager_client, company):
        monkeypatch.setattr(portal_views, "_get_company", _then_delete(portal_views._get_company))
        r = manager_client.post(f"/companies/{company.id}/link-url/renew/")
        page_of(r, "Not found", status=404)
        _nothing_written()
