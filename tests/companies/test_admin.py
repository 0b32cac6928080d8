"""Django admin for companies and their connections, used by a superuser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies import services
from companies.models import ActivityEntry, Company, DataConnection
from tests.support import page_of

CHANGELIST = "/admin/companies/company/"
CHANGELIST_HEADING = "Select company to change"
Status = DataConnection.Status


def change_url(company: Company) -> str:
    return f"{CHANGELIST}{company.pk}/change/"


@pytest.fixture
def bakery(db) -> Company:
    return services.company_create(name="Bravo Bakery", description="Bread and buns")


class TestCompanyChangelist:
    def test_it_works(self, admin_client, company, make_connection):
        make_connection(company, platform="xero")
        make_connection(company, platform="sage", status=Status.DEAUTHORIZED)

        r = admin_client.get(CHANGELIST)
        assert r.status_code == 200
        page = r.content.decode()
        assert "Platypus Properties" in page
        assert str(company.id) in page
        # The connection count column.
        assert '<td class="field-connection_count">2</td>' in page

    def test_it_requires_login(self, client, company):
        r = client.get(CHANGELIST)
        assert r.status_code == 302
        assert r["Location"].startswith("/admin/login/")

    def test_it_searches_by_name(self, admin_client, company, bakery):
        page = page_of(admin_client.get(CHANGELIST, {"q": "platypus"}), CHANGELIST_HEADING)
        assert "Platypus Properties" in page
        assert "Bravo Bakery" not in page

    def test_it_finds_a_pasted_id(self, admin_client, company, bakery):
        r = admin_client.get(CHANGELIST, {"q": f"  {company.id}  "})
        assert r.status_code == 200
        assert "Platypus Properties" in r.content.decode()
        assert "Bravo Bakery" not in r.content.decode()

    @pytest.mark.parametrize("term", ["not-a-uuid", "1234", "0000-zzzz", "%", "'; DROP TABLE x;"])
    def test_it_survives_any_search_term(self, admin_client, company, term):
        r = admin_client.get(CHANGELIST, {"q": term})
        page = page_of(r, CHANGELIST_HEADING)
        assert r.context["cl"].result_count == 0
        assert "Platypus Properties" not in page

    def test_it_refuses_a_nul_in_the_search(self, admin_client, company):
        r = admin_client.get(CHANGELIST, {"q": "Platypus\x00"})
        assert r.status_code == 200
        assert "Null characters are not allowed." in r.content.decode()

    def test_it_filters_by_connection_status(self, admin_client, company, bakery, make_connection):
        make_connection(company, platform="xero", status=Status.LINKED)
        make_connection(bakery, platform="xero", status=Status.DEAUTHORIZED)

        r = admin_client.get(CHANGELIST, {"connection_status": Status.DEAUTHORIZED})
        page = page_of(r, CHANGELIST_HEADING)
        assert "Bravo Bakery" in page
        assert "Platypus Properties" not in page
        assert r.context["cl"].result_count == 1

        r = admin_client.get(CHANGELIST, {"connection_status": Status.PENDING_AUTH})
        page = page_of(r, CHANGELIST_HEADING)
        assert r.context["cl"].result_count == 0
        assert "Bravo Bakery" not in page
        assert "Platypus Properties" not in page

    def test_it_filters_by_created(self, admin_client, company, bakery):
        long_ago = timezone.now() - timedelta(days=400)
        Company.objects.filter(pk=bakery.pk).update(created=long_ago)
        # What the "Past 7 days" link sends.
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        r = admin_client.get(
            CHANGELIST,
            {
                "created__gte": str(today - timedelta(days=7)),
                "created__lt": str(today + timedelta(days=1)),
            },
        )
        page = page_of(r, CHANGELIST_HEADING)
        assert "Platypus Properties" in page
        assert "Bravo Bakery" not in page

        r = admin_client.get(CHANGELIST)
        assert "Past 7 days" in r.content.decode()
        assert "Bravo Bakery" in r.content.decode()

    def test_its_query_count_does_not_grow_with_rows(self, admin_client, make_connection):
        def changelist_queries() -> int:
            with CaptureQueriesContext(db_connection) as queries:
                assert admin_client.get(CHANGELIST).status_code == 200
            return len(queries)

        first = services.company_create(name="First")
        make_connection(first, platform="xero")
        one_row = changelist_queries()

        for number in range(30):
            company = services.company_create(name=f"Company {number}")
            make_connection(company, platform="xero")
            make_connection(company, platform="sage", status=Status.UNLINKED)
        assert changelist_queries() == one_row


class TestCompanyChangePage:
    def test_it_shows_connections_inline(self, admin_client, company, make_connection):
        linked = make_connection(company, platform="xero", status=Status.LINKED)
        make_connection(company, platform="sage", status=Status.DEAUTHORIZED)

        r = admin_client.get(change_url(company))
        assert r.status_code == 200
        page = r.content.decode()
        assert 'id="connections-group"' in page
        assert 'name="connections-TOTAL_FORMS" value="2"' in page
        assert str(linked.id) in page
        assert "Deauthorized" in page
        # Shown, not editable: changes go through Link, the company page or the actions.
        assert 'name="connections-1-status"' not in page

    def test_its_id_is_read_only(self, admin_client, company):
        page = page_of(admin_client.get(change_url(company)), "Change company")
        assert '<div class="form-row field-id">' in page
        assert f'<div class="readonly">{company.id}</div>' in page
        assert 'name="id"' not in page

    def test_adding_goes_through_the_service(self, admin_client, admin_user):
        r = admin_client.post(
            f"{CHANGELIST}add/",
            {
                "name": "Quokka Quarries",
                "description": "",
                "connections-TOTAL_FORMS": "0",
                "connections-INITIAL_FORMS": "0",
            },
        )
        assert r.status_code == 302
        company = Company.objects.get(name="Quokka Quarries")
        assert r["Location"] == f"{CHANGELIST}"
        assert company.created_by == admin_user
        entry = ActivityEntry.objects.filter(company=company, action="company.created").get()
        assert entry.actor_user == admin_user

    def test_editing_records_activity(self, admin_client, admin_user, company):
        r = admin_client.post(
            change_url(company),
            {
                "name": "Platypus Holdings",
                "description": "Renamed",
                "connections-TOTAL_FORMS": "0",
                "connections-INITIAL_FORMS": "0",
            },
        )
        assert r.status_code == 302
        company.refresh_from_db()
        assert company.name == "Platypus Holdings"
        entry = ActivityEntry.objects.filter(company=company, action="company.updated").get()
        assert entry.actor_user == admin_user

    def test_it_refuses_a_forbidden_name(self, admin_client, company):
        r = admin_client.post(
            change_url(company),
            {
                "name": "<script>",
                "description": "",
                "connections-TOTAL_FORMS": "0",
                "connections-INITIAL_FORMS": "0",
            },
        )
        assert r.status_code == 200
        assert "characters that are not allowed" in r.content.decode()
        company.refresh_from_db()
        assert company.name == "Platypus Properties"

    def test_it_404s_for_unknown_ids(self, admin_client, db):
        r = admin_client.get(f"{CHANGELIST}not-a-uuid/change/", follow=True)
        assert r.status_code == 200  # admin redirects to its index with a message
        assert "doesn’t exist" in r.content.decode()


class TestCompanyDelete:
    def test_it_works(self, admin_client, company, make_connection):
        make_connection(company, platform="xero")

        r = admin_client.get(f"{CHANGELIST}{company.pk}/delete/")
        assert r.status_code == 200
        assert "Platypus Properties" in r.content.decode()

        r = admin_client.post(f"{CHANGELIST}{company.pk}/delete/", {"post": "yes"})
        assert r.status_code == 302
        assert not Company.objects.filter(pk=company.pk).exists()
        assert not DataConnection.objects.filter(company_id=company.pk).exists()

    def test_the_bulk_action_works(self, admin_client, company, bakery, make_connection):
        make_connection(company, platform="xero")

        r = admin_client.post(
            CHANGELIST,
            {
                "action": "delete_selected",
                "_selected_action": [str(company.pk), str(bakery.pk)],
                "post": "yes",
            },
        )
        assert r.status_code == 302
        assert not Company.objects.exists()
        assert not DataConnection.objects.exists()


class TestDataConnectionAdmin:
    def test_changelist_works(self, admin_client, company, make_connection):
        make_connection(company, platform="xero", status=Status.LINKED)
        make_connection(company, platform="sage", status=Status.UNLINKED)

        r = admin_client.get("/admin/companies/dataconnection/")
        assert r.status_code == 200
        page = r.content.decode()
        assert "Platypus Properties" in page
        assert "Unlinked" in page

    def test_it_filters_by_status(self, admin_client, company, make_connection):
        make_connection(company, platform="xero", status=Status.LINKED)
        unlinked = make_connection(company, platform="sage", status=Status.UNLINKED)

        r = admin_client.get("/admin/companies/dataconnection/", {"status__exact": "Unlinked"})
        assert r.status_code == 200
        assert r.context["cl"].result_count == 1
        assert list(r.context["cl"].result_list) == [unlinked]

    def test_change_page_works(self, admin_client, company, make_connection):
        connection = make_connection(company, platform="xero")

        r = admin_client.get(f"/admin/companies/dataconnection/{connection.pk}/change/")
        assert r.status_code == 200
        assert f'<div class="readonly">{connection.id}</div>' in r.content.decode()
