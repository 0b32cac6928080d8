"""Companies and connections as the JSON API shows them: the API answers with these, and
webhook events carry the same shape."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from django.db.models import prefetch_related_objects
from ninja import Field, Schema

from companies.link.tokens import LinkUrl, issue_link_url
from companies.models import Company, DataConnection
from portal.apikit.schemas import api_json


class DataConnectionError(Schema):
    statusCode: str
    statusText: str
    errorMessage: str
    erroredOnUtc: datetime


class ConnectionOut(Schema):
    id: uuid.UUID
    integrationKey: str
    platformName: str
    sourceType: str
    linkUrl: str
    status: Literal["PendingAuth", "Linked", "Deauthorized", "Unlinked"]
    created: datetime
    lastSync: datetime | None
    dataConnectionErrors: list[DataConnectionError]


class CompanyOut(Schema):
    id: uuid.UUID
    name: str
    description: str
    redirect: str = Field(
        description="The company's Link URL, issued with this response: it works for the Link "
        "URL lifetime from now; the `Link-Url-Expires` header says until when."
    )
    dataConnections: list[ConnectionOut]
    created: datetime


def connection_to_dict(connection: DataConnection, company_link_url: str) -> dict:
    errors = []
    if connection.error_message:
        errors.append(
            {
                "statusCode": str(connection.error_status_code or ""),
                "statusText": connection.status,
                "errorMessage": connection.error_message,
                "erroredOnUtc": connection.errored_at,
            }
        )
    return {
        "id": connection.id,
        "integrationKey": connection.platform,
        "platformName": connection.platform_name,
        "sourceType": connection.source_type,
        "linkUrl": f"{company_link_url}?_platform={connection.platform}",
        "status": connection.status,
        "created": connection.created,
        "lastSync": connection.last_sync,
        "dataConnectionErrors": errors,
    }


def company_to_dict(
    company: Company,
    link_url: LinkUrl | None = None,
    connections: list[DataConnection] | None = None,
) -> dict:
    """`link_url`: the one issued with the response (whose expiry a header gives);
    `connections`: the company's, when a list has read them already."""
    link_url = link_url or issue_link_url(company)
    if connections is None:
        connections = company.connections.all()
    return {
        "id": company.id,
        "name": company.name,
        "description": company.description,
        "redirect": link_url.url,
        "dataConnections": [connection_to_dict(c, link_url.url) for c in connections],
        "created": company.created,
    }


def company_out(
    company: Company, link_url: LinkUrl, connections: list[DataConnection]
) -> CompanyOut:
    """The company as a CompanyOut built, not validated: the dicts above hold values of the
    schema's types already, and a page of a hundred companies took longer to validate again
    than to read (see `portal.apikit.pagination.constructed_page`)."""
    data = company_to_dict(company, link_url, connections)
    data["dataConnections"] = [
        ConnectionOut.model_construct(
            **{
                **connection,
                "dataConnectionErrors": [
                    DataConnectionError.model_construct(**error)
                    for error in connection["dataConnectionErrors"]
                ],
            }
        )
        for connection in data["dataConnections"]
    ]
    return CompanyOut.model_construct(**data)


def company_json(company: Company) -> dict:
    """The company exactly as `GET /api/companies/{id}` returns it, as JSON values."""
    # Kept on the object: a page that shows the company next reads them from there.
    prefetch_related_objects([company], "connections")
    return api_json(CompanyOut, company_to_dict(company))


def connection_json(connection: DataConnection) -> dict:
    data = connection_to_dict(connection, issue_link_url(connection.company).url)
    return api_json(ConnectionOut, data)
