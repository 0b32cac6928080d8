"""The Link flow's rules: starting a Link attempt when the end user chooses a platform, and
applying their answer on the consent screen (once)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from companies import activity, services
from companies.activity import Actor
from companies.models import Company, DataConnection, LinkAttempt
from companies.platforms import Platform
from companies.platforms.sandbox import ConsentResult
from companies.pulls.schedule import sync_on_link
from companies.serializers import connection_json
from portal.webhooks import events

Status = DataConnection.Status


def link_attempt_start(
    *, company: Company, platform: Platform, params: Mapping[str, str]
) -> LinkAttempt:
    with transaction.atomic():
        services.lock_company(company.pk)
        connection, _ = services.connection_create_locked(
            company=company, platform=platform, actor=Actor.end_user()
        )
        return LinkAttempt.objects.create(connection=connection, params=dict(params))


def link_attempt_answer(*, attempt: LinkAttempt, result: ConsentResult) -> DataConnection | None:
    """Apply the end user's answer once. Returns the connection, or None when the attempt
    was already answered (a replayed form, or a second tab). Either way `attempt` is brought
    up to date, under the company's lock (CompanyGone if it was deleted)."""
    now = timezone.now()
    with transaction.atomic():
        company = services.lock_company(attempt.connection.company_id)
        claimed = LinkAttempt.objects.filter(pk=attempt.pk, answered_at__isnull=True).update(
            answered_at=now, status_code=result.status_code
        )
        if not claimed:
            attempt.refresh_from_db(fields=["answered_at", "status_code"])
            return None
        attempt.answered_at, attempt.status_code = now, result.status_code
        connection = services.lock_connection(attempt.connection)
        connection.company = company
        platform_name = connection.platform_name
        if result.granted:
            connection.status = Status.LINKED
            connection.linked_at = now
            connection.error_status_code = None
            connection.error_message = ""
            connection.errored_at = None
            message = f"Linked {platform_name}."
            action = "connection.linked"
        elif result.status_code == 403:
            message = f"The end user cancelled linking {platform_name}."
            action = "connection.cancelled"
        else:
            connection.error_status_code = result.status_code
            connection.error_message = result.error_message
            connection.errored_at = now
            message = f"Linking {platform_name} failed: {result.error_message}"
            action = "connection.failed"
        if connection.status == Status.LINKED:
            # Its first sync (or, re-linked, its schedule again) starts with the link.
            sync_on_link(connection, now=now)
        connection.save()
        activity.record(
            company=connection.company,
            actor=Actor.end_user(),
            action=action,
            connection=connection,
            message=message,
        )
        if result.granted:
            events.record(
                type="connection.linked",
                company_id=connection.company_id,
                data=connection_json(connection),
            )
    return connection
