"""Editing a company's name and description in place: /companies/<id>/edit/."""

from __future__ import annotations

import re

import pytest

from companies import services
from companies.models import Company


def edit_url(company: Company) -> str:
    return f"/companies/{company.id}/edit/"


class TestEditForm:
    def test_it_works_with_htmx(self, manager_client, company, htmx_headers):
        r = manager_client.get(edit_url(company), headers=htmx_headers)
        assert r.status_code == 200
        page = r.content.decode()
        # Only the details region, now holding the form, filled in.
        assert page.lstrip().startswith('<section id="company-details"')
        assert "<html" not in page
        assert f'hx-post="/companies/{company.id}/edit/"' in page
        assert 'hx-target="#company-details"' in page
        assert re.search(r'<input type="text" name="name" value="Platypus Properties"', page)
        assert ">\nPlatypuses are venomous mammals</textarea>" in page
        assert "Save" in page
        assert f'href="/companies/{company.id}/"' in page

    def test_it_works_without_htmx(self, manager_client, company):
        r = manager_client.get(edit_url(company))
        assert r.status_code == 200
        page = r.content.decode()
        assert "<html" in page
        assert f'<form method="post" action="/companies/{company.id}/edit/"' in page
        assert 'value="Platypus Properties"' in page

    def test_it_requires_login(self, client, company):
        r = client.get(edit_url(company))
        assert r.status_code == 302
        assert r.url == f"/login/?next=/companies/{company.id}/edit/"

    @pytest.mark.parametrize("user_client", ["viewer_client", "outsider_client"])
    def test_it_checks_permission(self, request, user_client, company, htmx_headers):
        client = request.getfixturevalue(user_client)
        assert client.get(edit_url(company), headers=htmx_headers).status_code == 403


class TestEditCompany:
    def test_it_works_with_htmx(self, manager_client, company, htmx_headers):
        r = manager_client.post(
            edit_url(company),
            {"name": "  Zürich Café ", "description": "New text"},
            headers=htmx_headers,
        )
        assert r.status_code == 200
        page = r.content.decode()
        # The details region goes back to showing the company, with the new values.
        assert page.lstrip().startswith('<section id="company-details"')
        assert "<html" not in page
        assert "<form" not in page
        assert '<h1 id="company-name">Zürich Café</h1>' in page
        assert "New text" in page
        assert f"<code>{company.id}</code>" in page
        assert f'hx-get="/companies/{company.id}/edit/"' in page

        company.refresh_from_db()
        assert company.name == "Zürich Café"
        assert company.description == "New text"

    def test_it_works_without_htmx(self, manager_client, company):
        r = manager_client.post(edit_url(company), {"name": "Acme", "description": ""})
        assert r.status_code == 302
        assert r.url == f"/companies/{company.id}/"
        company.refresh_from_db()
        assert company.name == "Acme"
        assert company.description == ""

        page = manager_client.get(r.url).content.decode()
        assert "Saved company “Acme”." in page
        assert '<h1 id="company-name">Acme</h1>' in page

    def test_it_keeps_id_and_created(self, manager_client, company):
        created = company.created
        manager_client.post(edit_url(company), {"name": "Acme"})
        company = Company.objects.get()
        assert company.created == created

    def test_it_shows_errors_with_htmx(self, manager_client, company, htmx_headers):
        r = manager_client.post(
            edit_url(company), {"name": "Acme\tLtd", "description": "Kept"}, headers=htmx_headers
        )
        assert r.status_code == 200
        page = r.content.decode()
        assert page.lstrip().startswith('<section id="company-details"')
        assert "<form" in page
        assert '<div role="alert"><ul class="field-errors">' in page
        assert "U+0009 (control character)" in page
        assert ">\nKept</textarea>" in page
        company.refresh_from_db()
        assert company.name == "Platypus Properties"

    def test_it_shows_errors_without_htmx(self, manager_client, company):
        r = manager_client.post(edit_url(company), {"name": "a" * 256, "description": ""})
        assert r.status_code == 400
        page = r.content.decode()
        assert "<html" in page
        assert "at most 255 characters (it has 256)" in page
        # The page still shows the company as it is saved.
        assert "<title>Platypus Properties · Causeway</title>" in page
        company.refresh_from_db()
        assert company.name == "Platypus Properties"

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "This field is required."),
            ({"name": "   "}, "Enter a company name."),
            ({"name": "<script>"}, "“&lt;”, “&gt;”"),
            ({"name": "Acme\x00"}, "U+0000"),
            ({"name": "Acme", "description": "\x00"}, "Null characters are not allowed."),
            ({"name": "Acme", "description": "d" * 4001}, "at most 4000 characters"),
        ],
    )
    def test_it_refuses_bad_input(self, manager_client, company, htmx_headers, data, message):
        for headers in (None, htmx_headers):
            r = manager_client.post(edit_url(company), data, headers=headers)
            assert r.status_code == (200 if headers else 400)
            assert message in r.content.decode()
        company.refresh_from_db()
        assert company.name == "Platypus Properties"
        assert company.description == "Platypuses are venomous mammals"

    def test_it_requires_login(self, client, company):
        r = client.post(edit_url(company), {"name": "Acme"})
        assert r.status_code == 302
        assert r.url.startswith("/login/")
        company.refresh_from_db()
        assert company.name == "Platypus Properties"

    @pytest.mark.parametrize("user_client", ["viewer_client", "outsider_client"])
    def test_it_checks_permission(self, request, user_client, company, htmx_headers):
        client = request.getfixturevalue(user_client)
        for headers in (None, htmx_headers):
            r = client.post(edit_url(company), {"name": "Acme"}, headers=headers)
            assert r.status_code == 403
        company.refresh_from_db()
        assert company.name == "Platypus Properties"

    def test_it_rejects_other_methods(self, manager_client, company):
        assert manager_client.put(edit_url(company)).status_code == 405
        assert manager_client.delete(edit_url(company)).status_code == 405


def test_the_edit_page_without_htmx_still_shows_the_whole_company(manager_client, company):
    body = manager_client.get(f"/companies/{company.id}/edit/").content.decode()
    assert 'name="name"' in body
    assert "/link/" in body  # the Link URL
    assert "Created the company" in body  # the activity log


def test_two_partial_updates_do_not_undo_each_other(company):
    from companies.models import Company

    stale = Company.objects.get(pk=company.pk)  # loaded before the first update lands
    services.company_update(company=company, name="Echidna Estates")
    services.company_update(company=stale, description="New words")
    company.refresh_from_db()
    assert (company.name, company.description) == ("Echidna Estates", "New words")
