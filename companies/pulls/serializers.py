"""A data pull as the JSON API shows it (also the body of `sync.*` webhook events)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from companies.models import DataPull
from portal.apikit.schemas import api_json


class PullOut(Schema):
    id: uuid.UUID
    companyId: uuid.UUID
    connectionId: uuid.UUID
    status: Literal["Queued", "Fetching", "Complete", "FetchError", "AuthError", "Cancelled"]
    requested: datetime
    started: datetime | None
    completed: datetime | None
    progress: int = Field(description="Percent done, 0 to 100.")
    recordsDone: int
    recordsTotal: int
    isCompleted: bool
    isErrored: bool
    errorMessage: str


def pull_to_dict(pull: DataPull) -> dict:
    return {
        "id": pull.id,
        "companyId": pull.company_id,
        "connectionId": pull.connection_id,
        "status": pull.status,
        "requested": pull.requested,
        "started": pull.started,
        "completed": pull.finished,
        "progress": pull.percent,
        "recordsDone": pull.records_done,
        "recordsTotal": pull.records_total,
        "isCompleted": pull.status == DataPull.Status.COMPLETE,
        "isErrored": pull.status in (DataPull.Status.FETCH_ERROR, DataPull.Status.AUTH_ERROR),
        "errorMessage": pull.error_message,
    }


def pull_json(pull: DataPull) -> dict:
    return api_json(PullOut, pull_to_dict(pull))
