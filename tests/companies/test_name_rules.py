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
    "Café",
    unicodedata.normalize("NFD", "Café"),
    "Müller & Söhne",
    "株式会社トヨタ",
    "Ελληνική Εταιρεία",
    "ООО Ромашка",
    "O'Brien-Smith Ltd.",
    # Scripts may mix across words, and where a language writes them together.
    "ООО Ромашка Ltd",
    "Ελληνική Εταιρεία S.A.",
    "トヨタ自動車 Toyota",
    "삼성전자 三星",
    "iPhone専用",
    "شرکت می‌خواهم"[:0] + "Acme 3 Ltd",
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
    ("Acme\u202eLtd", ["invisible or formatting", "U+202E (right-to-left override)"]),
    ("Acme\u034f", ["invisible or formatting", "U+034F (combining grapheme joiner)"]),
    ("Acme\ufe0f", ["U+FE0F (variation selector-16)"]),
    ("\u3164", ["U+3164 (hangul filler)"]),
    ("Acme \u115f\u1160", ["U+115F (hangul choseong filler)", "U+1160 (hangul jungseong filler)"]),
    ("\uffa0", ["U+FFA0 (halfwidth hangul filler)"]),
    ("Acme\u00adLtd", ["U+00AD (soft hyphen)"]),
    ("\u0301Acme", ["no letter before them", "U+0301 (combining acute accent)"]),
    ("Acme \u20dd", ["no letter before them", "U+20DD (combining enclosing circle)"]),
    (
        "\u0410cme",
        [
            "mixes Latin and Cyrillic letters that look alike",
            "“А” (U+0410, cyrillic capital letter a)",
        ],
    ),
    ("Micr\u043esoft Ltd", ["in “Micrоsoft”", "“о” (U+043E, cyrillic small letter o)"]),
    ("Ром\u0061шка", ["mixes Cyrillic and Latin", "“a” (U+0061, latin small letter a)"]),
    ("\u0391lpha Trading", ["mixes Latin and Greek", "“Α” (U+0391, greek capital letter alpha)"]),
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
        assert company.name == unicodedata.normalize("NFC", name)

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
        assert company.name == unicodedata.normalize("NFC", name)
        if headers:
            assert escape(company.name) in r.content.decode()

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


CAFE_NFC = unicodedata.normalize("NFC", "Café Zürich")
CAFE_NFD = unicodedata.normalize("NFD", "Café Zürich")
ADMIN = "/admin/companies/company/"
NO_INLINES = {"connections-TOTAL_FORMS": "0", "connections-INITIAL_FORMS": "0"}


def _admin_post(admin_client, url: str, name: str, description: str = ""):
    return admin_client.post(url, {"name": name, "description": description, **NO_INLINES})


class TestNamesAreStoredInNFC:
    """One name, however its accents were typed: a decomposed "é" is stored precomposed."""

    def test_both_spellings_make_the_same_name(self, db):
        assert CAFE_NFC != CAFE_NFD
        first = services.company_create(name=CAFE_NFC)
        second = services.company_create(name=f"  {CAFE_NFD} ")
        assert first.name == second.name == CAFE_NFC
        assert Company.objects.filter(name=CAFE_NFC).count() == 2

    def test_the_service_stores_nfc_on_update(self, company):
        services.company_update(company=company, name=CAFE_NFD)
        company.refresh_from_db()
        assert company.name == CAFE_NFC

    def test_the_create_form_stores_nfc(self, manager_client):
        _post_name(manager_client, CAFE_NFD)
        assert Company.objects.get().name == CAFE_NFC

    def test_the_edit_form_stores_nfc(self, manager_client, company):
        manager_client.post(f"/companies/{company.id}/edit/", {"name": CAFE_NFD})
        company.refresh_from_db()
        assert company.name == CAFE_NFC

    def test_the_api_stores_nfc(self, api, company):
        created = api.post("/api/companies", {"name": CAFE_NFD})
        assert created.status_code == 201
        assert created.json()["name"] == CAFE_NFC
        assert Company.objects.get(pk=created.json()["id"]).name == CAFE_NFC
        patched = api.patch(f"/api/companies/{company.id}", {"name": CAFE_NFD})
        assert patched.json()["name"] == CAFE_NFC
        company.refresh_from_db()
        assert company.name == CAFE_NFC

    def test_the_admin_stores_nfc(self, admin_client, company):
        assert _admin_post(admin_client, f"{ADMIN}add/", CAFE_NFD).status_code == 302
        assert (
            _admin_post(admin_client, f"{ADMIN}{company.pk}/change/", CAFE_NFD).status_code == 302
        )
        assert list(Company.objects.values_list("name", flat=True)) == [CAFE_NFC, CAFE_NFC]

    def test_the_admin_judges_the_length_of_the_stored_name(self, admin_client):
        # 255 characters once composed, 510 as typed.
        name = unicodedata.normalize("NFD", "é" * 255)
        assert _admin_post(admin_client, f"{ADMIN}add/", name).status_code == 302
        assert Company.objects.get().name == "é" * 255


class TestSearchFindsEitherSpelling:
    @pytest.fixture
    def cafe(self, db) -> Company:
        return services.company_create(name=CAFE_NFC)

    @pytest.mark.parametrize("query", [CAFE_NFD, unicodedata.normalize("NFD", "café")])
    def test_the_table_finds_it(self, manager_client, cafe, query):
        r = manager_client.get("/companies/", {"q": query})
        assert escape(CAFE_NFC) in r.content.decode()

    def test_the_api_finds_it(self, api, cafe):
        body = api.get("/api/companies", {"query": unicodedata.normalize("NFD", "Café")}).json()
        assert [item["name"] for item in body["results"]] == [CAFE_NFC]

    def test_the_admin_finds_it(self, admin_client, cafe):
        r = admin_client.get(ADMIN, {"q": unicodedata.normalize("NFD", "Café")})
        assert escape(CAFE_NFC) in r.content.decode()


