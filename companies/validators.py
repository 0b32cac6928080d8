"""The company name rule, shared by the model, the portal forms and the API."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

NAME_MAX_LENGTH = 255
NAME_PUNCTUATION = "-'&@.,?!"


def _is_allowed(char: str) -> bool:
    if char == " " or char in NAME_PUNCTUATION:
        return True
    category = unicodedata.category(char)
    # Letters, plus the combining marks many scripts need to write a letter at all
    # (Devanagari vowel signs, decomposed accents); decimal digits of any script.
    return category[0] in ("L", "M") or category == "Nd"


def _describe(char: str) -> str:
    if char.isprintable() and not char.isspace():
        return f"“{char}”"
    name = unicodedata.name(char, "control character")
    return f"U+{ord(char):04X} ({name.lower()})"


def forbidden_name_characters(name: str) -> list[str]:
    """Each disallowed character once, in the order it first appears."""
    return list(dict.fromkeys(c for c in name if not _is_allowed(c)))


def validate_company_name(name: str) -> None:
    if not name.strip():
        # Not code="blank": a model field would put its own message in place of this one.
        raise ValidationError("Enter a company name.", code="empty")
    if name != name.strip(" "):
        raise ValidationError(
            "The company name may not start or end with a space.", code="untrimmed"
        )
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            f"The company name may be at most {NAME_MAX_LENGTH} characters (it has {len(name)}).",
            code="too_long",
        )
    forbidden = forbidden_name_characters(name)
    if forbidden:
        listed = ", ".join(_describe(c) for c in forbidden[:10])
        more = f" and {len(forbidden) - 10} more" if len(forbidden) > 10 else ""
        raise ValidationError(
            f"The company name contains characters that are not allowed: {listed}{more}. "
            f"Use letters, digits, spaces and {' '.join(NAME_PUNCTUATION)}",
            code="forbidden_characters",
        )
