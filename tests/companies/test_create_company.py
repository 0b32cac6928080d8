"""Creating a company from the table page: POST /companies/create/, with and without HTMX."""

from __future__ import annotations

import re

import pytest

from companies.models import Company
from tests.support import page_of

URL = "/companies/create/"


def name_input(page: str) -> str:
    match = re.search(r'<input type="text" name="name"[^>]*>', page)
    assert match, "no name input"
    return match.group(0)


class TestCreateCompany:
    def test_it_works(self, manager_client, manager):
        r = manager_client.post(URL, {"name": "Zürich Café", "description": "Coffee"})
        company = Company.objects.get()
        assert r.status_code == 302
        assert r.url == f"/companies/{company.id}/"
        assert company.name == "Zürich Café"
        assert company.description == "Coffee"
        assert company.created_by == manager

        page = manager_client.get(r.url).content.decode()
        assert "Created company “Zürich Café”." in page
        assert '<h1 id="company-name">Zürich Café</h1>' in page

    def test_it_works_with_htmx(self, manager_client, htmx_headers):
        r = manager_client.post(
            URL, {"name": "Zürich Café", "description": "Coffee"}, headers=htmx_headers
        )
        assert r.status_code == 200
        company = Company.objects.get()
        page = r.content.decode()
        assert "<html" not in page
        # The form comes back cleared, ready for the next company.
        assert page.lstrip().startswith('<form id="create-company"')
        assert "value=" not in name_input(page)
        assert "Coffee" not in page.split("</form>")[0]
        assert "field-errors" not in page
        # The new row goes on top of the table, out of band.
        oob = re.search(
            r'<tbody hx-swap-oob="afterbegin:#company-rows">\s*(<tr id="company-([^"]+)".*?</tr>)'
            r"\s*</tbody>",
            page,
            re.S,
        )
        assert oob, "no out-of-band row"
        row = oob.group(1)
        assert oob.group(2) == str(company.id)
        assert f'<a href="/companies/{company.id}/">Zürich Café</a>' in row
        assert f'data-copy="{company.id}"' in row
        assert '<span class="muted">None</span>' in row
        assert f'hx-post="/companies/{company.id}/delete/"' in row
        # Said to screen readers, in the live region that stays in the page.
        assert (
            '<p id="table-announcement" class="visually-hidden" role="status" '
            'hx-swap-oob="innerHTML">Created company “Zürich Café”. 1 company.</p>'
        ) in page

    def test_the_new_row_is_the_table_row(self, manager_client, htmx_headers):
        manager_client.post(URL, {"name": "Acme"}, headers=htmx_headers)
        r = manager_client.post(URL, {"name": "Bravo"}, headers=htmx_headers)
        created_row = re.search(r"<tr .*?</tr>", r.content.decode(), re.S).group(0)
        table = manager_client.get("/companies/", headers=htmx_headers).content.decode()
        assert created_row.replace(" is-new", "") in table

    def test_it_counts_the_table_without_reading_it(
        self, manager_client, htmx_headers, django_assert_max_num_queries
    ):
        for n in range(30):
            manager_client.post(URL, {"name": f"Company {n}"}, headers=htmx_headers)
        # The count above the table (on PostgreSQL its estimate first), the new row's
        # connections (read once, for the company.created event and the row), the check for
        # a company of the same name, the event (and on PostgreSQL the company's row lock and
        # the planner's estimate): no page of rows.
        with django_assert_max_num_queries(19) as queries:
            r = manager_client.post(URL, {"name": "Acme"}, headers=htmx_headers)
        assert "31 companies" in r.content.decode()
        sql = [q["sql"] for q in queries.captured_queries]
        assert not [q for q in sql if "ORDER BY" in q and "companies_company" in q]
        assert len([q for q in sql if "companies_dataconnection" in q]) == 1

    def test_the_form_opens_on_demand(self, manager_client, company):
        page = page_of(manager_client.get("/companies/"), "Companies")
        assert '<details class="create-disclosure">' in page
        assert '<summary class="button primary">New company</summary>' in page
        assert '<form id="create-company"' in page

    def test_the_form_is_open_when_it_has_errors(self, manager_client):
        page = page_of(manager_client.post(URL, {"name": "Acme/Partners"}), "Companies", status=400)
        assert '<details class="create-disclosure" open>' in page

    def test_the_empty_table_counts_the_first_company(self, manager_client, htmx_headers):
        headers = {**htmx_headers, "HX-Current-URL": "http://testserver/companies/"}
        r = manager_client.post(URL, {"name": "Acme"}, headers=headers)
        body = r.content.decode()
        summary = re.search(r'<p class="table-summary"[^>]*>(.*?)</p>', body, re.S)
        assert " ".join(summary.group(1).split()) == "1 company"
        # The page's "No companies yet." row is hidden by the stylesheet once a row is in.
        assert 'class="company-row is-new"' in body

    def test_the_description_is_optional(self, manager_client):
        r = manager_client.post(URL, {"name": "Acme"})
        assert r.status_code == 302
        assert Company.objects.get().description == ""

    def test_names_need_not_be_unique(self, manager_client, company):
        # Once the warning about the same name has been answered (see below).
        r = manager_client.post(URL, {"name": company.name, "create_anyway": "True"})
        assert r.status_code == 302
        assert Company.objects.filter(name=company.name).count() == 2

    def test_it_trims_the_name(self, manager_client, htmx_headers):
        manager_client.post(URL, {"name": "  Acme Ltd.  "}, headers=htmx_headers)
        assert Company.objects.get().name == "Acme Ltd."

    def test_it_shows_errors_inline(self, manager_client):
        r = manager_client.post(URL, {"name": "Acme/Partners", "description": "Kept"})
        assert r.status_code == 400
        page = r.content.decode()
        # The whole table page, with the form and its error in place.
        assert "<h1>Companies</h1>" in page
        assert 'id="companies-table"' in page
        assert "characters that are not allowed: “/”" in page
        assert 'value="Acme/Partners"' in name_input(page)
        assert ">\nKept</textarea>" in page
        assert not Company.objects.exists()

    def test_it_shows_errors_inline_with_htmx(self, manager_client, htmx_headers):
        r = manager_client.post(
            URL, {"name": "<b>Acme</b>", "description": "Kept"}, headers=htmx_headers
        )
        # 200 so that htmx swaps the form in; the form itself says what is wrong.
        assert r.status_code == 200
        page = r.content.decode()
        assert page.lstrip().startswith('<form id="create-company"')
        assert "<html" not in page
        assert "hx-swap-oob" not in page
        assert '<div role="alert"><ul class="field-errors">' in page
        assert "characters that are not allowed: “&lt;”, “&gt;”, “/”" in page
        assert 'value="&lt;b&gt;Acme&lt;/b&gt;"' in name_input(page)
        assert ">\nKept</textarea>" in page
        assert not Company.objects.exists()

    def test_the_error_page_links_back_to_the_table(self, manager_client, company):
        # After a failed plain POST the address is /companies/create/; sorting and paging
        # from that page must still lead to the table, not to the create endpoint.
        page = page_of(manager_client.post(URL, {"name": ""}), "Companies", status=400)
        assert 'href="/companies/?sort=name"' in page
        assert 'href="?' not in page
        assert 'action="/companies/"' in page

    def test_it_requires_login(self, client, db):
        r = client.post(URL, {"name": "Acme"})
        assert r.status_code == 302
        assert r.url == "/login/?next=/companies/create/"
        assert not Company.objects.exists()

    @pytest.mark.parametrize("user_client", ["viewer_client", "outsider_client"])
    def test_it_checks_permission(self, db, request, user_client, htmx_headers):
        client = request.getfixturevalue(user_client)
        for headers in (None, htmx_headers):
            r = client.post(URL, {"name": "Acme"}, headers=headers)
            assert r.status_code == 403
        assert not Company.objects.exists()

    def test_it_rejects_get(self, manager_client):
        r = manager_client.get(URL)
        assert r.status_code == 405


