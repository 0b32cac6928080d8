from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from companies import services
from companies.activity import Actor
from companies.link.tokens import issue_link_url, link_url_for
from companies.models import Company, LinkSettings
from tests.support import path_of

pytestmark = pytest.mark.django_db


def url_read_at(company: Company, when: datetime) -> str:
    """The Link URL someone read at `when` (the company existed by then)."""
    Company.objects.filter(pk=company.pk).update(link_issued_at=min(company.link_issued_at, when))
    company.refresh_from_db()
    with mock.patch("companies.link.tokens.timezone.now", return_value=when):
        return path_of(link_url_for(company))


def set_lifetime(days: int | None) -> None:
    link_settings = LinkSettings.load()
    link_settings.link_lifetime_days = days
    link_settings.save()


class TestLinkUrl:
    def test_it_is_built_on_the_public_base_url(self, company, settings):
        settings.PUBLIC_BASE_URL = "https://link.example.com"
        assert link_url_for(company).startswith("https://link.example.com/link/")

    def test_it_names_the_company(self, end_user, company, link_path):
        assert company.name.encode() in end_user.get(link_path).content

    def test_it_expires_after_the_configured_lifetime(self, end_user, company):
        old = url_read_at(company, timezone.now() - timedelta(days=8))
        response = end_user.get(old)
        assert response.status_code == 410
        assert b"This link has expired" in response.content

    def test_it_works_until_the_end_of_its_lifetime(self, end_user, company):
        assert (
            end_user.get(url_read_at(company, timezone.now() - timedelta(days=6))).status_code
            == 200
        )

    def test_the_lifetime_comes_from_link_settings(self, end_user, company):
        set_lifetime(30)
        assert (
            end_user.get(url_read_at(company, timezone.now() - timedelta(days=8))).status_code
            == 200
        )

    def test_a_url_read_now_works_however_old_the_company(self, end_user, company):
        url_read_at(company, timezone.now() - timedelta(days=400))
        assert end_user.get(path_of(link_url_for(company))).status_code == 200
        expires = issue_link_url(company).expires_at
        assert timedelta(days=7) - timedelta(seconds=2) < expires - timezone.now()
        assert expires - timezone.now() <= timedelta(days=7)

    def test_with_no_lifetime_urls_never_expire(self, end_user, company):
        set_lifetime(None)
        old = url_read_at(company, timezone.now() - timedelta(days=4000))
        assert end_user.get(old).status_code == 200
        assert issue_link_url(company).expires_at is None

    def test_with_no_lifetime_the_company_keeps_one_url(self, company):
        set_lifetime(None)
        first = url_read_at(company, timezone.now() - timedelta(days=30))
        assert path_of(link_url_for(company)) == first

    def test_revoking_kills_every_url_issued_so_far(self, end_user, company, manager):
        old = path_of(link_url_for(company))
        services.link_urls_revoke(company=company, actor=Actor.staff(manager))
        response = end_user.get(old)
        assert response.status_code == 410
        assert b"withdrawn" in response.content
        assert end_user.get(path_of(link_url_for(company))).status_code == 200

    def test_revoking_kills_urls_that_never_expire(self, end_user, company, manager):
        set_lifetime(None)
        old = path_of(link_url_for(company))
        services.link_urls_revoke(company=company, actor=Actor.staff(manager))
        assert end_user.get(old).status_code == 410
        new = path_of(link_url_for(company))
        assert new != old
        assert end_user.get(new).status_code == 200

    def test_a_new_url_leaves_the_old_one_working(self, end_user, company, manager):
        old = url_read_at(company, timezone.now() - timedelta(days=1))
        services.link_url_renew(company=company, actor=Actor.staff(manager))
        assert path_of(link_url_for(company)) != old
        assert end_user.get(old).status_code == 200

    def test_urls_keep_the_format_django_signing_gave_them(self, end_user, company, settings):
        # URLs already sent out were signed with Django's Signer: they must still open, and
        # a URL issued now is the very one the Signer would have made.
        set_lifetime(None)
        value = f"{company.id.hex}.{company.link_version}.{int(company.link_issued_at.timestamp())}"
        token = signing.Signer(salt="causeway.link-url").sign(value)
        assert link_url_for(company) == f"{settings.PUBLIC_BASE_URL}/link/{token}/"
        assert end_user.get(f"/link/{token}/").status_code == 200

    def test_urls_signed_with_a_retired_secret_key_still_open(self, end_user, company, settings):
        old = path_of(link_url_for(company))
        settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
        settings.SECRET_KEY = "a new secret key, at least fifty characters long, rotated"
        assert end_user.get(old).status_code == 200
        assert path_of(link_url_for(company)) != old
        assert end_user.get(path_of(link_url_for(company))).status_code == 200

    def test_a_tampered_token_is_refused(self, end_user, link_path):
        tampered = link_path.replace("/link/", "/link/0", 1)
        response = end_user.get(tampered)
        assert response.status_code == 400
        assert b"This link is not valid" in response.content

    @pytest.mark.parametrize("token", ["garbage", "a" * 500, "abc:def", "%00", "1.2.3:xyz", "..:"])
    def test_malformed_tokens_get_a_friendly_page(self, end_user, token):
        response = end_user.get(f"/link/{token}/")
        assert response.status_code == 400
        assert b"This link is not valid" in response.content

    def test_a_deleted_company_makes_its_urls_dead(self, end_user, company, link_path):
        services.company_delete(company=company)
        response = end_user.get(link_path)
        assert response.status_code == 410
        assert b"no longer exists" in response.content

    def test_a_deleted_company_cannot_finish_consent(self, end_user, company, link_path):
        page = end_user.get(link_path)
        chosen = end_user.post(
            f"{link_path}platforms/xero/",
            {"csrfmiddlewaretoken": page.cookies["csrftoken"].value},
        )
        services.company_delete(company=company)
        assert end_user.get(chosen["Location"]).status_code == 410
