"""Payroll providers in the hosted Link flow: the end user signs in on our page (and gives the
MFA code), or consents at an OAuth2 provider, then lands on the business's redirect URL."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.models import PayrollAccount
from companies import services as company_services
from companies.models import ActivityEntry
from tests.support import (
    SAMPLE_PASSWORD,
    csrf_token,
    fragment_of,
    make_account,
    next_step_of_choice,
    page_of,
    path_of,
)

pytestmark = pytest.mark.django_db

CUSTOM = "?customerId=cust%20123%26x"


def choose(end_user, link_path: str, provider: str) -> str:
    """Choose a payroll provider in Link: the URL of the step it leads to (a sign-in page,
    or an OAuth2 provider's consent page)."""
    response = next_step_of_choice(end_user, link_path, provider)
    if response.status_code == 302:
        return response["Location"]
    assert response.status_code == 200
    return response.wsgi_request.get_full_path()


def submit(end_user, path: str, data: dict, button: str | None = None):
    """Post the step's form as its submit button would: `button` names a button's
    `formaction` target (e.g. "cancel"); by default the form's own action."""
    page = end_user.get(path)
    html = page.content.decode()
    if button:
        action = re.search(rf'formaction="([^"]*/{button}/[^"]*)"', html).group(1)
    else:
        action = re.search(r'<form method="post" action="([^"]*)"', html).group(1) or path
    return end_user.post(
        action.replace("&amp;", "&"), {**data, "csrfmiddlewaretoken": csrf_token(page)}
    )


def sign_in(end_user, path: str, user_name: str, password: str = SAMPLE_PASSWORD):
    return submit(end_user, path, {"user_name": user_name, "password": password})


def redirect_query(response) -> dict[str, str]:
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert (url.scheme, url.netloc, url.path) == ("https", "example.com", "/linked")
    return {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}


class TestChooser:
    def test_it_offers_the_payroll_providers_marked_payroll(self, end_user, link_path):
        html = end_user.get(link_path).content.decode()
        for name in ("QuickBooks Payroll", "Gusto", "ADP Workforce Now", "Paychex Flex"):
            assert re.search(
                rf'<span class="platform-name">{name}</span>\s*<span id="payroll-\w+-type" '
                r'class="muted"><span class="source-payroll">Payroll</span>',
                html,
            ), name
        assert f'<form method="get" action="{link_path}payroll/quickbooks/">' in html
        assert "Xero" in html  # the accounting platforms are still there

    def test_the_filter_box_finds_payroll_providers(self, end_user, link_path, htmx_headers):
        r = end_user.get(link_path + "?_filter=pay", headers=htmx_headers)
        html = fragment_of(r, "platform-list")
        assert "Paychex Flex" in html and "QuickBooks Payroll" in html
        assert "Xero" not in html and "Gusto" not in html

    def test_it_marks_connected_providers(self, end_user, link_path, company):
        make_account(company, status="CONNECTED")
        html = end_user.get(link_path).content.decode()
        assert re.search(
            r'QuickBooks Payroll</span>\s*<span[^>]*><span class="source-payroll">Payroll</span> · '
            r'<span class="badge status-linked">Connected</span>',
            html,
        )

    def test_an_unknown_provider_gets_a_page(self, end_user, link_path):
        r = end_user.get(f"{link_path}payroll/nope/")
        assert r.status_code == 404
        assert b"Unknown provider" in r.content


class TestCredentialProvider:
    def test_good_credentials_connect_and_redirect(
        self, end_user, link_path, company, redirect_settings
    ):
        chosen = choose(end_user, link_path + CUSTOM, "quickbooks")
        assert chosen == f"{link_path}payroll/quickbooks/?customerId=cust+123%26x"
        assert not PayrollAccount.objects.exists()  # nothing until the user signs in

        page = end_user.get(chosen)
        html = page.content.decode()
        assert "Sign in to QuickBooks Payroll" in html
        assert 'type="password"' in html

        done = sign_in(end_user, chosen, "john.smith@company.com")
        account = PayrollAccount.objects.get()
        assert redirect_query(done) == {
            "company": str(company.id),
            "connection": str(account.account_id),
            "platform": "quickbooks",
            "name": "QuickBooks Payroll",
            "type": "Payroll",
            "status": "200",
            "error": "",
            "customer": "cust 123&x",
        }
        assert account.status == "CONNECTED"
        assert account.get_password().reveal() == "very-secret-password"
        assert account.link_params == {"customerId": "cust 123&x"}
        assert (
            ActivityEntry.objects.get(action="payroll.created").actor_label == "End user via Link"
        )

    def test_mfa_then_the_right_code(self, end_user, link_path, company, redirect_settings):
        chosen = choose(end_user, link_path + CUSTOM, "adp")
        signed_in = sign_in(end_user, chosen, "john.smith+mfa@company.com")
        account = PayrollAccount.objects.get()
        assert account.status == "MFA_REQUIRED"  # verified at once, not left to the worker
        step = signed_in["Location"]
        assert step == f"{link_path}payroll/accounts/{account.account_id}/?customerId=cust+123%26x"

        html = end_user.get(step).content.decode()
        assert "Enter your ADP Workforce Now code" in html
        assert "authenticator app" in html
        assert 'autocomplete="one-time-code"' in html

        wrong = submit(end_user, step, {"code": "000000"})
        assert wrong.status_code == 400
        assert "ADP Workforce Now refused the code. 2 tries left." in wrong.content.decode()

        done = submit(end_user, step, {"code": "123456"})
        query = redirect_query(done)
        assert (query["status"], query["connection"], query["type"]) == (
            "200",
            str(account.account_id),
            "Payroll",
        )
        assert query["customer"] == "cust 123&x"
        account.refresh_from_db()
        assert account.status == "CONNECTED"

    def test_an_sms_user_is_told_to_look_at_their_phone(self, end_user, link_path):
        chosen = choose(end_user, link_path, "paychex")
        step = sign_in(end_user, chosen, "jo+sms@company.com")["Location"]
        assert "sent a code by text message" in end_user.get(step).content.decode()

    def test_a_wrong_password_asks_again_on_the_same_account(
        self, end_user, link_path, redirect_settings
    ):
        chosen = choose(end_user, link_path, "quickbooks")
        refused = sign_in(end_user, chosen, "john", password="wrong-password")
        step = refused["Location"]
        html = page_of(end_user.get(step), "Sign in to QuickBooks Payroll")
        assert "did not accept the user name or password" in html
        assert 'value="john"' in html  # the user name is kept, the password is not
        assert not re.search(r'<input type="password"[^>]*value=', html)

        done = sign_in(end_user, step, "john", password="the-right-one")
        assert redirect_query(done)["status"] == "200"
        account = PayrollAccount.objects.get()
        assert account.status == "CONNECTED"
        assert account.get_password().reveal() == "the-right-one"

    def test_too_many_wrong_codes_ask_to_sign_in_again(self, end_user, link_path):
        chosen = choose(end_user, link_path, "quickbooks")
        step = sign_in(end_user, chosen, "x+mfa@company.com")["Location"]
        for _ in range(3):
            r = submit(end_user, step, {"code": "1"})
        assert r.status_code == 400
        for page in (r.content.decode(), end_user.get(step).content.decode()):
            assert "Too many wrong MFA codes. Sign in again." in page
            assert "Sign in to QuickBooks Payroll" in page

    def test_cancel_before_signing_in_redirects_with_403(
        self, end_user, link_path, company, redirect_settings
    ):
        chosen = choose(end_user, link_path + CUSTOM, "quickbooks")
        r = submit(end_user, chosen, {}, button="cancel")
        assert redirect_query(r) == {
            "company": str(company.id),
            "connection": "",
            "platform": "quickbooks",
            "name": "QuickBooks Payroll",
            "type": "Payroll",
            "status": "403",
            "error": "User cancelled.",
            "customer": "cust 123&x",
        }
        assert not PayrollAccount.objects.exists()

    def test_cancel_at_the_mfa_step_keeps_the_account_waiting(
        self, end_user, link_path, redirect_settings
    ):
        chosen = choose(end_user, link_path, "quickbooks")
        step = sign_in(end_user, chosen, "x+mfa@company.com")["Location"]
        query = redirect_query(submit(end_user, step, {}, button="cancel"))
        account = PayrollAccount.objects.get()
        assert (query["status"], query["connection"]) == ("403", str(account.account_id))
        assert account.status == "MFA_REQUIRED"

    def test_a_missing_password_is_explained(self, end_user, link_path):
        chosen = choose(end_user, link_path, "quickbooks")
        r = submit(end_user, chosen, {"user_name": "john"})
        assert r.status_code == 400
        assert "This field is required." in r.content.decode()
        assert not PayrollAccount.objects.exists()

    def test_without_a_redirect_url_it_says_close_the_window(self, end_user, link_path):
        chosen = choose(end_user, link_path, "quickbooks")
        done = sign_in(end_user, chosen, "john")
        assert done.status_code == 302
        page = end_user.get(done["Location"]).content.decode()
        assert "QuickBooks Payroll is connected" in page
        assert "You can close this window" in page

    def test_a_replayed_code_changes_nothing(self, end_user, link_path):
        chosen = choose(end_user, link_path, "quickbooks")
        step = sign_in(end_user, chosen, "x+mfa@company.com")["Location"]
        page = end_user.get(step)
        token = csrf_token(page)
        mfa = re.search(r'<form method="post" action="([^"]*)"', page.content.decode()).group(1)
        end_user.post(mfa, {"code": "123456", "csrfmiddlewaretoken": token})
        replay = end_user.post(mfa, {"code": "000000", "csrfmiddlewaretoken": token})
        assert replay.status_code == 302  # back to the account's page, which says connected
        account = PayrollAccount.objects.get()
        assert (account.status, account.mfa_attempts) == ("CONNECTED", 0)

    def test_the_forms_need_the_csrf_token(self, end_user, link_path):
        r = end_user.post(f"{link_path}payroll/quickbooks/", {"user_name": "a", "password": "b"})
        assert r.status_code == 403

    def test_the_page_allows_the_form_to_end_on_the_redirect_url(
        self, end_user, link_path, redirect_settings
    ):
        chosen = choose(end_user, link_path, "quickbooks")
        csp = end_user.get(chosen)["Content-Security-Policy"]
        assert re.search(r"form-action 'self' http://127.0.0.1:8000 https://example.com", csp)


class TestWhoSeesWhat:
    def test_an_account_the_business_created_is_not_shown_through_link(
        self, end_user, link_path, company
    ):
        account = make_account(company, status="MFA_REQUIRED")
        r = end_user.get(f"{link_path}payroll/accounts/{account.account_id}/")
        assert r.status_code == 404

    def test_another_companys_account_is_not_found(self, end_user, link_path):
        other = company_services.company_create(name="Wombat Works")
        from companies.link.tokens import link_url_for

        other_path = path_of(link_url_for(other))
        chosen = choose(end_user, other_path, "quickbooks")
        step = sign_in(end_user, chosen, "x+mfa@company.com")["Location"]
        account_id = step.rstrip("/").split("/")[-1]
        assert end_user.get(f"{link_path}payroll/accounts/{account_id}/").status_code == 404

    def test_a_bad_token_gets_the_link_error_page(self, end_user):
        r = end_user.get("/link/not-a-token/payroll/quickbooks/")
        assert r.status_code == 400
        assert b"This link is not valid" in r.content

    def test_an_oauth_provider_has_no_password_page(self, end_user, link_path):
        assert end_user.get(f"{link_path}payroll/gusto/").status_code == 404


class TestOAuthProvider:
    def test_it_goes_through_the_consent_page_and_back(
        self, end_user, link_path, company, redirect_settings
    ):
        chosen = choose(end_user, link_path + CUSTOM, "gusto")
        account = PayrollAccount.objects.get()
        assert chosen == account.authorization_url
        assert account.link_params == {"customerId": "cust 123&x"}

        answer = submit(end_user, path_of(chosen), {"choice": "allow"})
        done = end_user.get(path_of(answer["Location"]))
        assert redirect_query(done) == {
            "company": str(company.id),
            "connection": str(account.account_id),
            "platform": "gusto",
            "name": "Gusto",
            "type": "Payroll",
            "status": "200",
            "error": "",
            "customer": "cust 123&x",
        }
        account.refresh_from_db()
        assert account.status == "CONNECTED"

    @pytest.mark.parametrize(
        ("choice", "status", "error"),
        [
            ("cancel", "403", "User cancelled."),
            ("error", "500", "Gusto could not complete the authorization."),
        ],
    )
    def test_cancel_and_errors_redirect_with_their_code(
        self, end_user, link_path, redirect_settings, choice, status, error
    ):
        chosen = choose(end_user, link_path, "gusto")
        answer = submit(end_user, path_of(chosen), {"choice": choice})
        query = redirect_query(end_user.get(path_of(answer["Location"])))
        assert (query["status"], query["error"]) == (status, error)
        assert PayrollAccount.objects.get().status == "PENDING"

    def test_choosing_again_reuses_the_unfinished_account(self, end_user, link_path):
        first = choose(end_user, link_path, "gusto")
        second = choose(end_user, link_path + "?customerId=again", "gusto")
        account = PayrollAccount.objects.get()
        assert first != second == account.authorization_url
        assert account.link_params == {"customerId": "again"}
        assert end_user.get(path_of(first)).status_code == 409  # the first request is retired

    def test_without_a_redirect_url_it_says_close_the_window(self, end_user, link_path):
        chosen = choose(end_user, link_path, "gusto")
        answer = submit(end_user, path_of(chosen), {"choice": "allow"})
        page = end_user.get(path_of(answer["Location"]))
        assert b"Gusto is connected" in page.content
        assert b"You can close this window" in page.content
