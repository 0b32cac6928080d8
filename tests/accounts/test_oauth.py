"""OAuth2 providers (Gusto): the authorization URL, the sandbox consent page and the callback,
whose signed state works once and expires; forged, replayed and expired states get a page."""

from __future__ import annotations

import re
import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts import oauth, providers, services
from accounts.models import PayrollAccount
from accounts.providers import Auth, PayrollProvider
from tests.support import STAFF, make_account, path_of, run_worker

pytestmark = pytest.mark.django_db


def _csrf(response) -> str:
    return (
        re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
        .group(1)
        .decode()
    )


def consent(end_user, authorization_url: str, choice: str = "allow"):
    """Open the provider's consent page and answer it; returns the redirect to the callback."""
    page = end_user.get(path_of(authorization_url))
    assert page.status_code == 200, page.content
    return end_user.post(
        path_of(authorization_url), {"choice": choice, "csrfmiddlewaretoken": _csrf(page)}
    )


def state_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["state"][0]


@pytest.fixture
def gusto(company) -> PayrollAccount:
    return make_account(company, provider="gusto")


class TestConsentPage:
    def test_it_shows_the_provider_the_company_and_the_scopes(self, end_user, gusto, company):
        page = end_user.get(path_of(gusto.authorization_url))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Gusto" in html and "Sandbox" in html
        assert f"read the payroll of {company.name} on Gusto" in html
        assert "Pay runs and pay stubs" in html
        assert 'value="allow"' in html and 'value="cancel"' in html

    def test_allow_answers_the_callback_with_a_code(self, end_user, gusto):
        answer = consent(end_user, gusto.authorization_url)
        assert answer.status_code == 302
        url = urlsplit(answer["Location"])
        assert f"{url.scheme}://{url.netloc}{url.path}" == oauth.callback_url()
        query = parse_qs(url.query)
        assert query["state"] == [state_of(gusto.authorization_url)]
        assert len(query["code"][0]) == 64

    def test_it_needs_the_csrf_token(self, end_user, gusto):
        end_user.get(path_of(gusto.authorization_url))
        answer = end_user.post(path_of(gusto.authorization_url), {"choice": "allow"})
        assert answer.status_code == 403

    def test_it_refuses_an_unregistered_redirect_url(self, end_user, gusto):
        path = path_of(gusto.authorization_url).replace(
            "redirect_url=http", "redirect_url=https%3A%2F%2Fevil.example%2F%3Fx%3Dhttp"
        )
        page = end_user.get(path)
        assert page.status_code == 400
        assert b"redirect_url is not registered" in page.content

    def test_an_unknown_or_password_provider_has_no_consent_page(self, end_user, gusto):
        for key in ("nope", "quickbooks"):
            path = path_of(gusto.authorization_url).replace("/gusto/", f"/{key}/")
            assert end_user.get(path).status_code == 404

    def test_a_state_for_another_provider_is_refused(self, end_user, gusto):
        # The same state on another OAuth2 provider's page: it issued no such request.
        other = PayrollProvider(key="other-oauth", name="Other", auth=Auth.OAUTH2, colour="#000000")
        with mock.patch.dict(providers._registry, {other.key: other}):
            path = path_of(gusto.authorization_url).replace("/gusto/", f"/{other.key}/")
            assert end_user.get(path).status_code == 410


