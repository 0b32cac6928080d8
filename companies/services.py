"""Every write to companies and their connections goes through these functions.

Views, the API, admin actions and tasks call them; each records what it did in the
company's activity log, naming the actor.
"""

from __future__ import annotations

import uuid

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from companies import activity
from companies.activity import Actor
from companies.models import Company, DataConnection, DataPull, LinkSettings
from companies.platforms import Platform
from companies.serializers import company_json, connection_json
from companies.validators import normalize_company_name
from portal.webhooks import events

Status = DataConnection.Status


class ConnectionStateError(Exception):
    """The connection is not in a state that allows this; the message says why."""


class ConnectionGone(Http404):
    """The connection was deleted before this write got its lock."""

    def __init__(self, company_id: uuid.UUID, connection_id: uuid.UUID) -> None:
        super().__init__(f"Company {company_id} has no connection with the id {connection_id}.")


class CompanyGone(Http404):
    """The company was deleted, before this write or while it waited for the company's lock.

    An Http404, so that a portal page, the admin and the API answer 404 (the API in its usual
    JSON error body) without each view catching it; the Link pages show their friendly page,
    and tasks treat it as nothing left to do."""

    def __init__(self, company_id: uuid.UUID) -> None:
        super().__init__(f"No company has the id {company_id}.")
        self.company_id = company_id


def lock_company(company_id: uuid.UUID) -> Company:
    """The company's row, locked until the end of the current transaction, or CompanyGone.

    Every write to a company or to anything it owns starts its transaction with this lock,
    before locking any other row: writes to one company then take turns with each other and
    with its deletion, so none adds a row to a company being deleted, and none finds its
    company gone halfway. (A no-op on SQLite, which lets one writer in at a time anyway.)"""
    company = Company.objects.select_for_update().filter(pk=company_id).first()
    if company is None:
        raise CompanyGone(company_id)
    return company


def company_create(*, name: str, description: str = "", actor: Actor | None = None) -> Company:
    actor = actor or Actor.system()
    company = Company(
        name=normalize_company_name(name),
        description=description,
        created_by=actor.user,
        created_by_api_key=actor.key,
    )
    company.full_clean()
    with transaction.atomic():
        company.save()
        activity.record(
            company=company,
            actor=actor,
            action="company.created",
            message=f"Created the company “{company.name}”.",
        )
        events.record(type="company.created", company_id=company.id, data=company_json(company))
    return company


def company_update(
    *,
    company: Company,
    name: str | None = None,
    description: str | None = None,
    actor: Actor | None = None,
) -> Company:
    """Change the fields given (None leaves one as it is) on the locked row, so two partial
    updates at once cannot undo each other."""
    with transaction.atomic():
        company = lock_company(company.pk)
        old_name = company.name
        if name is not None:
            company.name = normalize_company_name(name)
        if description is not None:
            company.description = description
        company.full_clean()
        company.save(update_fields=["name", "description"])
        renamed = f" (was “{old_name}”)" if old_name != company.name else ""
        activity.record(
            company=company,
            actor=actor or Actor.system(),
            action="company.updated",
            message=f"Edited the name and description{renamed}.",
        )
        events.record(type="company.updated", company_id=company.id, data=company_json(company))
    return company


@transaction.atomic
def company_delete(*, company: Company) -> None:
    # Connections, pulls, records, payroll accounts (and their credentials), Link attempts
    # and the activity log go with the company (CASCADE); its Link URLs stop working
    # because their company no longer exists.
    # The company's lock first: writes under way finish before we look for rows to delete,
    # and writes that come after find the company gone.
    company = lock_company(company.pk)
    # A running pull holds its row while it stores a page: lock those rows too, so the
    # worker finishes its page before we look for rows to delete, then sees the pull gone.
    list(
        DataPull.objects.select_for_update().filter(
            company=company, status__in=[DataPull.Status.QUEUED, DataPull.Status.FETCHING]
        )
    )
    events.record(type="company.deleted", company_id=company.id, data=company_json(company))
    company.delete()


# Link URLs


def link_url_renew(*, company: Company, actor: Actor) -> Company:
    """A new Link URL with a fresh lifetime; URLs issued before keep working until they expire."""
    with transaction.atomic():
        lock_company(company.pk)
        company.link_issued_at = timezone.now()
        company.save(update_fields=["link_issued_at"])
        activity.record(
            company=company, actor=actor, action="link.renewed", message="Issued a new Link URL."
        )
    return company


def link_urls_revoke(*, company: Company, actor: Actor) -> Company:
    """Every Link URL issued so far stops working; a new one is issued in their place."""
    with transaction.atomic():
        lock_company(company.pk)
        Company.objects.filter(pk=company.pk).update(
            link_version=F("link_version") + 1, link_issued_at=timezone.now()
        )
        company.refresh_from_db(fields=["link_version", "link_issued_at"])
        activity.record(
            company=company,
            actor=actor,
            action="link.revoked",
            message="Revoked every Link URL issued so far and issued a new one.",
        )
    return company


def link_settings_update(
    *,
    redirect_url_template: str,
    link_lifetime_days: int | None,
    display_name: str,
    actor: Actor,
) -> LinkSettings:
    """Save the Link settings. The redirect URL decides where every end user is sent, so each
    change is kept in the admin's history of the settings (Admin > Link settings > History)."""
    link_settings = LinkSettings.load()
    before = (
        link_settings.redirect_url_template,
        link_settings.link_lifetime_days,
        link_settings.display_name,
    )
    link_settings.redirect_url_template = redirect_url_template
    link_settings.link_lifetime_days = link_lifetime_days
    link_settings.display_name = display_name
    link_settings.full_clean()
    with transaction.atomic():
        link_settings.save()
        if actor.user is not None:
            labels = ["redirect URL", "Link URL lifetime", "name shown to end users"]
            after = (redirect_url_template, link_lifetime_days, display_name)
            changed = [
                label for label, old, new in zip(labels, before, after, strict=True) if old != new
            ]
            LogEntry.objects.log_actions(
                actor.user.pk,
                LinkSettings.objects.filter(pk=link_settings.pk),
                CHANGE,
                change_message=f"Changed {', '.join(changed)} in the portal."
                if changed
                else "Saved without changes in the portal.",
                single_object=True,
            )
    return link_settings


