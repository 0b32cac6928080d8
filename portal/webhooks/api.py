"""Webhook endpoints and the event list in the JSON API (camelCase, like companies)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from portal.apikit.pagination import MAX_PAGE, MAX_PAGE_SIZE, Page, paginate
from portal.apikit.schemas import ERRORS, StrictSchema
from portal.webhooks import services
from portal.webhooks.events import TEST_TYPE, TYPES
from portal.webhooks.models import Endpoint, Event

endpoints_router = Router(tags=["Webhooks"])
events_router = Router(tags=["Events"])

EventType = Literal[tuple(TYPES)]


# The schema states the rules the server applies, so a client validating against it is not
# refused: an http(s) URL on a host name (the server also takes an IP address that is not
# private, and checks every host's addresses again on each delivery).
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
URL_SCHEMA = {
    "format": "uri",
    "pattern": f"^https?://(?:{_LABEL}\\.){{1,2}}[A-Za-z]{{2,63}}(?::[1-9][0-9]{{0,3}})?"
    "(?:[/?#][!-~]*)?$",
}
DESCRIPTION_SCHEMA = {"pattern": "^[^\\x00]*$"}


class EndpointIn(StrictSchema):
    url: str = Field(
        max_length=2000,
        description="An https:// (or http://) address.",
        json_schema_extra=URL_SCHEMA,
    )
    description: str = Field("", max_length=500, json_schema_extra=DESCRIPTION_SCHEMA)
    eventTypes: list[EventType] = Field(
        default_factory=list, description="The event types to send; empty for every type."
    )
    enabled: bool = True


class EndpointPatch(StrictSchema):
    url: str = Field(
        None,
        max_length=2000,
        description="May be left out, not null.",
        json_schema_extra=URL_SCHEMA,
    )
    description: str = Field(None, max_length=500, json_schema_extra=DESCRIPTION_SCHEMA)
    eventTypes: list[EventType] = Field(None)
    enabled: bool = Field(None)


class EndpointOut(Schema):
    id: uuid.UUID
    url: str
    description: str
    eventTypes: list[str]
    enabled: bool
    disabledReason: str
    created: datetime


class EndpointWithSecretOut(EndpointOut):
    secret: str = Field(description="The signing secret. Shown only in this response.")


class EventOut(Schema):
    id: str
    type: str
    timestamp: datetime
    companyId: uuid.UUID | None
    data: dict[str, Any]


class EventListParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    pageSize: int = Field(100, ge=1, le=MAX_PAGE_SIZE)
    type: Literal[tuple([*TYPES, TEST_TYPE])] | None = None
    companyId: uuid.UUID | None = None


class EndpointListParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    pageSize: int = Field(100, ge=1, le=MAX_PAGE_SIZE)


def endpoint_to_dict(endpoint: Endpoint) -> dict:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "description": endpoint.description,
        "eventTypes": endpoint.event_types,
        "enabled": endpoint.enabled,
        "disabledReason": endpoint.disabled_reason,
        "created": endpoint.created,
    }


def _endpoint(endpoint_id: uuid.UUID) -> Endpoint:
    endpoint = Endpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise Http404(f"No webhook endpoint has the id {endpoint_id}.")
    return endpoint


def _actor(request: HttpRequest) -> str:
    return f"API key {request.auth}"


@endpoints_router.post(
    "",
    response={201: EndpointWithSecretOut, **ERRORS},
    summary="Create a webhook endpoint",
    description="The response carries the signing secret; it is never shown again.",
)
def create_endpoint(request: HttpRequest, payload: EndpointIn):
    endpoint, secret = services.endpoint_create(
        url=payload.url,
        description=payload.description,
        event_types=list(payload.eventTypes),
        enabled=payload.enabled,
        actor_name=_actor(request),
    )
    return Status(201, {**endpoint_to_dict(endpoint), "secret": secret})


@endpoints_router.get(
    "", response={200: Page[EndpointOut], **ERRORS}, summary="List webhook endpoints", by_alias=True
)
def list_endpoints(request: HttpRequest, params: Query[EndpointListParams]):
    return paginate(
        request,
        Endpoint.objects.order_by("created", "id"),
        endpoint_to_dict,
        page=params.page,
        page_size=params.pageSize,
    )


@endpoints_router.get(
    "/{endpointId}", response={200: EndpointOut, **ERRORS}, summary="Get a webhook endpoint"
)
def get_endpoint(request: HttpRequest, endpointId: uuid.UUID):
    return endpoint_to_dict(_endpoint(endpointId))


@endpoints_router.patch(
    "/{endpointId}", response={200: EndpointOut, **ERRORS}, summary="Update a webhook endpoint"
)
def update_endpoint(request: HttpRequest, endpointId: uuid.UUID, payload: EndpointPatch):
    given = payload.model_fields_set
    endpoint = services.endpoint_update(
        endpoint=_endpoint(endpointId),
        url=payload.url if "url" in given else None,
        description=payload.description if "description" in given else None,
        event_types=list(payload.eventTypes) if "eventTypes" in given else None,
        enabled=payload.enabled if "enabled" in given else None,
        actor_name=_actor(request),
    )
    return endpoint_to_dict(endpoint)


@endpoints_router.delete(
    "/{endpointId}", response={204: None, **ERRORS}, summary="Delete a webhook endpoint"
)
def delete_endpoint(request: HttpRequest, endpointId: uuid.UUID):
    services.endpoint_delete(endpoint=_endpoint(endpointId))
    return Status(204, None)


@endpoints_router.post(
    "/{endpointId}/rotate-secret",
    response={200: EndpointWithSecretOut, **ERRORS},
    summary="Rotate the signing secret",
    description="A new secret, in this response only. The old one keeps signing beside it "
    "for WEBHOOKS_SECRET_OVERLAP_HOURS (24 by default).",
)
def rotate_secret(request: HttpRequest, endpointId: uuid.UUID):
    endpoint, secret = services.endpoint_rotate_secret(
        endpoint=_endpoint(endpointId), actor_name=_actor(request)
    )
    return {**endpoint_to_dict(endpoint), "secret": secret}


def event_to_dict(event: Event) -> dict:
    return event.payload()


@events_router.get(
    "",
    response={200: Page[EventOut], **ERRORS},
    summary="List events",
    description="Newest first; the same bodies webhooks deliver. Filter by `type` and "
    "`companyId`. A receiver that was down catches up here.",
    by_alias=True,
)
def list_events(request: HttpRequest, params: Query[EventListParams]):
    events = services.events_for_list(type=params.type or "", company_id=params.companyId)
    return paginate(request, events, event_to_dict, page=params.page, page_size=params.pageSize)