class TestCreateCompanyWithBadInput:
    """Whatever arrives, the answer is a form error or a 400, never a 500."""

    @pytest.fixture(params=[False, True], ids=["plain", "htmx"])
    def headers(self, request, htmx_headers):
        return htmx_headers if request.param else None

    def _assert_refused(self, r, headers, *messages):
        assert r.status_code == (200 if headers else 400)
        page = r.content.decode()
        for message in messages:
            assert message in page
        assert not Company.objects.exists()

    def test_missing_fields(self, manager_client, headers):
        r = manager_client.post(URL, {}, headers=headers)
        self._assert_refused(r, headers, "This field is required.")

    def test_nul_in_the_name(self, manager_client, headers):
        r = manager_client.post(URL, {"name": "Acme\x00Ltd"}, headers=headers)
        self._assert_refused(r, headers, "U+0000 (control character)")

    def test_nul_in_the_description(self, manager_client, headers):
        r = manager_client.post(URL, {"name": "Acme", "description": "a\x00b"}, headers=headers)
        self._assert_refused(r, headers, "Null characters are not allowed.")

    def test_a_huge_name(self, manager_client, headers):
        r = manager_client.post(URL, {"name": "a" * 100_000}, headers=headers)
        self._assert_refused(r, headers, "at most 255 characters (it has 100000)")

    def test_a_huge_description(self, manager_client, headers):
        r = manager_client.post(
            URL, {"name": "Acme", "description": "a" * 100_000}, headers=headers
        )
        self._assert_refused(r, headers, "at most 4000 characters (it has 100000)")

    def test_a_body_over_the_upload_limit(self, manager_client, headers):
        r = manager_client.post(
            URL, {"name": "Acme", "description": "a" * 2_000_000}, headers=headers
        )
        assert r.status_code == 400
        assert not Company.objects.exists()

    def test_a_list_of_names(self, manager_client, headers):
        r = manager_client.post(URL, {"name": ["Acme", "<b>"]}, headers=headers)
        self._assert_refused(r, headers, "“&lt;”")

    def test_json_instead_of_a_form(self, manager_client, headers):
        r = manager_client.post(
            URL, '{"name": "Acme"}', content_type="application/json", headers=headers
        )
        self._assert_refused(r, headers, "This field is required.")


