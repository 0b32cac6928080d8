"""Data pulls and pulled records in the JSON API (Codat's `/companies/{id}/data/...`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from companies import queries
from companies.activity import Actor
from companies.models import DataPull
from companies.platforms.sandbox_data import DATA_TYPES
from companies.pulls import queue
from companies.pulls.lifecycle import PullStateError
from companies.pulls.serializers import PullOut, pull_to_dict
from companies.services import ConnectionStateError
from portal.apikit.pagination import Page, PageParams, paginate
from portal.apikit.schemas import ERRORS, ErrorOut

router = Router(tags=["Data"])

DataType = Literal[tuple(DATA_TYPES)]  # the sandbox data types, documented as an enum


class RecordOut(Schema):
    id: str = Field(description="The record's id at the platform.")
    connectionId: uuid.UUID
    dataType: str
    date: date | None
    amount: Decimal | None
    pulled: datetime
    data: dict = Field(description="The record as the platform sent it.")


def record_to_dict(record) -> dict:
    return {
        "id": record.external_id,
        "connectionId": record.connection_id,
        "dataType": record.data_type,
        "date": record.occurred_on,
        "amount": record.amount,
        "pulled": record.pulled_at,
        "data": record.payload,
    }


@router.post(
    "/{companyId}/data/all",
    response={202: list[PullOut], 409: ErrorOut, **ERRORS},
    summary="Queue a pull of every Linked connection",
    description="409 when the company has no Linked connection: send its user through Link.",
)
def queue_all(request: HttpRequest, companyId: uuid.UUID):
    company = queries.company_or_404(companyId)
    try:
        queued = queue.pulls_queue_all(company=company, actor=Actor.api_key(request.auth))
    except ConnectionStateError as error:
        raise HttpError(409, str(error)) from None
    return Status(202, [pull_to_dict(pull) for pull, _ in queued])


@router.get(
    "/{companyId}/data/history",
    response={200: Page[PullOut], **ERRORS},
    summary="List a company's pulls, newest first",
    by_alias=True,
)
def pull_history(request: HttpRequest, companyId: uuid.UUID, params: Query[PageParams]):
    company = queries.company_or_404(companyId)
    return paginate(
        request,
        company.pulls.order_by("-requested", "id"),
        pull_to_dict,
        page=params.page,
        page_size=params.pageSize,
    )


@router.get(
    "/{companyId}/data/history/{pullId}",
    response={200: PullOut, **ERRORS},
    summary="Get a pull",
)
def pull_detail(request: HttpRequest, companyId: uuid.UUID, pullId: uuid.UUID):
    pull = DataPull.objects.filter(pk=pullId, company_id=companyId).first()
    if pull is None:
        raise Http404(f"Company {companyId} has no pull with the id {pullId}.")
    return pull_to_dict(pull)


@router.get(
    "/{companyId}/data/{dataType}",
    response={200: Page[RecordOut], **ERRORS},
    summary="List pulled records of a data type",
    description=f"Data types: {', '.join(DATA_TYPES)}. Records stay readable after a "
    "connection is deauthorized or unlinked.",
    by_alias=True,
)
def records(
    request: HttpRequest, companyId: uuid.UUID, dataType: DataType, params: Query[PageParams]
):
    company = queries.company_or_404(companyId)
    return paginate(
        request,
        queries.records_for_browser(company, dataType),
        record_to_dict,
        page=params.page,
        page_size=params.pageSize,
    )


@router.post(
    "/{companyId}/data/history/{pullId}/cancel",
    response={200: PullOut, 409: ErrorOut, **ERRORS},
    summary="Cancel a pull",
    description="A Queued or Fetching pull stops before its next page; 409 once it has ended.",
)
def pull_cancel(request: HttpRequest, companyId: uuid.UUID, pullId: uuid.UUID):
    pull = DataPull.objects.filter(pk=pullId, company_id=companyId).first()
    if pull is None:
        raise Http404(f"Company {companyId} has no pull with the id {pullId}.")
    try:
        pull = queue.pull_cancel(pull=pull, actor=Actor.api_key(request.auth))
    except PullStateError as error:
        raise HttpError(409, str(error)) from None
    return pull_to_dict(pull)
