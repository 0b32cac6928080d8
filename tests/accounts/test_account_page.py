"""An account's page: its status, the HTMX MFA code form (also a plain form), the actions."""

from __future__ import annotations

import uuid

import pytest

from accounts import services
from accounts.models import PayrollAccount
from tests.support import fragment_of, make_account, page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(company) -> PayrollAccount:
    account = make_account(company, user_name="john.smith+sms@company.com")
    return services.account_verify(account_id=account.account_id)


class TestPage:
    def test_it_works(self, viewer_client, company):
        account = make_account(company, status="CONNECTED")
        r = viewer_client.get(f"/accounts/{account.account_id}/")
        assert r.status_code == 200
        html = r.content.decode()
        assert "QuickBooks Payroll account john.smith@company.com" in html
        assert f"<code>{account.account_id}</code>" in html
        assert f'<a href="/companies/{company.id}/">Platypus Properties</a>' in html
        assert (
            '<span id="account-status-badge">'
            '<span class="badge tone-ok" title="API status: CONNECTED">Linked</span> '
            '<code class="status-code">CONNECTED</code></span>' in html
        )
        assert "Stored encrypted; never shown" in html
        assert "Not pulled yet" in html

    def test_an_oauth_account_shows_no_user_name_or_password(self, viewer_client, company):
        account = make_account(company, provider="gusto")
        html = page_of(viewer_client.get(f"/accounts/{account.account_id}/"), "Gusto account")
        assert "(OAuth2 consent)" in html
        assert "<dt>User name</dt>" not in html and "<dt>Password</dt>" not in html

    def test_a_pending_account_refreshes_its_status(self, viewer_client, company, htmx_headers):
        account = make_account(company)
        html = viewer_client.get(f"/accounts/{account.account_id}/").content.decode()
        assert 'hx-trigger="load delay:2s"' in html
        services.account_verify(account_id=account.account_id)
        fragment = viewer_client.get(f"/accounts/{account.account_id}/", headers=htmx_headers)
        html = fragment_of(fragment, "account-status")
        assert ">CONNECTED</code>" in html
        assert "hx-trigger" not in html  # done: it stops asking

    def test_an_unknown_account_is_a_404(self, viewer_client):
        assert viewer_client.get(f"/accounts/{uuid.uuid4()}/").status_code == 404

    def test_it_requires_login(self, client, company):
        account = make_account(company)
        assert client.get(f"/accounts/{account.account_id}/").status_code == 302

    def test_an_outsider_is_refused(self, outsider_client, company):
        account = make_account(company)
        assert outsider_client.get(f"/accounts/{account.account_id}/").status_code == 403