def test_htmx_create_updates_the_count_of_the_table_on_the_page(
    manager_client, company, htmx_headers
):
    headers = {**htmx_headers, "HX-Current-URL": "http://testserver/companies/?q=Acme"}
    r = manager_client.post("/companies/create/", {"name": "Acme Partners"}, headers=headers)
    body = r.content.decode()
    summary = re.search(r'<p class="table-summary" id="table-summary"[^>]*>(.*?)</p>', body, re.S)
    assert 'hx-swap-oob="true"' in summary.group(0)
    assert " ".join(summary.group(1).split()) == "1 company matches “Acme”"


@pytest.mark.django_db
class TestSameNameAsAnExistingCompany:
    """Codat's guide: a second company for the same customer costs more. The portal asks."""

    def test_it_warns_and_links_to_the_existing_company(self, manager_client, company):
        page = page_of(manager_client.post(URL, {"name": "  platypus   PROPERTIES "}), "Companies")
        assert "already exists" in page
        assert '<details class="create-disclosure" open>' in page
        assert f'href="/companies/{company.id}/"' in page
        assert "Create another anyway" in page
        assert Company.objects.count() == 1

    def test_create_anyway_creates_the_second(self, manager_client, company):
        warned = page_of(manager_client.post(URL, {"name": "Platypus Properties"}), "Companies")
        assert 'name="create_anyway" value="True"' in warned
        created = manager_client.post(URL, {"name": "Platypus Properties", "create_anyway": "True"})
        assert created.status_code == 302
        assert Company.objects.filter(name="Platypus Properties").count() == 2

    def test_with_htmx_the_form_shows_the_warning(self, manager_client, company, htmx_headers):
        response = manager_client.post(URL, {"name": "PLATYPUS PROPERTIES"}, headers=htmx_headers)
        assert response.status_code == 200
        fragment = response.content.decode()
        assert fragment.lstrip().startswith('<form id="create-company"')
        assert "already exists" in fragment
        assert Company.objects.count() == 1

    def test_the_api_creates_without_asking(self, api, company):
        response = api.post("/api/companies", {"name": "Platypus Properties"})
        assert response.status_code == 201
        assert Company.objects.count() == 2
