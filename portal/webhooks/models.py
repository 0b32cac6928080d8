"""Events (what happened), webhook endpoints (where to tell it) and deliveries (one event to
one endpoint, with its latest attempt)."""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models


class Endpoint(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField("URL", max_length=2000)
    description = models.CharField(
        max_length=500, blank=True, validators=[ProhibitNullCharactersValidator()]
    )
    # Empty: every event type, including ones added later.
    event_types = models.JSONField(default=list, blank=True)
    enabled = models.BooleanField(default=True)
    # Why it was turned off by Causeway (empty when staff turned it off, or while enabled).
    disabled_reason = models.TextField(blank=True)
    # The signing secrets, encrypted with CREDENTIALS_KEYS; the plain text is shown once.
    secret_ciphertext = models.TextField(editable=False)
    previous_secret_ciphertext = models.TextField(blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Since when every attempt has failed (None after any success).
    failing_since = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class Event(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=64)
    # No foreign key: the plumbing knows no company model, and a company's events (its
    # `company.deleted` among them) outlive it.
    company_id = models.UUIDField(null=True, blank=True)
    # The resource as the API showed it when the event happened.
    data = models.JSONField(encoder=DjangoJSONEncoder)
    created = models.DateTimeField()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["-created", "-id"], name="webhooks_event_newest"),
            models.Index(fields=["type", "-created"], name="webhooks_event_type"),
            models.Index(fields=["company_id", "-created"], name="webhooks_event_company"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"

    @property
    def webhook_id(self) -> str:
        return f"evt_{self.id.hex}"

    def payload(self) -> dict:
        """The body sent and listed by the API."""
        return {
            "id": self.webhook_id,
            "type": self.type,
            "timestamp": self.created.isoformat().replace("+00:00", "Z"),
            "companyId": str(self.company_id) if self.company_id else None,
            "data": self.data,
        }


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Attempts made so far; the latest one's outcome is kept below.
    attempts = models.PositiveIntegerField(default=0)
    # When the next attempt is due (while pending). A worker that takes the delivery moves it
    # on by a lease, so a worker that dies mid-attempt leaves it due again, not lost.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField()
    # Retries go on until WEBHOOKS_RETRY_HOURS after this: the first attempt, or a resend.
    retry_from = models.DateTimeField()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_delivery_due"),
            models.Index(fields=["endpoint", "-created", "-id"], name="webhooks_delivery_newest"),
            models.Index(fields=["endpoint", "status", "-created"], name="webhooks_del_status"),
            # Admin's changelist of every endpoint's deliveries, newest first.
            models.Index(fields=["created", "id"], name="webhooks_delivery_created"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"


class EndpointLogEntry(models.Model):
    """The endpoint's activity log: created, changed, secret rotated, disabled."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="log")
    created = models.DateTimeField(auto_now_add=True)
    actor_name = models.CharField(max_length=150, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "endpoint log entries"

    def __str__(self) -> str:
        return self.message
