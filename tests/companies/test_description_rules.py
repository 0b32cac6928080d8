"""The description rule: no invisible or formatting characters, through every way in."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from companies import services
from companies.models import Company

SAMPLE_DESCRIPTION = "Platypuses are venomous mammals"  # the company fixture's

ALLOWED_DESCRIPTIONS = [
    "",
    "Platypuses are venomous mammals",
    "Two lines,\nwith a\ttab",
    "Große Brötchen, 東京の店, Ромашка, שלום, مرحبا",
    "Our team ❤️",  # a variation selector right after its character
    "👨\u200d👩\u200d👧 family owned, ❤️\u200d🔥",  # emoji joined with ZWJ
    "می\u200cخواهم",  # Persian is spelled with a zero-width non-joiner
]

# (description, the words the error must contain)
REFUSED_DESCRIPTIONS = [
    ("Invoice\u202etxt.exe", "U+202E (right-to-left override)"),
    ("Acme\u200bLtd", "U+200B (zero width space)"),
    ("\u2066isolated\u2069", "U+2066 (left-to-right isolate), U+2069 (pop directional isolate)"),
    ("\ufeffbyte order mark", "U+FEFF (zero width no-break space)"),
    ("soft\u00adhyphen", "U+00AD (soft hyphen)"),
    ("hidden\U000e0041\U000e0042 tags", "U+E0041 (tag latin capital letter a)"),
    ("\u3164", "U+3164 (hangul filler)"),
    ("a \u200d b", "U+200D (zero width joiner)"),  # joins nothing
    ("spaced \ufe0f selector", "U+FE0F (variation selector-16)"),
    ("grapheme\u034fjoiner", "U+034F (combining grapheme joiner)"),
]


class TestDescriptionRuleInTheService:
    @pytest.mark.parametrize("description", ALLOWED_DESCRIPTIONS)
    def test_it_accepts(self, db, description):
        company = services.company_create(name="Acme", description=description)
        company.refresh_from_db()
        assert company.description == description

    @pytest.mark.parametrize(("description", "expected"), REFUSED_DESCRIPTIONS)
    def test_it_refuses_and_names_the_characters(self, db, description, expected):
        with pytest.raises(ValidationError) as excinfo:
            services.company_create(name="Acme", description=description)
        message = " ".join(excinfo.value.message_dict["description"])
        assert "invisible or formatting characters" in message
        assert expected in message
        assert not Company.objects.exists()

    def test_it_applies_the_rule_on_update(self, company):
        with pytest.raises(ValidationError) as excinfo:
            services.company_update(company=company, description="a\u202eb")
        assert "description" in excinfo.value.message_dict
        company.refresh_from_db()
        assert company.description == SAMPLE_DESCRIPTION


class TestDescriptionRuleInThePortal:
    @pytest.fixture(params=[False, True], ids=["plain", "htmx"])
    def headers(self, request, htmx_headers):
        return htmx_headers if request.param else None

    @pytest.mark.parametrize(("description", "expected"), REFUSED_DESCRIPTIONS[:3])
    def test_create_refuses(self, manager_client, headers, description, expected):
        r = manager_client.post(
            "/companies/create/", {"name": "Acme", "description": description}, headers=headers
        )
        assert r.status_code == (200 if headers else 400)
        assert escape(expected) in r.content.decode()
        assert not Company.objects.exists()

    @pytest.mark.parametrize(("description", "expected"), REFUSED_DESCRIPTIONS[:3])
    def test_edit_refuses(self, manager_client, company, headers, description, expected):
        r = manager_client.post(
            f"/companies/{company.id}/edit/",
            {"name": "Acme", "description": description},
            headers=headers,
        )
        assert escape(expected) in r.content.decode()
        company.refresh_from_db()
        assert (company.name, company.description) == ("Platypus Properties", SAMPLE_DESCRIPTION)

    def test_create_accepts_emoji_and_persian(self, manager_client):
        description = " ".join(ALLOWED_DESCRIPTIONS[4:])
        r = manager_client.post("/companies/create/", {"name": "Acme", "description": description})
        assert r.status_code == 302
        assert Company.objects.get().description == description


class TestDescriptionRuleInTheApi:
    @pytest.mark.parametrize(("description", "expected"), REFUSED_DESCRIPTIONS[:3])
    def test_it_refuses(self, api, company, description, expected):
        for response in (
            api.post("/api/companies", {"name": "Acme", "description": description}),
            api.patch(f"/api/companies/{company.id}", {"description": description}),
        ):
            assert response.status_code == 400
            errors = response.json()["validation"]["errors"]
            assert [error["itemId"] for error in errors] == ["description"]
            assert expected in errors[0]["message"]
        assert Company.objects.get().description == SAMPLE_DESCRIPTION


class TestDescriptionRuleInTheAdmin:
    def test_it_refuses(self, admin_client, company):
        r = admin_client.post(
            f"/admin/companies/company/{company.pk}/change/",
            {
                "name": "Platypus Properties",
                "description": "Invoice\u202etxt.exe",
                "connections-TOTAL_FORMS": "0",
                "connections-INITIAL_FORMS": "0",
            },
        )
        assert r.status_code == 200
        assert escape("U+202E (right-to-left override)") in r.content.decode()
        company.refresh_from_db()
        assert company.description == SAMPLE_DESCRIPTION