class TestCallback:
    def test_allow_connects_the_account(self, end_user, gusto, company):
        done = end_user.get(path_of(consent(end_user, gusto.authorization_url)["Location"]))
        assert done.status_code == 200
        assert b"Gusto is connected" in done.content
        assert b"You can close this window" in done.content
        gusto.refresh_from_db()
        assert gusto.status == "CONNECTED"
        assert gusto.connected_at is not None
        assert gusto.authorization_url == ""  # spent
        entry = company.activity.filter(action="payroll.oauth_connected").get()
        assert entry.actor_label == "End user via Link"

    def test_a_replayed_callback_is_refused(self, end_user, gusto):
        callback = path_of(consent(end_user, gusto.authorization_url)["Location"])
        assert end_user.get(callback).status_code == 200
        replay = end_user.get(callback)
        assert replay.status_code == 409
        assert b"already used" in replay.content
        gusto.refresh_from_db()
        assert gusto.status == "CONNECTED"

    def test_the_consent_page_of_a_used_state_says_so(self, end_user, gusto):
        end_user.get(path_of(consent(end_user, gusto.authorization_url)["Location"]))
        again = end_user.get(path_of(gusto.authorization_url))
        assert again.status_code == 409
        assert b"already used" in again.content

    def test_a_wrong_code_is_refused_and_the_state_survives(self, end_user, gusto):
        state = state_of(gusto.authorization_url)
        forged = end_user.get("/accounts/oauth/callback/", {"state": state, "code": "0" * 64})
        assert forged.status_code == 400
        assert b"not valid" in forged.content
        gusto.refresh_from_db()
        assert gusto.status == "PENDING"
        done = end_user.get(path_of(consent(end_user, gusto.authorization_url)["Location"]))
        assert done.status_code == 200

    @pytest.mark.parametrize(
        "state",
        [
            "",
            "garbage",
            "eyJhIjoiMDAwIn0:1vNnR4:forged-signature",
            "x" * 5000,
            "\x00",
        ],
    )
    def test_a_forged_state_gets_a_clear_page(self, end_user, gusto, state):
        for path in ("/accounts/oauth/callback/", path_of(gusto.authorization_url)):
            response = end_user.get(
                path.split("?")[0],
                {
                    "state": state,
                    "code": "x",
                    "redirect_url": oauth.callback_url(),
                },
            )
            assert response.status_code == 400
            assert b"This authorization request is not valid" in response.content

    def test_a_tampered_state_is_refused(self, end_user, gusto):
        state = state_of(gusto.authorization_url)
        other = make_account(gusto.company, provider="gusto")
        # Its payload swapped for another account's, signature kept.
        tampered = state_of(other.authorization_url).split(":")[0] + ":" + state.split(":", 1)[1]
        response = end_user.get("/accounts/oauth/callback/", {"state": tampered, "code": "x"})
        assert response.status_code == 400

    def test_an_expired_state_gets_a_clear_page(self, end_user, company):
        issued = time.time() - oauth.STATE_MAX_AGE.total_seconds() - 60
        with mock.patch("django.core.signing.time.time", return_value=issued):
            account = make_account(company, provider="gusto")
        page = end_user.get(path_of(account.authorization_url))
        assert page.status_code == 400
        assert b"This authorization request has expired" in page.content
        state = state_of(account.authorization_url)
        callback = end_user.get(
            "/accounts/oauth/callback/",
            {"state": state, "code": oauth.code_for(account.oauth_nonce)},
        )
        assert callback.status_code == 400
        assert b"has expired" in callback.content
        account.refresh_from_db()
        assert account.status == "PENDING"

    def test_a_state_just_inside_its_lifetime_works(self, end_user, company):
        issued = time.time() - oauth.STATE_MAX_AGE.total_seconds() + 60
        with mock.patch("django.core.signing.time.time", return_value=issued):
            account = make_account(company, provider="gusto")
        done = end_user.get(path_of(consent(end_user, account.authorization_url)["Location"]))
        assert done.status_code == 200

    def test_a_deleted_account_gets_a_clear_page(self, end_user, gusto):
        callback = path_of(consent(end_user, gusto.authorization_url)["Location"])
        services.account_delete(account=gusto, actor=STAFF)
        response = end_user.get(callback)
        assert response.status_code == 410
        assert b"no longer exists" in response.content


class TestCancel:
    def test_cancel_leaves_it_pending_with_a_fresh_url(self, end_user, gusto):
        answer = consent(end_user, gusto.authorization_url, "cancel")
        assert parse_qs(urlsplit(answer["Location"]).query)["error"] == ["access_denied"]
        page = end_user.get(path_of(answer["Location"]))
        assert page.status_code == 200
        assert b"Gusto was not connected" in page.content
        old_url = gusto.authorization_url
        gusto.refresh_from_db()
        assert gusto.status == "PENDING"
        assert gusto.authorization_url and gusto.authorization_url != old_url
        # The old request is spent; the new one connects.
        assert end_user.get(path_of(old_url)).status_code == 409
        done = end_user.get(path_of(consent(end_user, gusto.authorization_url)["Location"]))
        assert b"Gusto is connected" in done.content

    def test_a_simulated_provider_error_is_reported(self, end_user, gusto):
        answer = consent(end_user, gusto.authorization_url, "error")
        page = end_user.get(path_of(answer["Location"]))
        assert b"Gusto could not be connected" in page.content
        gusto.refresh_from_db()
        assert gusto.status == "PENDING"
        assert gusto.status_message == "Gusto could not complete the authorization."


class TestRenew:
    def test_a_new_authorization_url_retires_the_old_one(self, end_user, gusto):
        old_url = gusto.authorization_url
        renewed = services.account_renew_authorization(account=gusto, actor=STAFF)
        assert renewed.authorization_url != old_url
        assert end_user.get(path_of(old_url)).status_code == 409
        assert end_user.get(path_of(renewed.authorization_url)).status_code == 200

    def test_only_a_pending_oauth_account_has_one(self, company):
        with pytest.raises(services.AccountStateError):
            services.account_renew_authorization(account=make_account(company), actor=STAFF)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_once_connected_the_worker_pulls_the_payroll(end_user, company):
    account = make_account(company, provider="gusto")
    end_user.get(path_of(consent(end_user, account.authorization_url)["Location"]))
    run_worker()
    account.refresh_from_db()
    assert account.status == "CONNECTED"
    assert account.latest_pay_date is not None
