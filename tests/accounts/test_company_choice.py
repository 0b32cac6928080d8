"""The new-account form's company field: an autocomplete as staff type, and without
JavaScript a name or id that the server resolves, listing the matches when it cannot."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from accounts.models import PayrollAccount
from companies import services
from tests.support import page_of

pytestmark = pytest.mark.django_db

OPTIONS = "/accounts/company-options/"


def options_in(html: str) -> list[str]:
    option = r'<li id="company-option-\d+" role="option"[^>]*data-company-name="([^"]*)"'
    return re.findall(option, html)


def form_data(**changes) -> dict:
    return {
        "company": "",
        "payroll_provider": "quickbooks",
        "user_name": "john.smith@company.com",
        "password": "very-secret-password",
        **changes,
    }


@pytest.fixture
def wombats(db) -> list:
    return [services.company_create(name=f"Wombat Works {n:02}") for n in range(15)]


class TestAutocomplete:
    def test_it_offers_matching_companies_by_name(self, manager_client, company, wombats):
        r = manager_client.get(OPTIONS, {"company": "platyp"}, headers={"HX-Request": "true"})
        assert r.status_code == 200
        html = r.content.decode()
        assert options_in(html) == ["Platypus Properties"]
        assert f'data-company-id="{company.id}"' in html
        assert "1 match." in html

    def test_it_shows_the_newest_ten_by_name(self, manager_client, wombats):
        html = manager_client.get(OPTIONS, {"company": "wombat"}).content.decode()
        assert options_in(html) == [f"Wombat Works {n:02}" for n in range(5, 15)]
        assert "The 10 newest matches: type more of the name to narrow them." in html

    def test_a_pasted_id_finds_its_company(self, manager_client, company, wombats):
        html = manager_client.get(OPTIONS, {"company": str(company.id)}).content.decode()
        assert options_in(html) == ["Platypus Properties"]
        # Each option tells companies of one name apart by the start of its id.
        assert f'<code class="small-id">{str(company.id)[:8]}…</code></li>' in html

    def test_it_says_when_nothing_matches(self, manager_client, company):
        html = manager_client.get(OPTIONS, {"company": "zebra"}).content.decode()
        assert options_in(html) == []
        assert "No company’s name contains “zebra”." in html

    def test_an_empty_field_offers_nothing(self, manager_client, company):
        html = manager_client.get(OPTIONS, {"company": "  "}).content.decode()
        assert options_in(html) == [] and "match" not in html

    def test_names_are_escaped(self, manager_client, db):
        services.company_create(name="Smith & O'Brien")
        html = manager_client.get(OPTIONS, {"company": "smith"}).content.decode()
        assert 'data-company-name="Smith &amp; O&#x27;Brien"' in html

    def test_the_query_count_does_not_grow(
        self, manager_client, wombats, django_assert_num_queries
    ):
        # session, user, its permissions (two), the matches; on PostgreSQL the planner's two
        # estimates that choose the index (companies.queries, as for the companies table)
        with django_assert_num_queries(7 if connection.vendor == "postgresql" else 5):
            manager_client.get(OPTIONS, {"company": "wombat"})

    def test_it_requires_login(self, client):
        assert client.get(OPTIONS, {"company": "a"}).status_code == 302

    def test_it_requires_the_add_permission(self, viewer_client, company):
        assert viewer_client.get(OPTIONS, {"company": "platyp"}).status_code == 403

    def test_it_rejects_post(self, manager_client, company):
        assert manager_client.post(OPTIONS, {"company": "platyp"}).status_code == 405


class TestCompanyResolution:
    def test_the_company_chosen_in_the_autocomplete(self, manager_client, company, wombats):
        data = form_data(company="Platypus Properties", company_id=str(company.id))
        r = manager_client.post("/accounts/create/", data)
        assert r.status_code == 302
        assert PayrollAccount.objects.get().company == company

    @pytest.mark.parametrize("typed", ["platypus  PROPERTIES", "Platypus Properties "])
    def test_a_whole_name_typed_without_javascript(self, manager_client, company, typed):
        assert manager_client.post("/accounts/create/", form_data(company=typed)).status_code == 302
        assert PayrollAccount.objects.get().company == company

    def test_a_pasted_id(self, manager_client, company):
        r = manager_client.post("/accounts/create/", form_data(company=str(company.id)))
        assert r.status_code == 302
        assert PayrollAccount.objects.get().company == company

    def test_part_of_a_name_lists_the_matches_to_choose_from(self, manager_client, wombats):
        r = manager_client.post("/accounts/create/", form_data(company="wombat works 0"))
        html = page_of(r, "Payroll accounts", status=400)
        assert "No company is named exactly “wombat works 0”" in html
        assert "Companies matching “wombat works 0”" in html
        choices = re.findall(r'<input type="radio" name="company_id" value="([^"]+)">', html)
        assert choices == [str(c.id) for c in wombats[:10]]  # all ten match "wombat works 0"
        assert not PayrollAccount.objects.exists()
        # The password is never sent back: the user types it again, and chooses.
        assert "very-secret-password" not in html
        again = form_data(company="wombat works 0", company_id=choices[3])
        assert manager_client.post("/accounts/create/", again).status_code == 302
        assert PayrollAccount.objects.get().company == wombats[3]

    def test_several_companies_with_the_name_are_listed(self, manager_client, company):
        twin = services.company_create(name="Platypus Properties")
        r = manager_client.post("/accounts/create/", form_data(company="Platypus Properties"))
        html = page_of(r, "Payroll accounts", status=400)
        assert "2 companies are named “Platypus Properties”: choose one below." in html
        assert f'value="{company.id}"' in html and f'value="{twin.id}"' in html

    def test_a_name_no_company_has(self, manager_client, company):
        r = manager_client.post("/accounts/create/", form_data(company="Zebra"))
        html = page_of(r, "Payroll accounts", status=400)
        assert "No company’s name contains “Zebra”. Check the spelling" in html
        assert 'type="radio"' not in html

    def test_text_edited_after_choosing_is_resolved_again(self, manager_client, company, wombats):
        """A company picked, then the text changed to another name: the text wins."""
        data = form_data(company="Wombat Works 07", company_id=str(company.id))
        assert manager_client.post("/accounts/create/", data).status_code == 302
        assert PayrollAccount.objects.get().company == wombats[7]

    def test_an_empty_field_asks_for_a_company(self, manager_client, company):
        r = manager_client.post("/accounts/create/", form_data())
        assert "Choose a company" in page_of(r, "Payroll accounts", status=400)