# What issue 10 found accepted: lookalike letters, invisible marks and format characters.
SPOOFED_NAMES = [
    ("\u0410cme", "mixes Latin and Cyrillic letters that look alike"),
    ("Acme\u034f", "U+034F (combining grapheme joiner)"),
    ("Acme\ufe0f", "U+FE0F (variation selector-16)"),
    ("\u3164", "U+3164 (hangul filler)"),
    ("Acme\u202eLtd", "U+202E (right-to-left override)"),
]


class TestSpoofedNamesEverywhere:
    @pytest.mark.parametrize(("name", "expected"), SPOOFED_NAMES)
    def test_the_edit_form_refuses(self, manager_client, company, htmx_headers, name, expected):
        for headers in (None, htmx_headers):
            r = manager_client.post(
                f"/companies/{company.id}/edit/", {"name": name}, headers=headers
            )
            assert escape(expected) in r.content.decode()
        company.refresh_from_db()
        assert company.name == "Platypus Properties"

    @pytest.mark.parametrize(("name", "expected"), SPOOFED_NAMES)
    def test_the_api_refuses(self, api, company, name, expected):
        for response in (
            api.post("/api/companies", {"name": name}),
            api.patch(f"/api/companies/{company.id}", {"name": name}),
        ):
            assert response.status_code == 400
            errors = response.json()["validation"]["errors"]
            assert [error["itemId"] for error in errors] == ["name"]
            assert expected in errors[0]["message"]
        assert list(Company.objects.values_list("name", flat=True)) == ["Platypus Properties"]

    @pytest.mark.parametrize(("name", "expected"), SPOOFED_NAMES)
    def test_the_admin_refuses(self, admin_client, company, name, expected):
        r = _admin_post(admin_client, f"{ADMIN}add/", name)
        assert r.status_code == 200
        assert escape(expected) in r.content.decode()
        assert Company.objects.count() == 1

    def test_the_error_names_every_lookalike_letter(self, db):
        with pytest.raises(ValidationError) as excinfo:
            services.company_create(name="G\u043e\u043egle P\u0430y")
        message = _error_text(excinfo.value)
        assert "in “Gооgle”: “о” (U+043E, cyrillic small letter o)." in message
        assert "in “Pаy”: “а” (U+0430, cyrillic small letter a)." in message


# A refused name whose fault cannot be seen, and the name the form offers instead.
CLEANED_NAMES = [
    ("\u0410cme", "Acme"),
    ("Micr\u043esoft Ltd", "Microsoft Ltd"),
    ("Ром\u0061шка", "Ромашка"),
    ("G\u043e\u043egle P\u0430y", "Google Pay"),
    ("Acme\u200bLtd", "AcmeLtd"),
    ("Acme\u034f", "Acme"),
    ("Acme\ufe0f", "Acme"),
    ("Acme\u00a0Ltd", "Acme Ltd"),
    ("\tAcme", "Acme"),
]


class TestCleanedNameSuggestion:
    """A name refused for invisible characters or look-alike letters offers, in one click,
    the same name without them."""

    @pytest.fixture(params=[False, True], ids=["plain", "htmx"])
    def headers(self, request, htmx_headers):
        return htmx_headers if request.param else None

    @pytest.mark.parametrize(("name", "cleaned"), CLEANED_NAMES)
    def test_it_offers_the_cleaned_name(self, manager_client, headers, name, cleaned):
        page = _refusal(_post_name(manager_client, name, headers), headers)
        assert (
            f'<button type="submit" class="button small" name="use_name" '
            f'value="{escape(cleaned)}">Use “{escape(cleaned)}”</button>'
        ) in page
        # The refused name stays in its field, beside the reason.
        assert f'value="{escape(name)}"' in page
        assert not Company.objects.exists()

    def test_the_suggestion_creates_the_cleaned_name(self, manager_client, headers):
        r = manager_client.post(
            "/companies/create/", {"name": "\u0410cme", "use_name": "Acme"}, headers=headers
        )
        assert r.status_code == (200 if headers else 302)
        assert list(Company.objects.values_list("name", flat=True)) == ["Acme"]

    def test_the_suggestion_is_judged_like_a_typed_name(self, manager_client, headers):
        r = manager_client.post(
            "/companies/create/", {"name": "Acme", "use_name": "Acme/Ltd"}, headers=headers
        )
        assert escape("“/”") in _refusal(r, headers)
        assert not Company.objects.exists()

    def test_the_suggestion_still_asks_about_the_same_name(self, manager_client, company):
        r = manager_client.post(
            "/companies/create/", {"name": "Platypus Pr\u043eperties", "use_name": company.name}
        )
        assert "already exists" in page_of(r, "Companies")
        assert Company.objects.count() == 1

    @pytest.mark.parametrize(
        "name", ["Acme/Partners", "\u3164", "\u0301Acme", "Acme 🚀", "Acme\u200b🚀"]
    )
    def test_there_is_none_when_the_cleaned_name_would_be_refused(
        self, manager_client, headers, name
    ):
        page = _refusal(_post_name(manager_client, name, headers), headers)
        assert 'name="use_name"' not in page

    def test_the_api_is_unchanged(self, api, db):
        response = api.post("/api/companies", {"name": "\u0410cme"})
        assert response.status_code == 400
        assert "use_name" not in response.content.decode()
        assert not Company.objects.exists()
