"""Companies and their connections in the JSON API, in the Codat document's camelCase."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from companies import queries, services
from companies.activity import Actor
from companies.link.tokens import LinkUrl, LinkUrlIssuer, issue_link_url
from companies.models import DESCRIPTION_MAX_LENGTH, Company, DataConnection
from companies.platforms import all_platforms, get_platform
from companies.serializers import (
    CompanyOut,
    ConnectionOut,
    company_out,
    company_to_dict,
    connection_to_dict,
)
from companies.validators import NAME_MAX_LENGTH, NAME_PUNCTUATION
from portal.apikit import idempotency
from portal.apikit.idempotency import idempotent
from portal.apikit.pagination import (
    MAX_PAGE,
    MAX_PAGE_SIZE,
    Page,
    PageParams,
    constructed_page,
    paginate,
)
from portal.apikit.schemas import ERRORS, ErrorOut, StrictSchema

router = Router(tags=["Companies"])


# Schemas

# The schema states the rules the server applies (companies.validators, the models), so a
# client that validates against it is not refused. They stay checked by the server, with its
# messages. The name pattern is exact for ASCII and lets any other character through: which
# letters are letters is Unicode's business, and not every regex engine knows it.
# (The hyphen goes last in its class, so that no character needs escaping.)
_NAME_ASCII = "A-Za-z0-9" + NAME_PUNCTUATION.replace("-", "") + "-"
_NAME_CHARACTER = f"(?:[{_NAME_ASCII}]|[^\\x00-\\x7f])"
NAME_SCHEMA = {
    "minLength": 1,
    "maxLength": NAME_MAX_LENGTH,
    # Spaces around the name are trimmed; at least one other character.
    "pattern": f"^ *{_NAME_CHARACTER}(?:{_NAME_CHARACTER}| )*$",
}
DESCRIPTION_SCHEMA = {"maxLength": DESCRIPTION_MAX_LENGTH, "pattern": "^[^\\x00]*$"}


class CompanyIn(StrictSchema):
    name: str = Field(
        description="1 to 255 letters, digits, spaces and - ' & @ . , ? !",
        json_schema_extra=NAME_SCHEMA,
    )
    description: str | None = Field(
        None, description="Anything that helps you later.", json_schema_extra=DESCRIPTION_SCHEMA
    )


class CompanyPatch(StrictSchema):
    # A string, not nullable, in the schema too: it may be left out, but not set to null.
    name: str = Field(
        None, description="May be left out, but not set to null.", json_schema_extra=NAME_SCHEMA
    )
    description: str | None = Field(None, json_schema_extra=DESCRIPTION_SCHEMA)


class ConnectionIn(StrictSchema):
    platformKey: str = Field(
        description="A platform key, such as `xero`.",
        json_schema_extra={"enum": [platform.key for platform in all_platforms()]},
    )


class ConnectionPatch(StrictSchema):
    status: Literal["Unlinked"]


class LinkUrlOut(Schema):
    linkUrl: str
    expiresAt: datetime | None = Field(description="null: the URL never expires.")


class CompanyListParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    pageSize: int = Field(100, ge=1, le=MAX_PAGE_SIZE)
    query: str = Field("", max_length=255, description="Part of a name, or an exact id.")
    orderBy: Literal["name", "-name", "created", "-created"] = "-created"
    cursor: str = Field(
        "",
        max_length=2000,
        description="From `_links.nextCursor`: the next page, as fast however deep.",
    )


# Link URLs in a response are issued with it, so they all expire at the same moment: one
# header says when, and the Codat-shaped bodies keep Codat's fields.
LINK_EXPIRES_HEADER = "Link-Url-Expires"


def _issued(response: HttpResponse, company: Company) -> LinkUrl:
    link_url = issue_link_url(company)
    _say_when_it_expires(response, link_url)
    return link_url


def _say_when_it_expires(response: HttpResponse, link_url: LinkUrl) -> None:
    if link_url.expires_at is not None:
        response[LINK_EXPIRES_HEADER] = link_url.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _connection(company_id: uuid.UUID, connection_id: uuid.UUID) -> DataConnection:
    connection = (
        DataConnection.objects.select_related("company")
        .filter(pk=connection_id, company_id=company_id)
        .first()
    )
    if connection is None:
        raise Http404(f"Company {company_id} has no connection with the id {connection_id}.")
    return connection


# Companies


@router.post(
    "",
    response={201: CompanyOut, 409: ErrorOut, **ERRORS},
    summary="Create a company",
    description=idempotency.HEADER_HELP,
)
def create_company(request: HttpRequest, response: HttpResponse, payload: CompanyIn):
    def create() -> tuple[int, dict]:
        company = services.company_create(
            name=payload.name,
            description=payload.description or "",
            actor=Actor.api_key(request.auth),
        )
        body = company_to_dict(company, _issued(response, company))
        return 201, CompanyOut.model_validate(body).model_dump(mode="json")

    return idempotent(request, payload, create)


@router.get("", response={200: Page[CompanyOut], **ERRORS}, summary="List companies", by_alias=True)
def list_companies(request: HttpRequest, response: HttpResponse, params: Query[CompanyListParams]):
    companies = queries.companies_for_api(query=params.query, ordering=params.orderBy)
    # Every URL of the page is issued as of the same moment: one signature per company.
    issuer = LinkUrlIssuer()
    issued: list[LinkUrl] = []

    def to_out(company: Company) -> CompanyOut:
        issued.append(issuer.issue(company))
        return company_out(company, issued[-1], company.api_connections)

    page = paginate(
        request,
        companies,
        to_out,
        page=params.page,
        page_size=params.pageSize,
        keyset=queries.company_keyset(params.orderBy),
        cursor=params.cursor,
    )
    if issued:
        _say_when_it_expires(response, max(issued, key=_expiry))
    return constructed_page(Page[CompanyOut], page)


def _expiry(link_url: LinkUrl) -> datetime:
    return link_url.expires_at or datetime.min.replace(tzinfo=UTC)


@router.get("/{companyId}", response={200: CompanyOut, **ERRORS}, summary="Get a company")
def get_company(request: HttpRequest, response: HttpResponse, companyId: uuid.UUID):
    company = queries.company_or_404(companyId)
    return company_to_dict(company, _issued(response, company))


@router.patch("/{companyId}", response={200: CompanyOut, **ERRORS}, summary="Update a company")
def update_company(
    request: HttpRequest, response: HttpResponse, companyId: uuid.UUID, payload: CompanyPatch
):
    given = payload.model_fields_set
    services.company_update(
        company=queries.company_or_404(companyId),
        name=payload.name,
        # An explicit null clears the description; leaving it out keeps it.
        description=(payload.description or "") if "description" in given else None,
        actor=Actor.api_key(request.auth),
    )
    company = queries.company_or_404(companyId)
    return company_to_dict(company, _issued(response, company))


@router.delete("/{companyId}", response={204: None, **ERRORS}, summary="Delete a company")
def delete_company(request: HttpRequest, companyId: uuid.UUID):
    services.company_delete(company=queries.company_or_404(companyId))
    return Status(204, None)


@router.post(
    "/{companyId}/link-url",
    response={200: LinkUrlOut, **ERRORS},
    summary="Get a fresh Link URL",
    description="The re-authorization path: send the user to this URL to link again.",
)
def new_link_url(request: HttpRequest, companyId: uuid.UUID):
    company = services.link_url_renew(
        company=queries.company_or_404(companyId), actor=Actor.api_key(request.auth)
    )
    link_url = issue_link_url(company)
    return {"linkUrl": link_url.url, "expiresAt": link_url.expires_at}


# Connections


@router.get(
    "/{companyId}/connections",
    response={200: Page[ConnectionOut], **ERRORS},
    summary="List a company's connections",
    by_alias=True,
)
def list_connections(
    request: HttpRequest, response: HttpResponse, companyId: uuid.UUID, params: Query[PageParams]
):
    company = queries.company_or_404(companyId)
    link_url = _issued(response, company).url
    connections = company.connections.order_by("created", "id")
    return paginate(
        request,
        connections,
        lambda connection: connection_to_dict(connection, link_url),
        page=params.page,
        page_size=params.pageSize,
    )


@router.post(
    "/{companyId}/connections",
    response={200: ConnectionOut, 201: ConnectionOut, **ERRORS},
    summary="Create a connection",
    description="Creates the company's `PendingAuth` connection for a platform (201), or "
    "returns the existing one (200). Send the user to its `linkUrl` to authorize.",
)
def create_connection(
    request: HttpRequest, response: HttpResponse, companyId: uuid.UUID, payload: ConnectionIn
):
    company = queries.company_or_404(companyId)
    platform = get_platform(payload.platformKey)
    if platform is None:
        keys = ", ".join(p.key for p in all_platforms())
        raise HttpError(
            400, f"Unknown platformKey “{payload.platformKey[:50]}”. Use one of: {keys}."
        )
    connection, created = services.connection_create(
        company=company, platform=platform, actor=Actor.api_key(request.auth)
    )
    body = connection_to_dict(connection, _issued(response, company).url)
    return Status(201 if created else 200, body)


@router.get(
    "/{companyId}/connections/{connectionId}",
    response={200: ConnectionOut, **ERRORS},
    summary="Get a connection",
)
def get_connection(
    request: HttpRequest, response: HttpResponse, companyId: uuid.UUID, connectionId: uuid.UUID
):
    connection = _connection(companyId, connectionId)
    return connection_to_dict(connection, _issued(response, connection.company).url)


@router.patch(
    "/{companyId}/connections/{connectionId}",
    response={200: ConnectionOut, 409: ErrorOut, **ERRORS},
    summary="Unlink a connection",
    description='`{"status": "Unlinked"}` cuts a Linked connection. Its data stays readable.',
)
def update_connection(
    request: HttpRequest,
    response: HttpResponse,
    companyId: uuid.UUID,
    connectionId: uuid.UUID,
    payload: ConnectionPatch,
):
    connection = _connection(companyId, connectionId)
    try:
        connection = services.connection_unlink(
            connection=connection, actor=Actor.api_key(request.auth)
        )
    except services.ConnectionStateError as error:
        raise HttpError(409, str(error)) from None
    return connection_to_dict(connection, _issued(response, connection.company).url)


@router.delete(
    "/{companyId}/connections/{connectionId}",
    response={204: None, **ERRORS},
    summary="Delete a connection",
)
def delete_connection(request: HttpRequest, companyId: uuid.UUID, connectionId: uuid.UUID):
    services.connection_delete(
        connection=_connection(companyId, connectionId), actor=Actor.api_key(request.auth)
    )
    return Status(204, None)
