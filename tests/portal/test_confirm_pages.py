"""Without JavaScript, an action the page asks about first (`hx-confirm`) asks on a page of its
own: the form's POST shows the question, and only the confirm page's POST does it."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from accounts.models import PayrollAccount
from companies.link.tokens import link_url_for
from companies.models import DataConnection
from portal.models import ApiKey
from portal.services import api_key_create
from portal.webhooks import services as webhook_services
from portal.webhooks.models import Endpoint
from tests.support import make_account, page_of, path_of

pytestmark = pytest.mark.django_db


def _linked(company) -> DataConnection:
    return DataConnection.objects.create(
        company=company, platform="xero", source_type="Accounting", status="Linked"
    )


def _connection_action(company, action: str, status: str):
    connection = _linked(company)
    url = f"/companies/{company.id}/connections/{connection.id}/{action}/"
    return url, lambda: DataConnection.objects.get(pk=connection.pk).status == status


def _unlink(company):
    return _connection_action(company, "unlink", "Unlinked")


def _deauthorize(company):
    return _connection_action(company, "deauthorize", "Deauthorized")


def _revoke_link_urls(company):
    old = path_of(link_url_for(company))
    return f"/companies/{company.id}/link-url/revoke/", lambda: Client().get(old).status_code == 410


def _disconnect(company):
    account = make_account(company, status="CONNECTED")
    url = f"/accounts/{account.account_id}/disconnect/"
    return url, lambda: PayrollAccount.objects.get(pk=account.pk).status == "DISCONNECTED"


def _revoke_api_key(company):
    key, _ = api_key_create(name="sign-up service")
    url = f"/settings/api-keys/{key.id}/revoke/"
    return url, lambda: ApiKey.objects.get(pk=key.pk).revoked_at is not None


def _rotate_secret(company):
    endpoint, _ = webhook_services.endpoint_create(url="https://hooks.example.com/in")
    before = endpoint.secret_ciphertext
    url = f"/settings/webhooks/{endpoint.id}/rotate-secret/"
    return url, lambda: Endpoint.objects.get(pk=endpoint.pk).secret_ciphertext != before


def _delete_endpoint(company):
    endpoint, _ = webhook_services.endpoint_create(url="https://hooks.example.com/in")
    url = f"/settings/webhooks/{endpoint.id}/delete/"
    return url, lambda: not Endpoint.objects.filter(pk=endpoint.pk).exists()


ACTIONS = {
    "unlink": (_unlink, "Unlink Xero from “Platypus Properties”?", "Unlink"),
    "revoke at platform": (
        _deauthorize,
        "Sandbox control: make Xero withdraw access?",
        "Revoke at platform",
    ),
    "revoke Link URLs": (
        _revoke_link_urls,
        "Revoke every Link URL issued so far for “Platypus Properties”?",
        "Revoke Link URLs",
    ),
    "disconnect payroll": (
        _disconnect,
        "Disconnect this QuickBooks Payroll account?",
        "Disconnect",
    ),
    "revoke API key": (_revoke_api_key, "Revoke the API key “sign-up service”?", "Revoke"),
    "rotate webhook secret": (
        _rotate_secret,
        "Rotate the signing secret of https://hooks.example.com/in?",
        "Rotate secret",
    ),
    "delete webhook endpoint": (
        _delete_endpoint,
        "Delete the endpoint for https://hooks.example.com/in and its deliveries?",
        "Delete endpoint",
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_without_javascript_the_action_asks_on_a_page_first(manager_client, company, action):
    prepare, question, button = ACTIONS[action]
    url, done = prepare(company)
    referer = "http://testserver/somewhere/"

    asked = manager_client.post(url, {"note": "kept"}, headers={"Referer": referer})
    page = unescape(page_of(asked, f"{button}?"))
    assert f"<p>{question}" in page
    assert not done(), "the first POST only asks"
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S)
    assert form.group(1) == url
    assert '<input type="hidden" name="note" value="kept">' in form.group(2)
    assert '<input type="hidden" name="confirmed" value="yes">' in form.group(2)
    assert f'<button type="submit" class="button danger">{button}</button>' in form.group(2)
    assert f'<a class="button" href="{referer}">Cancel</a>' in form.group(2)

    answered = manager_client.post(url, {"note": "kept", "confirmed": "yes"})
    assert answered.status_code == 302
    assert done()


def test_cancel_never_leads_to_another_site(manager_client, company):
    url, done = _unlink(company)
    asked = manager_client.post(url, headers={"Referer": "https://evil.example/"})
    page = page_of(asked, "Unlink?")
    assert '<a class="button" href="/">Cancel</a>' in page
    assert not done()


def test_with_htmx_the_dialog_has_asked_already(manager_client, company, htmx_headers):
    url, done = _unlink(company)
    assert manager_client.post(url, headers=htmx_headers).status_code == 200
    assert done()


def test_the_permission_comes_before_the_question(viewer_client, company):
    url, done = _unlink(company)
    assert viewer_client.post(url).status_code == 403
    assert not done()


def test_an_unknown_id_is_404_not_a_question(manager_client, company):
    assert manager_client.post(f"/settings/webhooks/{company.id}/delete/").status_code == 404
