from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from companies.link.redirects import validate_redirect_template
from companies.platforms import get_platform
from companies.platforms.sandbox import Scenario
from companies.validators import NAME_MAX_LENGTH, validate_company_name, validate_description

DESCRIPTION_MAX_LENGTH = 4000
LINK_LIFETIME_MAX_DAYS = 365


class SyncFrequency(models.TextChoices):
    """How often data is pulled by itself; `interval` says how long between two syncs."""

    OFF = "off", "Off"
    HOURLY = "hourly", "Hourly"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"

    @property
    def interval(self) -> timedelta | None:
        return {
            "hourly": timedelta(hours=1),
            "daily": timedelta(days=1),
            "weekly": timedelta(weeks=1),
            "monthly": timedelta(days=30),
        }.get(self.value)


class Company(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=NAME_MAX_LENGTH, validators=[validate_company_name])
    description = models.TextField(
        blank=True,
        validators=[ProhibitNullCharactersValidator(), MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    created = models.DateTimeField(default=timezone.now)
    # Who created it: a staff user, or an API key (neither for Link, seeds and the system).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by_api_key = models.ForeignKey(
        "portal.ApiKey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Link URLs carry the version they were issued under; revoking bumps it, so every
    # URL issued before stops working. link_issued_at starts the current URL's lifetime.
    link_version = models.PositiveIntegerField(default=1, editable=False)
    link_issued_at = models.DateTimeField(default=timezone.now, editable=False)
    # Empty: the default of Settings > Sync.
    sync_frequency = models.CharField(
        "sync frequency", max_length=10, choices=SyncFrequency.choices, blank=True
    )

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["-created"]
        # Each of the table's orderings (companies.queries.COMPANY_ORDERINGS) reads one of
        # these forwards or backwards, so a page costs the same at the millionth row (keyset
        # pages). Substring search has a trigram index on PostgreSQL (migration 0009).
        indexes = [
            models.Index(fields=["name"]),
            models.Index(Lower("name"), F("created").desc(), F("id"), name="company_name_order"),
            models.Index(fields=["created", "id"], name="company_created_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Here rather than among the field's validators, which would take a migration for a
        # table that does not change.
        try:
            validate_description(self.description)
        except ValidationError as invalid:
            raise ValidationError({"description": invalid.error_list}) from None

    @property
    def creator(self) -> str:
        if self.created_by_id:
            return self.created_by.get_username()
        if self.created_by_api_key_id:
            return f"API key {self.created_by_api_key}"
        return ""

    @property
    def last_sync(self):
        """Latest sync over the connections; uses the prefetched list where there is one."""
        syncs = [c.last_sync for c in self.connections.all() if c.last_sync]
        return max(syncs) if syncs else None


class DataConnection(models.Model):
    class Status(models.TextChoices):
        # Codat's names, verbatim: they appear in the API and in redirect URLs.
        PENDING_AUTH = "PendingAuth", "PendingAuth"
        LINKED = "Linked", "Linked"
        DEAUTHORIZED = "Deauthorized", "Deauthorized"
        UNLINKED = "Unlinked", "Unlinked"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="connections")
    platform = models.CharField(max_length=50)
    source_type = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_AUTH)
    created = models.DateTimeField(default=timezone.now)
    linked_at = models.DateTimeField(null=True, blank=True)
    last_sync = models.DateTimeField(null=True, blank=True)
    sandbox_scenario = models.CharField(
        "sandbox behaviour", max_length=20, choices=Scenario.CHOICES, default=Scenario.NORMAL
    )
    error_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    errored_at = models.DateTimeField(null=True, blank=True)
    # The schedule: when the scheduler next queues a pull (None: not scheduled), and how the
    # latest pull ended, so "last sync failed" is a filter, not a join over every pull.
    next_sync_at = models.DateTimeField(null=True, blank=True)
    last_pull_status = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["created"]
        indexes = [
            # The scheduler reads only what is due: Linked connections by next sync time
            # (status first, so SQLite picks this index over the one on status alone).
            models.Index(fields=["status", "next_sync_at"], name="connection_sync_due"),
            # The table's status filter and the dashboard's counts: companies with a connection
            # in a status, read from the index alone.
            models.Index(fields=["status", "company"], name="connection_status_company"),
            # Admin's list of connections, newest first.
            models.Index(fields=["created", "id"], name="connection_created_order"),
        ]
        constraints = [
            # Re-linking reuses the connection, so data and cost are never duplicated.
            models.UniqueConstraint(
                fields=["company", "platform"], name="one_connection_per_company_platform"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform_name} ({self.status}) for {self.company_id}"

    @property
    def platform_name(self) -> str:
        platform = get_platform(self.platform)
        return platform.name if platform else self.platform


# The row `LinkSettings.held()` is holding in this thread or task, if any.
_held_link_settings: ContextVar[LinkSettings | None] = ContextVar(
    "held_link_settings", default=None
)


class LinkSettings(models.Model):
    """Settings > Auth flow > Link: one row for the whole installation."""

    redirect_url_template = models.CharField(
        "redirect URL", max_length=2000, blank=True, validators=[validate_redirect_template]
    )
    # Empty: Link URLs never expire (as Codat's); revoking them still works.
    link_lifetime_days = models.PositiveSmallIntegerField(
        "Link URL lifetime (days)",
        default=7,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(LINK_LIFETIME_MAX_DAYS)],
    )
    display_name = models.CharField(
        "name shown to end users",
        max_length=100,
        default="Causeway",
        validators=[ProhibitNullCharactersValidator()],
    )

    class Meta:
        verbose_name = verbose_name_plural = "Link settings"

    def __str__(self) -> str:
        return "Link settings"

    @classmethod
    def load(cls) -> LinkSettings:
        if (held := _held_link_settings.get()) is not None:
            return held
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row

    @classmethod
    @contextmanager
    def held(cls) -> Iterator[LinkSettings]:
        """Within the block, `load()` gives this same row: a Link page reads the settings
        once, not again for each Link URL its webhook events carry."""
        link_settings = cls.load()
        previous = _held_link_settings.set(link_settings)
        try:
            yield link_settings
        finally:
            _held_link_settings.reset(previous)

    @property
    def link_lifetime(self) -> timedelta | None:
        """How long a Link URL works after it is issued; None: for ever."""
        if self.link_lifetime_days is None:
            return None
        return timedelta(days=self.link_lifetime_days)


class SyncSettings(models.Model):
    """Settings > Sync: one row for the whole installation."""

    default_frequency = models.CharField(
        "default sync frequency",
        max_length=10,
        choices=SyncFrequency.choices,
        default=SyncFrequency.DAILY,
    )

    class Meta:
        verbose_name = verbose_name_plural = "sync settings"

    def __str__(self) -> str:
        return "Sync settings"

    @classmethod
    def load(cls) -> SyncSettings:
        """The saved row, or the defaults until someone saves them: reading never writes
        (`sync_settings_update` creates the row under its lock)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class LinkAttempt(models.Model):
    """One visit to a platform's consent screen through Link. Answering it is single use."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    connection = models.ForeignKey(
        DataConnection, on_delete=models.CASCADE, related_name="link_attempts"
    )
    # Custom values from the Link URL's query string, for the redirect's placeholders.
    params = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Link attempt {self.id}"


class ActivityEntry(models.Model):
    class ActorKind(models.TextChoices):
        STAFF = "staff", "Staff"
        API_KEY = "api_key", "API key"
        END_USER = "end_user", "End user via Link"
        SYSTEM = "system", "System"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="activity")
    connection_id = models.UUIDField(null=True, blank=True)
    action = models.CharField(max_length=50)
    message = models.TextField()
    actor_kind = models.CharField(max_length=20, choices=ActorKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the actor was called at the time: a user name, a key's name.
    actor_name = models.CharField(max_length=150, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "activity entries"
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["company", "-created"]),
            # Admin's changelist, newest first: read backwards rather than sort every entry.
            models.Index(fields=["created", "id"], name="activity_created_order"),
        ]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.message}"

    @property
    def actor_label(self) -> str:
        if self.actor_kind == self.ActorKind.END_USER:
            return "End user via Link"
        if self.actor_kind == self.ActorKind.SYSTEM:
            return "Causeway"
        prefix = "API key" if self.actor_kind == self.ActorKind.API_KEY else ""
        return f"{prefix} {self.actor_name}".strip()


