"""The company name and description rules, shared by the model, the portal forms and the API."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import regex
from confusable_homoglyphs import categories, confusables
from django.core.exceptions import ValidationError

NAME_MAX_LENGTH = 255
NAME_PUNCTUATION = "-'&@.,?!"

# Characters that show nothing or change how the text around them is shown: Unicode's
# Default_Ignorable_Code_Point (zero-width spaces and joiners, the grapheme joiner, variation
# selectors, Hangul fillers, tags...) and every format character (bidi overrides and isolates).
_INVISIBLE = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{Cf}]")
_VARIATION_SELECTOR = regex.compile(r"\p{Variation_Selector}")
_JOINERS = ("\u200c", "\u200d")  # ZERO WIDTH NON-JOINER, ZERO WIDTH JOINER
_WORD_SEPARATORS = re.compile(f"[ {re.escape(NAME_PUNCTUATION)}]+")
# The same, captured: splitting by it keeps the separators, to join the words back.
_WORD_SEPARATORS_KEPT = re.compile(f"([ {re.escape(NAME_PUNCTUATION)}]+)")
# Scripts that one language writes together (UTS #39's Japanese, Korean and Chinese sets).
_SCRIPTS_WRITTEN_TOGETHER = [
    {"HAN", "HIRAGANA", "KATAKANA"},
    {"HAN", "HANGUL"},
    {"HAN", "BOPOMOFO"},
]
_NO_SCRIPT = {"COMMON", "INHERITED", "Unknown"}


def normalize_company_name(name: str) -> str:
    """The stored form of a name: spaces trimmed, in NFC, so "Café" typed with a combining
    accent and "Café" with a precomposed é are one name that one search finds."""
    # Only spaces are trimmed; any other whitespace is refused by the name rule.
    return unicodedata.normalize("NFC", name.strip(" "))


def is_invisible(char: str) -> bool:
    return bool(_INVISIBLE.match(char))


def _is_allowed(char: str) -> bool:
    if char == " " or char in NAME_PUNCTUATION:
        return True
    if is_invisible(char):
        return False
    category = unicodedata.category(char)
    # Letters, plus the combining marks many scripts need to write a letter at all
    # (Devanagari vowel signs, decomposed accents); decimal digits of any script.
    return category[0] in ("L", "M") or category == "Nd"


def describe(char: str) -> str:
    """A character as an error message shows it: itself in quotes if it can be seen on its own,
    else its code point and name."""
    visible = char.isprintable() and not char.isspace() and not is_invisible(char)
    if visible and not unicodedata.category(char).startswith("M"):
        return f"“{char}”"
    name = unicodedata.name(char, "control character")
    return f"U+{ord(char):04X} ({name.lower()})"


def _with_code_point(char: str) -> str:
    return f"“{char}” (U+{ord(char):04X}, {unicodedata.name(char, '').lower()})"


def _listing(chars: list[str], describe=describe) -> str:
    listed = ", ".join(describe(c) for c in chars[:10])
    return listed + (f" and {len(chars) - 10} more" if len(chars) > 10 else "")


def forbidden_name_characters(name: str) -> list[str]:
    """Each disallowed visible character once, in the order it first appears."""
    return list(dict.fromkeys(c for c in name if not _is_allowed(c) and not is_invisible(c)))


def invisible_characters(text: str) -> list[str]:
    return list(dict.fromkeys(c for c in text if is_invisible(c)))


def unattached_marks(name: str) -> list[str]:
    """Combining marks with no letter or digit before them to sit on: they show as a stray
    accent, or nothing at all."""
    found = []
    previous = " "
    for char in name:
        if unicodedata.category(char).startswith("M") and not previous.isalnum():
            found.append(char)
        if not unicodedata.category(char).startswith("M"):
            previous = char
    return list(dict.fromkeys(found))


def lookalike_letters(word: str) -> tuple[str, list[str]] | None:
    """In a word that mixes scripts, the letters outside its main script that Unicode's
    confusables data says look like a letter of that script (the Cyrillic А in "Аcme").

    Returns the main script and those letters, or None. Scripts that a language writes
    together, such as Han and Katakana in Japanese, count as one.
    """
    scripts = [categories.alias(c) for c in word]
    letters = Counter(s for s in scripts if s not in _NO_SCRIPT)
    if len(letters) < 2 or any(set(letters) <= together for together in _SCRIPTS_WRITTEN_TOGETHER):
        return None
    main = letters.most_common(1)[0][0]
    found = [
        char
        for char, script in dict(zip(word, scripts, strict=True)).items()
        if script not in _NO_SCRIPT | {main}
        and confusables.is_confusable(char, preferred_aliases=[main])
    ]
    return (main, found) if found else None


def _lookalike_errors(name: str) -> list[ValidationError]:
    errors = []
    for word in dict.fromkeys(_WORD_SEPARATORS.split(name)):
        found = lookalike_letters(word)
        if found:
            main, chars = found
            others = " and ".join(dict.fromkeys(categories.alias(c).title() for c in chars))
            listed = _listing(chars, _with_code_point)
            errors.append(
                ValidationError(
                    f"The company name mixes {main.title()} and {others} letters that look "
                    f"alike in “{word}”: {listed}. Write each word in one script.",
                    code="mixed_scripts",
                )
            )
    return errors


def suggested_company_name(name: str) -> str | None:
    """A refused name cleaned of what the rule refuses invisibly: invisible and formatting
    characters dropped, other whitespace made a space, and each look-alike letter written in
    its word's main script ("Аcme" with a Cyrillic А becomes "Acme"). None when that cleaned
    name would still be refused, or is the same name."""
    cleaned = "".join(" " if char.isspace() else char for char in name if not is_invisible(char))
    words = []
    for word in _WORD_SEPARATORS_KEPT.split(cleaned):
        found = lookalike_letters(word)
        if found:
            main, chars = found
            for char in chars:
                homoglyphs = confusables.is_confusable(char, preferred_aliases=[main], greedy=True)
                same = [
                    glyph["c"]
                    for glyph in homoglyphs[0]["homoglyphs"]
                    if len(glyph["c"]) == 1 and categories.alias(glyph["c"]) == main
                ]
                if same:
                    word = word.replace(char, same[0])
        words.append(word)
    cleaned = normalize_company_name("".join(words))
    if not cleaned or cleaned == name:
        return None
    try:
        validate_company_name(cleaned)
    except ValidationError:
        return None
    return cleaned


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
    errors = []
    invisible = invisible_characters(name)
    if invisible:
        errors.append(
            ValidationError(
                f"The company name contains invisible or formatting characters: "
                f"{_listing(invisible)}. Remove them.",
                code="invisible_characters",
            )
        )
    forbidden = forbidden_name_characters(name)
    if forbidden:
        punctuation = " ".join(NAME_PUNCTUATION)
        errors.append(
            ValidationError(
                f"The company name contains characters that are not allowed: "
                f"{_listing(forbidden)}. Use letters, digits, spaces and {punctuation}",
                code="forbidden_characters",
            )
        )
    marks = unattached_marks(name)
    if marks:
        errors.append(
            ValidationError(
                f"The company name contains accents or marks with no letter before them: "
                f"{_listing(marks)}.",
                code="unattached_marks",
            )
        )
    errors += _lookalike_errors(name)
    if errors:
        raise ValidationError(errors)


def description_invisible_characters(text: str) -> list[str]:
    """Invisible and formatting characters a description may not hold. Two kinds are kept
    where they do their job: a joiner between two characters (ZWNJ is how Persian and Indic
    words are spelled, ZWJ builds emoji such as 👨‍👩‍👧) and a variation selector right after a
    character (the emoji style of ❤️)."""
    found = []
    for index, char in enumerate(text):
        if not is_invisible(char):
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char in _JOINERS:
            # After a variation selector is fine (❤️‍🔥), after another format character not.
            attached = not before.isspace() and unicodedata.category(before) != "Cf"
            attached = attached and not after.isspace() and not is_invisible(after)
        elif _VARIATION_SELECTOR.match(char):
            attached = not before.isspace() and not is_invisible(before)
        else:
            attached = False
        if not attached:
            found.append(char)
    return list(dict.fromkeys(found))


def validate_description(text: str) -> None:
    invisible = description_invisible_characters(text)
    if invisible:
        raise ValidationError(
            f"The description contains invisible or formatting characters: "
            f"{_listing(invisible)}. Remove them.",
            code="invisible_characters",
        )
