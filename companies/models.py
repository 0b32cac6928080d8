from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from django.utils import timezone

from companies.platforms import get_platform
from companies.validators import NAME_MAX_LENGTH, validate_company_name

DESCRIPTION_MAX_LENGTH = 4000


class Company(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=NAME_MAX_LENGTH, validators=[validate_company_name])
    description = models.TextField(
        blank=True,
        validators=[ProhibitNullCharactersValidator(), MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["-created"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

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
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING_AUTH, db_index=True
    )
    created = models.DateTimeField(default=timezone.now)
    linked_at = models.DateTimeField(null=True, blank=True)
    last_sync = models.DateTimeField(null=True, blank=True)
    error_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    errored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created"]
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
