"""What the Link chooser offers: the accounting platforms, and the choices other apps plug in.

Payroll providers live in the `accounts` app, which registers them here when it loads
(`AccountsConfig.ready`), so `companies` never imports `accounts`. A choice says where
choosing it goes: a POST when choosing starts something (a Link attempt, an OAuth2 account),
a GET when it only opens the next step (a sign-in page).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.urls import reverse

from companies.link.pages import with_params
from companies.models import Company, DataConnection
from companies.platforms import Platform, all_platforms


@dataclass(frozen=True)
class Choice:
    key: str
    name: str
    source_type: str
    url: str  # where choosing it goes, with the custom values on the query string
    method: str  # "post" or "get"
    connected: str = ""  # "Linked" (or "Connected") when the company already has it
    colour: str = "#2456c9"  # its brand colour, behind its monogram
    text_colour: str = "#ffffff"


ChoiceSource = Callable[[Company, str, Mapping[str, str]], list[Choice]]
_sources: list[ChoiceSource] = []


def register(source: ChoiceSource) -> ChoiceSource:
    """Add a kind of platform to the chooser: `source(company, token, params)` lists them."""
    if source not in _sources:
        _sources.append(source)
    return source


def accounting_choices(
    company: Company, token: str, params: Mapping[str, str], only: Platform | None = None
) -> list[Choice]:
    linked = set(
        company.connections.filter(status=DataConnection.Status.LINKED).values_list(
            "platform", flat=True
        )
    )
    return [
        Choice(
            key=platform.key,
            name=platform.name,
            source_type=platform.source_type,
            url=with_params(
                reverse("link:choose", kwargs={"token": token, "platform_key": platform.key}),
                params,
            ),
            method="post",
            connected="Linked" if platform.key in linked else "",
            colour=platform.colour,
            text_colour=platform.text_colour,
        )
        for platform in ([only] if only else all_platforms())
    ]


def choices_for(
    company: Company, token: str, params: Mapping[str, str], only: Platform | None = None
) -> list[Choice]:
    """Accounting platforms first, then what other apps registered (each marked with its
    source type). A connection's own Link URL (`only`) offers just its platform."""
    choices = accounting_choices(company, token, params, only)
    if only is None:
        for source in _sources:
            choices.extend(source(company, token, params))
    return choices