class DataPull(models.Model):
    """One pull of a connection's data from its platform, run by a task worker."""

    class Status(models.TextChoices):
        # Codat's dataset status names.
        QUEUED = "Queued", "Queued"
        FETCHING = "Fetching", "Fetching"
        COMPLETE = "Complete", "Complete"
        FETCH_ERROR = "FetchError", "FetchError"
        AUTH_ERROR = "AuthError", "AuthError"
        CANCELLED = "Cancelled", "Cancelled"

    FINISHED = (Status.COMPLETE, Status.FETCH_ERROR, Status.AUTH_ERROR, Status.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="pulls")
    connection = models.ForeignKey(DataConnection, on_delete=models.CASCADE, related_name="pulls")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    records_done = models.PositiveIntegerField(default=0)
    records_total = models.PositiveIntegerField(default=0)
    requested = models.DateTimeField(default=timezone.now, db_index=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    # Set by the worker at every page: a Fetching pull whose heartbeat stops had its worker die.
    heartbeat = models.DateTimeField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    requested_by = models.CharField(max_length=150, blank=True)
    # Queued by the schedule rather than a person: only its failures go in the activity log.
    scheduled = models.BooleanField(default=False)

    class Meta:
        ordering = ["-requested"]
        indexes = [
            models.Index(fields=["company", "-requested"]),
            # Admin's changelist: the ordering plus its "-pk" tie-breaker, read backwards.
            models.Index(fields=["requested", "id"], name="pull_requested_order"),
        ]

    def __str__(self) -> str:
        return f"Pull {self.id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def duration(self) -> str:
        """How long the pull ran, in words short enough for a table cell."""
        if not (self.started and self.finished):
            return ""
        seconds = (self.finished - self.started).total_seconds()
        if seconds < 60:
            return f"{seconds:.1f} s"
        return f"{int(seconds // 60)} min {int(seconds % 60)} s"

    @property
    def percent(self) -> int:
        if self.status == self.Status.COMPLETE:
            return 100
        if not self.records_total:
            return 0
        return min(99, self.records_done * 100 // self.records_total)


class PulledRecord(models.Model):
    """A record pulled from a platform, kept after the connection is deauthorized or unlinked.

    Upserted by (connection, data type, external id), so pulling again never duplicates.
    """

    connection = models.ForeignKey(DataConnection, on_delete=models.CASCADE, related_name="records")
    data_type = models.CharField(max_length=40)
    external_id = models.CharField(max_length=100)
    # Pulled out of the payload when stored, for search, sorting and charts.
    display_name = models.CharField(max_length=255, blank=True)
    occurred_on = models.DateField(null=True, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    payload = models.JSONField()
    pulled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "data_type", "external_id"], name="one_record_per_external_id"
            ),
        ]
        indexes = [models.Index(fields=["data_type", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.data_type} {self.external_id}"

    @property
    def currency(self) -> str:
        """The amount's currency code, as the platform sent it ("" when it sent none)."""
        currency = self.payload.get("currency") if isinstance(self.payload, dict) else None
        return currency if isinstance(currency, str) else ""


class MonthlyTotal(models.Model):
    """One connection's pulled records of one data type dated in one month: how many, and
    their amounts summed. Kept by the pulls in the transaction that stores the records
    (companies.pulls.totals), so a chart reads a few of these instead of every record."""

    connection = models.ForeignKey(
        DataConnection, on_delete=models.CASCADE, related_name="monthly_totals"
    )
    data_type = models.CharField(max_length=40)
    month = models.DateField(help_text="The month's first day.")
    records = models.PositiveIntegerField(default=0)
    # Wider than a record's amount: it sums many.
    amount = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "data_type", "month"], name="one_total_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.data_type} {self.month:%Y-%m}"
