from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from companies.link.redirects import fill_redirect_url, validate_redirect_template


class TestValidation:
    @pytest.mark.parametrize(
        "template",
        [
            "https://example.com/linked",
            "http://localhost:3000/done?company={companyId}",
            "https://example.com/{companyId}/done?status={statusCode}&c={customerId}",
            "https://example.com/x?e={errorMessage}&p={platform}&n={platformName}&t={sourceType}",
            "https://example.com/cb?contact=someone@example.com",
        ],
    )
    def test_it_accepts_http_urls_with_placeholders_in_path_and_query(self, template):
        validate_redirect_template(template)

    @pytest.mark.parametrize(
        ("template", "says"),
        [
            ("javascript:alert(1)", "http:// or https://"),
            ("//evil.example/path", "http:// or https://"),
            ("ftp://example.com/", "http:// or https://"),
            ("{scheme}://example.com", "http:// or https://"),
            ("http://{companyId}.example", "not in the host"),
            ("https://user:{x}@example.com/", "not in the host"),
            ("https://example.com/{companyId", "never closed"),
            ("https://example.com/companyId}", "closes no placeholder"),
            ("https://example.com/{{companyId}}", "inside another"),
            ("https://example.com/{}", "not a placeholder name"),
            ("https://example.com/{company id}", "spaces"),
            ("https://example.com/{1abc}", "not a placeholder name"),
            # Link URLs keep "_" names for themselves, so such a value could never arrive.
            ("https://example.com/{_hidden}", "not a placeholder name"),
            ("https://example.com/\x00", "control characters"),
            ("https://", "not a valid web address"),
            ("http://user@example.com/cb", "user name or password"),
            ("https://user:secret@example.com/cb?c={companyId}", "user name or password"),
            ("https://example.com/" + "a" * 2000, "at most 2000"),
        ],
    )
    def test_it_refuses_with_a_clear_message(self, template, says):
        with pytest.raises(ValidationError) as error:
            validate_redirect_template(template)
        assert says in " ".join(error.value.messages)


class TestFilling:
    values = {"companyId": "8f74269c", "statusCode": 200, "errorMessage": ""}

    def test_values_are_url_encoded(self):
        url = fill_redirect_url(
            "https://e.com/?m={errorMessage}",
            {"errorMessage": "Not ok & #1 / ü?"},
            {},
        )
        assert url == "https://e.com/?m=Not%20ok%20%26%20%231%20%2F%20%C3%BC%3F"

    def test_custom_values_fill_their_placeholders_and_missing_ones_are_empty(self):
        url = fill_redirect_url(
            "https://e.com/{companyId}?a={customerId}&b={missing}",
            self.values,
            {"customerId": "42"},
        )
        assert url == "https://e.com/8f74269c?a=42&b="

    def test_a_custom_value_cannot_override_a_built_in_one(self):
        url = fill_redirect_url("https://e.com/?c={companyId}", self.values, {"companyId": "evil"})
        assert url == "https://e.com/?c=8f74269c"
