"""Every write to companies and their connections goes through these functions.

Views, the API, admin actions and tasks call them; none of them change models directly.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from companies.models import Company, DataConnection

COMPANY_ORDERINGS = {
    "name": ("name", "-created"),
    "-name": ("-name", "-created"),
    "created": ("created", "name"),
    "-created": ("-created", "name"),
}
DEFAULT_COMPANY_ORDERING = "-created"


def trim_name(name: str) -> str:
    # Only spaces are trimmed; any other whitespace is refused by the name rule.
    return name.strip(" ")


def company_create(
    *, name: str, description: str = "", created_by: AbstractBaseUser | None = None
) -> Company:
    company = Company(name=trim_name(name), description=description, created_by=created_by)
    company.full_clean()
    company.save()
    return company


def company_update(*, company: Company, name: str, description: str) -> Company:
    company.name = trim_name(name)
    company.description = description
    company.full_clean()
    company.save(update_fields=["name", "description"])
    return company


@transaction.atomic
def company_delete(*, company: Company) -> None:
    # Connections go with the company (on_delete=CASCADE).
    company.delete()


def parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value.strip())
    except (ValueError, AttributeError):
        return None


def companies_for_table(
    *, query: str = "", status: str = "", ordering: str = DEFAULT_COMPANY_ORDERING
) -> QuerySet[Company]:
    """The companies table: a fixed number of queries whatever the page size."""
    companies = Company.objects.prefetch_related(
        Prefetch("connections", queryset=DataConnection.objects.order_by("platform"))
    )
    query = query.strip()
    if query:
        match = Q(name__icontains=query)
        company_id = parse_uuid(query)
        if company_id:
            match |= Q(id=company_id)
        companies = companies.filter(match)
    if status in DataConnection.Status.values:
        companies = companies.filter(
            Exists(DataConnection.objects.filter(company=OuterRef("pk"), status=status))
        )
    return companies.order_by(*COMPANY_ORDERINGS.get(ordering, COMPANY_ORDERINGS["-created"]))