# Connections


def connection_create(
    *, company: Company, platform: Platform, actor: Actor
) -> tuple[DataConnection, bool]:
    """The company's connection for this platform, `PendingAuth`, and whether it was created
    now. An existing one is reused (an unfinished, revoked or unlinked one goes back to
    `PendingAuth`, a linked one stays)."""
    with transaction.atomic():
        lock_company(company.pk)
        return connection_create_locked(company=company, platform=platform, actor=actor)


def connection_create_locked(
    *, company: Company, platform: Platform, actor: Actor
) -> tuple[DataConnection, bool]:
    """`connection_create` for a caller whose transaction already holds the company's lock
    (Link starting an attempt with it)."""
    # Holding the company's lock, no other write can create this row meanwhile: no
    # savepoint for a race that cannot happen.
    connection = (
        DataConnection.objects.select_for_update()
        .filter(company=company, platform=platform.key)
        .first()
    )
    created = connection is None
    if created:
        connection = DataConnection.objects.create(
            company=company, platform=platform.key, source_type=platform.source_type
        )
        activity.record(
            company=company,
            actor=actor,
            action="connection.created",
            connection=connection,
            message=f"Started linking {platform.name} (PendingAuth).",
        )
        events.record(
            type="connection.created", company_id=company.id, data=connection_json(connection)
        )
    elif connection.status in (Status.DEAUTHORIZED, Status.UNLINKED):
        previous = connection.status
        connection.status = Status.PENDING_AUTH
        connection.save(update_fields=["status"])
        activity.record(
            company=company,
            actor=actor,
            action="connection.relinking",
            connection=connection,
            message=f"Started re-linking {platform.name} (was {previous}).",
        )
    return connection, created


def lock_linked_connection(connection: DataConnection, *, refusal: str) -> DataConnection:
    """The connection's row, locked for this transaction, if it is Linked; otherwise
    ConnectionStateError with `refusal`, in which {platform} and {status} are filled in.
    Its company is locked first (CompanyGone if it was deleted)."""
    lock_company(connection.company_id)
    connection = lock_connection(connection)
    if connection.status != Status.LINKED:
        raise ConnectionStateError(
            refusal.format(platform=connection.platform_name, status=connection.status)
        )
    return connection


def lock_connection(connection: DataConnection) -> DataConnection:
    """The connection's row, locked, once its company's is; ConnectionGone if it was deleted."""
    locked = DataConnection.objects.select_for_update().filter(pk=connection.pk).first()
    if locked is None:
        raise ConnectionGone(connection.company_id, connection.pk)
    return locked


def connection_deauthorize(*, connection: DataConnection, actor: Actor) -> DataConnection:
    """The platform withdrew access (revoked by the user there, or expired)."""
    with transaction.atomic():
        connection = lock_linked_connection(
            connection, refusal="Only a Linked connection can be revoked; this one is {status}."
        )
        now = timezone.now()
        connection.status = Status.DEAUTHORIZED
        connection.error_status_code = 401
        connection.error_message = f"Access was revoked at {connection.platform_name}."
        connection.errored_at = now
        connection.save()
        activity.record(
            company=connection.company,
            actor=actor,
            action="connection.deauthorized",
            connection=connection,
            message=f"{connection.platform_name} withdrew access (Deauthorized). "
            "Send the user through Link again to re-link.",
        )
        events.record(
            type="connection.deauthorized",
            company_id=connection.company_id,
            data=connection_json(connection),
        )
    return connection


def connection_unlink(*, connection: DataConnection, actor: Actor) -> DataConnection:
    with transaction.atomic():
        connection = lock_linked_connection(
            connection, refusal="Only a Linked connection can be unlinked; this one is {status}."
        )
        connection.status = Status.UNLINKED
        connection.save(update_fields=["status"])
        activity.record(
            company=connection.company,
            actor=actor,
            action="connection.unlinked",
            connection=connection,
            message=f"Unlinked {connection.platform_name}.",
        )
        events.record(
            type="connection.unlinked",
            company_id=connection.company_id,
            data=connection_json(connection),
        )
    return connection


def connection_delete(*, connection: DataConnection, actor: Actor) -> None:
    with transaction.atomic():
        lock_company(connection.company_id)
        connection = lock_connection(connection)
        activity.record(
            company=connection.company,
            actor=actor,
            action="connection.deleted",
            connection=connection,
            message=f"Deleted the {connection.platform_name} connection.",
        )
        events.record(
            type="connection.deleted",
            company_id=connection.company_id,
            data=connection_json(connection),
        )
        connection.delete()


def connection_set_sandbox_scenario(
    *, connection: DataConnection, scenario: str, actor: Actor
) -> DataConnection:
    """Sandbox control: how the platform behaves for this connection's pulls."""
    with transaction.atomic():
        lock_company(connection.company_id)
        connection = lock_connection(connection)
        connection.sandbox_scenario = scenario
        connection.full_clean()
        connection.save(update_fields=["sandbox_scenario"])
        activity.record(
            company=connection.company,
            actor=actor,
            action="connection.sandbox",
            connection=connection,
            message=f"Set the {connection.platform_name} sandbox to "
            f"“{connection.get_sandbox_scenario_display()}”.",
        )
    return connection
