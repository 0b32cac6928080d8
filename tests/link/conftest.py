from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from companies.link_urls import link_url_for
from companies.models import LinkSettings


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def link_path(company) -> str:
    return path_of(link_url_for(company))


@pytest.fixture
def redirect_settings(db) -> LinkSettings:
    link_settings = LinkSettings.load()
    link_settings.redirect_url_template = (
        "https://example.com/linked?company={companyId}&connection={connectionId}"
        "&platform={platform}&name={platformName}&type={sourceType}&status={statusCode}"
        "&error={errorMessage}&customer={customerId}"
    )
    link_settings.save()
    return link_settings
