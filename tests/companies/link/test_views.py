from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from companies.models import ActivityEntry, DataConnection, LinkSettings
from tests.support import answer, choose, csrf_token, page_of, path_of

pytestmark = pytest.mark.django_db

START_HEADING = "Connect the financial platforms of Platypus Properties"


class TestLinkStart:
    def test_it_shows_who_asks_the_company_and_the_platforms(self, end_user, link_path, company):
        response = end_user.get(link_path)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Causeway" in body
        assert company.name in body
        for name in ("Xero", "QuickBooks Online", "Sage Business Cloud Accounting", "FreeAgent"):
            assert name in body

    def test_the_filter_box_narrows_the_platforms(self, end_user, link_path):
        body = page_of(end_user.get(link_path + "?_filter=quick"), START_HEADING)
        assert "QuickBooks Online" in body
        assert "FreeAgent" not in body

    def test_it_marks_platforms_already_linked(self, end_user, link_path, company):
        DataConnection.objects.create(
            company=company, platform="xero", source_type="Accounting", status="Linked"
        )
        body = end_user.get(link_path).content.decode()
        assert re.search(
            r"Xero</span>\s*<span[^>]*>Accounting · <span class=\"badge status-linked\">Linked",
            body,
        )


class TestJourney:
    def test_allow_links_and_redirects_with_placeholders(
        self, end_user, link_path, company, redirect_settings
    ):
        chosen = choose(end_user, link_path + "?customerId=cust%20123%26x", "xero")
        assert chosen.status_code == 302
        connection = DataConnection.objects.get(company=company, platform="xero")
        assert connection.status == "PendingAuth"

        consent = end_user.get(chosen["Location"])
        assert consent.status_code == 200
        assert b"Xero" in consent.content and b"Sandbox" in consent.content

        done = answer(end_user, chosen["Location"], "allow")
        assert done.status_code == 302
        url = urlsplit(done["Location"])
        assert (url.scheme, url.netloc, url.path) == ("https", "example.com", "/linked")
        query = parse_qs(url.query, keep_blank_values=True)
        assert query["company"] == [str(company.id)]
        assert query["connection"] == [str(connection.id)]
        assert query["platform"] == ["xero"]
        assert query["name"] == ["Xero"]
        assert query["type"] == ["Accounting"]
        assert query["status"] == ["200"]
        assert query["error"] == [""]
        assert query["customer"] == ["cust 123&x"]
        connection.refresh_from_db()
        assert connection.status == "Linked"
        assert connection.linked_at is not None

    def test_cancel_stays_pending_and_says_so(
        self, end_user, link_path, company, redirect_settings
    ):
        chosen = choose(end_user, link_path, "sage")
        done = answer(end_user, chosen["Location"], "cancel")
        query = parse_qs(urlsplit(done["Location"]).query, keep_blank_values=True)
        assert query["status"] == ["403"]
        assert query["error"] == ["User cancelled."]
        assert query["customer"] == [""]  # no custom value on the Link URL
        connection = DataConnection.objects.get(company=company, platform="sage")
        assert connection.status == "PendingAuth"

    def test_a_simulated_platform_error_redirects_with_500(
        self, end_user, link_path, company, redirect_settings
    ):
        chosen = choose(end_user, link_path, "freeagent")
        done = answer(end_user, chosen["Location"], "error")
        query = parse_qs(urlsplit(done["Location"]).query)
        assert query["status"] == ["500"]
        assert "FreeAgent" in query["error"][0]
        connection = DataConnection.objects.get(company=company, platform="freeagent")
        assert connection.error_status_code == 500

    def test_without_a_redirect_url_it_says_close_the_window(self, end_user, link_path, company):
        chosen = choose(end_user, link_path, "xero")
        done = answer(end_user, chosen["Location"], "allow")
        assert done.status_code == 302
        page = end_user.get(done["Location"])
        assert b"You can close this window" in page.content
        assert b"Xero is connected" in page.content

    def test_the_consent_post_is_single_use(self, end_user, link_path, company):
        chosen = choose(end_user, link_path, "xero")
        page = end_user.get(chosen["Location"])
        token = csrf_token(page)
        first = end_user.post(chosen["Location"], {"choice": "allow", "csrfmiddlewaretoken": token})
        replay = end_user.post(
            chosen["Location"], {"choice": "cancel", "csrfmiddlewaretoken": token}
        )
        assert first.status_code == 302
        assert replay.status_code == 409
        assert b"already answered" in replay.content
        assert DataConnection.objects.get(company=company).status == "Linked"

    def test_two_tabs_leave_one_connection(self, end_user, link_path, company):
        first = choose(end_user, link_path, "xero")
        second = choose(end_user, link_path, "xero")
        assert first["Location"] != second["Location"]
        answer(end_user, first["Location"], "allow")
        answer(end_user, second["Location"], "allow")
        assert DataConnection.objects.filter(company=company, platform="xero").count() == 1

    def test_the_consent_post_needscsrf_token(self, end_user, link_path):
        chosen = choose(end_user, link_path, "xero")
        response = end_user.post(chosen["Location"], {"choice": "allow"})
        assert response.status_code == 403

    def test_an_unknown_platform_is_a_clear_400(self, end_user, link_path):
        page = end_user.get(link_path)
        response = end_user.post(
            f"{link_path}platforms/nope/", {"csrfmiddlewaretoken": csrf_token(page)}
        )
        assert response.status_code == 400
        assert b"Unknown platform" in response.content

    def test_the_activity_log_names_the_end_user(self, end_user, link_path, company):
        chosen = choose(end_user, link_path, "xero")
        answer(end_user, chosen["Location"], "allow")
        entry = ActivityEntry.objects.filter(company=company).first()
        assert entry.message == "Linked Xero."
        assert entry.actor_label == "End user via Link"

    def test_a_redirect_url_saved_with_user_info_still_gives_a_valid_form_action(
        self, end_user, link_path
    ):
        # Saved before such URLs were refused: the consent page's policy must still let the
        # Allow form end on the business's host.
        LinkSettings.objects.filter(pk=LinkSettings.load().pk).update(
            redirect_url_template="http://user@example.com/cb"
        )
        chosen = choose(end_user, link_path, "xero")
        csp = end_user.get(chosen["Location"])["Content-Security-Policy"]
        form_action = re.search(r"form-action ([^;]*)", csp).group(1)
        assert "http://example.com" in form_action.split()
        assert "@" not in form_action

    def test_a_bad_custom_parameter_is_a_clear_400(self, end_user, link_path):
        response = end_user.get(link_path + "?bad%20name=1")
        assert response.status_code == 400
        assert b"not a parameter name" in response.content
        response = end_user.get(link_path + "?customerId=" + "x" * 600)
        assert response.status_code == 400


class TestConnectionLinkUrl:
    def test_a_connections_link_url_offers_just_its_platform(self, api, company, end_user):
        created = api.post(f"/api/companies/{company.id}/connections", {"platformKey": "sage"})
        assert created.status_code == 201
        body = page_of(end_user.get(path_of(created.json()["linkUrl"])), START_HEADING)
        assert "Sage Business Cloud Accounting" in body
        assert "Xero" not in body and "FreeAgent" not in body


class TestErrorPagesLeadSomewhere:
    def test_an_invalid_link_says_who_to_ask_and_links_back(self, end_user, redirect_settings):
        page = page_of(end_user.get("/link/not-a-token/"), "This link is not valid", status=400)
        assert "ask Causeway, who sent you this one" in page
        assert (
            '<a class="button" href="https://example.com">Back to https://example.com</a>' in page
        )

    def test_without_a_redirect_url_there_is_no_way_back_to_offer(self, end_user, db):
        page = page_of(end_user.get("/link/not-a-token/"), "This link is not valid", status=400)
        assert "ask Causeway" in page
        assert "Back to" not in page
