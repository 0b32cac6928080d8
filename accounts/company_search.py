"""Finding the company a new payroll account belongs to, by name or id, among a million.

The form's company field takes what staff type: a name, part of one, or a pasted id. The
autocomplete offers matches as they type; without JavaScript the server resolves the text,
and when it names no company or several it says so and lists the matches to choose from.
"""

from __future__ import annotations

import uuid

from companies.models import Company
from companies.queries import (
    companies_for_table,
    companies_named,
    normalize_search,
    parse_uuid,
)

# A short list to choose from: more matches mean typing more of the name.
MATCHES_SHOWN = 10


class CompanyNotFound(Exception):
    """The text names no company, or several: `matches` are those to choose from."""

    def __init__(self, message: str, matches: list[Company] | None = None, more: bool = False):
        super().__init__(message)
        self.matches = matches or []
        self.more = more


def companies_matching(text: str, limit: int = MATCHES_SHOWN) -> tuple[list[Company], bool]:
    """At most `limit` companies whose name contains `text` (or whose id it is): the newest
    such, listed by name; and whether more match.

    The companies table's own search, in its default order, so it reads the same indexes
    (the trigram index on PostgreSQL for rare matches, the creation order for common ones)
    and stays fast at a million companies. Name order would walk the name index past every
    company before the first match (those named "Harbour…" all sit under H); the few found
    are sorted here instead. Only the id and name are read, and no connections."""
    text = normalize_search(text)
    if not text:
        return [], False
    matches = companies_for_table(query=text, ordering="-created").prefetch_related(None)
    newest = list(matches.only("id", "name")[: limit + 1])
    shown = sorted(newest[:limit], key=lambda company: (company.name.lower(), company.name))
    return shown, len(newest) > limit


def company_for(text: str, chosen_id: str = "") -> Company:
    """The company that staff picked (`chosen_id`, from the autocomplete or the list of
    matches) or typed (its id, or its whole name but for case and spacing).

    A picked id counts only while the text still fits it, so editing the text after picking
    asks again rather than keeping a company the field no longer shows."""
    text = normalize_search(text)
    picked = company_with_id(parse_uuid(chosen_id or ""))
    if picked and _fits(picked, text):
        return picked
    if not text:
        raise CompanyNotFound("Choose a company: type part of its name, or paste its id.")
    company_id = parse_uuid(text)
    if company_id:
        company = company_with_id(company_id)
        if company is None:
            raise CompanyNotFound("No company has this id. Copy it from the companies table.")
        return company
    named = _companies_named(text)
    if len(named) == 1:
        return named[0]
    if named:
        raise CompanyNotFound(
            f"{len(named)} companies are named “{text}”: choose one below.", named
        )
    matches, more = companies_matching(text)
    if not matches:
        raise CompanyNotFound(
            f"No company’s name contains “{text}”. Check the spelling, or paste the "
            "company’s id from the companies table."
        )
    raise CompanyNotFound(
        f"No company is named exactly “{text}”: choose one of those whose name contains it.",
        matches,
        more,
    )


def company_with_id(company_id: uuid.UUID | None) -> Company | None:
    if company_id is None:
        return None
    return Company.objects.only("id", "name").filter(pk=company_id).first()


def _fits(company: Company, text: str) -> bool:
    return not text or text.lower() in company.name.lower() or text == str(company.id)


def _companies_named(name: str) -> list[Company]:
    """Companies named `name` but for case and spacing; a few beyond MATCHES_SHOWN are not
    needed to say there are several."""
    named = companies_named(name).only("id", "name").order_by("-created", "id")
    return list(named[:MATCHES_SHOWN])