class TestMfaForm:
    def test_it_is_shown_while_a_code_is_needed(self, manager_client, waiting):
        html = manager_client.get(f"/accounts/{waiting.account_id}/").content.decode()
        assert 'id="mfa-form"' in html
        assert f'hx-post="/accounts/{waiting.account_id}/mfa/"' in html
        assert "asks for a code sent by SMS" in html

    def test_a_viewer_sees_no_form_and_may_not_post(self, viewer_client, waiting):
        html = page_of(
            viewer_client.get(f"/accounts/{waiting.account_id}/"),
            "QuickBooks Payroll account john.smith+sms@company.com",
        )
        assert ">MFA_REQUIRED</code>" in html  # the state in which a manager gets the form
        assert 'id="mfa-form"' not in html
        r = viewer_client.post(f"/accounts/{waiting.account_id}/mfa/", {"code": "123456"})
        assert r.status_code == 403

    def test_htmx_the_right_code_swaps_in_connected(self, manager_client, waiting, htmx_headers):
        r = manager_client.post(
            f"/accounts/{waiting.account_id}/mfa/", {"code": "123456"}, headers=htmx_headers
        )
        assert r.status_code == 200
        html = r.content.decode()
        assert html.lstrip().startswith('<section id="account-status"')
        assert ">CONNECTED</code>" in html
        assert "QuickBooks Payroll accepted the code." in html  # the message, out of band
        assert 'id="mfa-form"' not in html

    def test_htmx_a_wrong_code_shows_the_error_in_place(
        self, manager_client, waiting, htmx_headers
    ):
        r = manager_client.post(
            f"/accounts/{waiting.account_id}/mfa/", {"code": "111111"}, headers=htmx_headers
        )
        assert r.status_code == 200  # htmx swaps only 2xx responses
        html = r.content.decode()
        assert "QuickBooks Payroll refused the code. 2 tries left." in html
        assert ">MFA_REQUIRED</code>" in html
        assert 'id="mfa-form"' in html

    def test_htmx_the_last_wrong_code_shows_invalid_credentials(
        self, manager_client, waiting, htmx_headers
    ):
        for _ in range(3):
            r = manager_client.post(
                f"/accounts/{waiting.account_id}/mfa/", {"code": "1"}, headers=htmx_headers
            )
        html = r.content.decode()
        assert ">INVALID_CREDENTIALS</code>" in html
        assert "Too many wrong MFA codes. Sign in again." in html

    def test_without_javascript_the_right_code_redirects(self, manager_client, waiting):
        r = manager_client.post(f"/accounts/{waiting.account_id}/mfa/", {"code": "123456"})
        assert r.status_code == 302
        assert r["Location"] == f"/accounts/{waiting.account_id}/"
        page = manager_client.get(r["Location"]).content.decode()
        assert "QuickBooks Payroll accepted the code." in page
        assert ">CONNECTED</code>" in page

    def test_without_javascript_a_wrong_code_shows_the_page_again(self, manager_client, waiting):
        r = manager_client.post(f"/accounts/{waiting.account_id}/mfa/", {"code": "111111"})
        assert r.status_code == 400
        html = r.content.decode()
        assert "<h1" in html
        assert "2 tries left." in html

    def test_an_empty_code_is_required(self, manager_client, waiting):
        r = manager_client.post(f"/accounts/{waiting.account_id}/mfa/", {"code": ""})
        assert r.status_code == 400
        assert "This field is required." in r.content.decode()
        waiting.refresh_from_db()
        assert waiting.mfa_attempts == 0

    def test_a_code_for_an_account_not_waiting_says_why(self, manager_client, company):
        account = make_account(company, status="CONNECTED")
        r = manager_client.post(
            f"/accounts/{account.account_id}/mfa/", {"code": "123456"}, follow=True
        )
        assert r.redirect_chain == [(f"/accounts/{account.account_id}/", 302)]
        assert "Only an account in MFA_REQUIRED takes a code; this one is CONNECTED." in (
            r.content.decode()
        )

    def test_it_rejects_get(self, manager_client, waiting):
        assert manager_client.get(f"/accounts/{waiting.account_id}/mfa/").status_code == 405


class TestActions:
    def test_disconnect(self, manager_client, company):
        account = make_account(company, status="CONNECTED")
        r = manager_client.post(
            f"/accounts/{account.account_id}/disconnect/", {"confirmed": "yes"}, follow=True
        )
        html = r.content.decode()
        assert "Disconnected the QuickBooks Payroll account" in html
        assert ">DISCONNECTED</code>" in html
        account.refresh_from_db()
        assert account.status == "DISCONNECTED"

    def test_disconnect_says_why_it_cannot(self, manager_client, company):
        account = make_account(company)
        r = manager_client.post(
            f"/accounts/{account.account_id}/disconnect/", {"confirmed": "yes"}, follow=True
        )
        assert "Only a CONNECTED account can be disconnected; this one is PENDING." in (
            r.content.decode()
        )

    def test_a_viewer_may_not_disconnect(self, viewer_client, company):
        account = make_account(company, status="CONNECTED")
        assert viewer_client.post(f"/accounts/{account.account_id}/disconnect/").status_code == 403

    def test_renew_the_authorization_url(self, manager_client, company, htmx_headers):
        account = make_account(company, provider="gusto")
        r = manager_client.post(
            f"/accounts/{account.account_id}/authorization-url/", headers=htmx_headers
        )
        old = account.authorization_url
        account.refresh_from_db()
        assert account.authorization_url != old
        assert account.authorization_url.replace("&", "&amp;") in r.content.decode()
