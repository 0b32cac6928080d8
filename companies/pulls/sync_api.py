"""Sync settings in the JSON API, after Codat's `/profile/syncSettings` and
`/companies/{companyId}/syncSettings`: the default frequency, a company's own, and for each
connection its last and next sync."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from companies import queries
from companies.activity import Actor
from companies.models import Company, SyncFrequency, SyncSettings
from companies.pulls import schedule
from portal.apikit.schemas import ERRORS, StrictSchema

profile_router = Router(tags=["Sync settings"])
router = Router(tags=["Sync settings"])

Frequency = Literal[tuple(SyncFrequency.values)]


class SyncSettingsOut(Schema):
    defaultFrequency: Frequency = Field(
        description="How often every company syncs unless it has its own frequency."
    )


class SyncSettingsIn(StrictSchema):
    defaultFrequency: Frequency


class ConnectionSyncOut(Schema):
    connectionId: uuid.UUID
    integrationKey: str
    status: str
    lastSync: datetime | None
    lastSyncStatus: str | None = Field(description="How the latest pull ended, if one did.")
    nextSync: datetime | None = Field(description="When the schedule pulls it next (Linked only).")


class CompanySyncOut(Schema):
    companyId: uuid.UUID
    frequency: Frequency | None = Field(description="The company's own; null follows the default.")
    frequencyInForce: Frequency
    connections: list[ConnectionSyncOut]


class CompanySyncIn(StrictSchema):
    frequency: Frequency | None = Field(description="null: follow the default again.")


def company_sync_to_dict(company: Company, sync_settings: SyncSettings | None = None) -> dict:
    return {
        "companyId": company.id,
        "frequency": company.sync_frequency or None,
        "frequencyInForce": schedule.frequency_in_force(company, sync_settings),
        "connections": [
            {
                "connectionId": connection.id,
                "integrationKey": connection.platform,
                "status": connection.status,
                "lastSync": connection.last_sync,
                "lastSyncStatus": connection.last_pull_status or None,
                "nextSync": connection.next_sync_at if connection.status == "Linked" else None,
            }
            for connection in company.connections.all()
        ],
    }


@profile_router.get("/syncSettings", response={200: SyncSettingsOut, **ERRORS})
def get_sync_settings(request: HttpRequest):
    return {"defaultFrequency": SyncSettings.load().default_frequency}


@profile_router.put(
    "/syncSettings",
    response={200: SyncSettingsOut, **ERRORS},
    description="Companies without their own frequency are rescheduled at once.",
)
def put_sync_settings(request: HttpRequest, payload: SyncSettingsIn):
    sync_settings = schedule.sync_settings_update(
        default_frequency=payload.defaultFrequency, actor=Actor.api_key(request.auth)
    )
    return {"defaultFrequency": sync_settings.default_frequency}


@router.get("/{companyId}/syncSettings", response={200: CompanySyncOut, **ERRORS})
def get_company_sync(request: HttpRequest, companyId: uuid.UUID):
    return company_sync_to_dict(queries.company_or_404(companyId))


@router.put("/{companyId}/syncSettings", response={200: CompanySyncOut, **ERRORS})
def put_company_sync(request: HttpRequest, companyId: uuid.UUID, payload: CompanySyncIn):
    company = schedule.company_set_sync_frequency(
        company=queries.company_or_404(companyId),
        frequency=payload.frequency or "",
        actor=Actor.api_key(request.auth),
    )
    return company_sync_to_dict(queries.company_or_404(company.id))
