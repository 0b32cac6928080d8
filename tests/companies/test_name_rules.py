"""The company name rule: which characters a name may hold, through the form and the service."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from companies import services
from companies.models import Company
from tests.support import fragment_of, page_of

ALLOWED_NAMES = [
    "Zürich Café",
    "東京 株式会社",
    "Ünïcødé Ltd.",
    unicodedata.normalize("NFD", "Ünïcødé Ltd."),  # decomposed accents: combining marks
    "Αθήνα Ναυτιλιακή",
    "Московская компания",
    "شركة الخليج",
    "हिन्दी कंपनी",
    "Acme 2024",
    "٣ Arabic-Indic digits",
    "O'Brien & Sons",
    "Smith-Jones",
    "hello@acme",
    "Acme, Inc.",
    "Why? Because!",
    "X",
    "a" * 255,
]

# (name, the words the error must contain to point at what is wrong)
REFUSED_NAMES = [
    ("<script>alert(1)</script>", ["“<”", "“>”", "“(”", "“)”", "“/”"]),
    ("Acme/Partners", ["“/”"]),
    ("Acme\x00", ["U+0000"]),
    ("Acme\tLtd", ["U+0009"]),
    ("Acme\nLtd", ["U+000A"]),
    ("Acme\r\nLtd", ["U+000D", "U+000A"]),
    ("\x1b[31mAcme", ["U+001B", "“[”"]),
    ("Acme\u00a0Ltd", ["U+00A0 (no-break space)"]),
    ("Acme\u200bLtd", ["U+200B (zero width space)"]),
    ("Acme 🚀", ["“🚀”"]),
    ("a" * 256, ["at most 255 characters (it has 256)"]),
]

# Everything DESIGN.md lists as refused, one character at a time.
REFUSED_PUNCTUATION = list('<>/\\[]():;|*=+#%$"~')


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.message_dict["name"])


def _post_name(client, name: str, headers: dict[str, str] | None = None):
    return client.post("/companies/create/", {"name": name, "description": ""}, headers=headers)


def _refusal(response, headers: dict[str, str] | None) -> str:
    """The form sent back with its error: with HTMX the form alone (a 200, so that htmx swaps
    it in), without it the companies page (a 400)."""
    if headers:
        return fragment_of(response, "create-company")
    return page_of(response, "Companies", status=400)


class TestNameRuleInTheService:
    @pytest.mark.parametrize("name", ALLOWED_NAMES)
    def test_it_accepts_letters_digits_and_allowed_punctuation(self, db, name):
        company = services.company_create(name=name)
        company.refresh_from_db()
        assert company.name == name

    def test_it_trims_leading_and_trailing_spaces(self, db):
        company = services.company_create(name="   Zürich Café  ")
        company.refresh_from_db()
        assert company.name == "Zürich Café"

    def test_it_keeps_inner_spaces(self, db):
        company = services.company_create(name="Acme  Two  Spaces")
        assert company.name == "Acme  Two  Spaces"

    @pytest.mark.parametrize(("name", "expected"), REFUSED_NAMES)
    def test_it_refuses_and_names_the_problem(self, db, name, expected):
        with pytest.raises(ValidationError) as excinfo:
            services.company_create(name=name)
        for words in expected:
            assert words in _error_text(excinfo.value)
        assert not Company.objects.exists()

    @pytest.mark.parametrize("char", REFUSED_PUNCTUATION)
    def test_it_refuses_other_punctuation(self, db, char):
        with pytest.raises(ValidationError) as excinfo:
            services.company_create(name=f"Acme {char} Ltd")
        assert f"“{char}”" in _error_text(excinfo.value)
        assert not Company.objects.exists()

    @pytest.mark.parametrize("name", ["", "   "])
    def test_it_refuses_a_blank_name(self, db, name):
        with pytest.raises(ValidationError) as excinfo:
            services.company_create(name=name)
        assert _error_text(excinfo.value) == "This field cannot be blank."
        assert not Company.objects.exists()

    def test_it_names_each_forbidden_character_once_in_order(self, db):
        with pytest.raises(ValidationError) as excinfo:
            services.company_create(name="a/b<c/d<")
        message = _error_text(excinfo.value)
        assert "not allowed: “/”, “<”." in message

    def test_it_tells_what_is_allowed(self, db):
        with pytest.raises(ValidationError) as excinfo:
            services.company_create(name="Acme #1")
        assert "Use letters, digits, spaces and - ' & @ . , ? !" in _error_text(excinfo.value)

    def test_it_applies_the_rule_on_update(self, company):
        with pytest.raises(ValidationError):
            services.company_update(company=company, name="Acme/Partners", description="")
        company.refresh_from_db()
        assert company.name == "Platypus Properties"


class TestNameRuleInTheModel:
    @pytest.mark.parametrize("name", ["Zürich Café", "東京 株式会社", "Ünïcødé Ltd."])
    def test_full_clean_accepts_unicode_letters(self, db, name):
        Company(name=name).full_clean()

    @pytest.mark.parametrize(("name", "expected"), REFUSED_NAMES)
    def test_full_clean_refuses(self, db, name, expected):
        with pytest.raises(ValidationError) as excinfo:
            Company(name=name).full_clean()
        assert expected[0] in _error_text(excinfo.value)

    def test_full_clean_refuses_spaces_only(self, db):
        with pytest.raises(ValidationError) as excinfo:
            Company(name="   ").full_clean()
        assert _error_text(excinfo.value) == "Enter a company name."

    def test_full_clean_refuses_an_untrimmed_name(self, db):
        # The model changes nothing silently: trimming is the service's and the form's job.
        with pytest.raises(ValidationError) as excinfo:
            Company(name=" Acme ").full_clean()
        assert "may not start or end with a space" in _error_text(excinfo.value)


class TestNameRuleInTheForm:
    @pytest.fixture(params=[False, True], ids=["plain", "htmx"])
    def headers(self, request, htmx_headers):
        return htmx_headers if request.param else None

    @pytest.mark.parametrize("name", ALLOWED_NAMES)
    def test_it_accepts(self, manager_client, headers, name):
        r = _post_name(manager_client, name, headers)
        assert r.status_code in (200, 302)
        company = Company.objects.get()
        assert company.name == name
        if headers:
            assert escape(name) in r.content.decode()

    def test_it_trims_leading_and_trailing_spaces(self, manager_client, headers):
        _post_name(manager_client, "  Zürich Café   ", headers)
        assert Company.objects.get().name == "Zürich Café"

    @pytest.mark.parametrize(("name", "expected"), REFUSED_NAMES)
    def test_it_refuses_and_names_the_problem(self, manager_client, headers, name, expected):
        r = _post_name(manager_client, name, headers)
        assert r.status_code == (200 if headers else 400)
        page = r.content.decode()
        for words in expected:
            assert escape(words) in page
        assert not Company.objects.exists()

    @pytest.mark.parametrize("char", REFUSED_PUNCTUATION)
    def test_it_refuses_other_punctuation(self, manager_client, headers, char):
        r = _post_name(manager_client, f"Acme {char} Ltd", headers)
        assert escape(f"“{char}”") in _refusal(r, headers)
        assert not Company.objects.exists()

    def test_it_refuses_a_blank_name(self, manager_client, headers):
        r = _post_name(manager_client, "", headers)
        assert "This field is required." in _refusal(r, headers)
        assert not Company.objects.exists()

    def test_it_refuses_spaces_only(self, manager_client, headers):
        r = _post_name(manager_client, "   ", headers)
        assert "Enter a company name." in _refusal(r, headers)
        assert not Company.objects.exists()

    def test_it_never_renders_a_script_tag_from_the_name(self, manager_client, headers):
        page = _refusal(_post_name(manager_client, "<script>alert(1)</script>", headers), headers)
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    def test_a_leading_tab_is_refused_not_trimmed(self, manager_client, headers):
        r = _post_name(manager_client, "\tAcme", headers)
        assert "U+0009" in _refusal(r, headers)
        assert not Company.objects.exists()
