from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts import crypto
from accounts.crypto import Secret
from accounts.providers import PayrollProvider, get_provider
from companies.models import Company

USER_NAME_MAX_LENGTH = 255


def validate_user_name(value: str) -> None:
    if not value.isprintable():
        raise ValidationError(
            "The user name may not contain control characters (such as NUL, tab or a new line).",
            code="control_characters",
        )


class PayrollAccount(models.Model):
    """A company's login at a payroll provider, as in Teal's `POST /accounts`."""

    class Status(models.TextChoices):
        # Teal's names, verbatim: they appear in the API.
        PENDING = "PENDING", "Pending"
        CONNECTED = "CONNECTED", "Connected"
        MFA_REQUIRED = "MFA_REQUIRED", "MFA required"
        INVALID_CREDENTIALS = "INVALID_CREDENTIALS", "Invalid credentials"
        DISCONNECTED = "DISCONNECTED", "Disconnected"

    class MfaType(models.TextChoices):
        CODE = "Code", "Code"

    class MfaSource(models.TextChoices):
        AUTHENTICATOR_APP = "AUTHENTICATOR_APP", "Authenticator app"
        SMS = "SMS", "SMS"

    account_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="payroll_accounts")
    payroll_provider = models.CharField(max_length=50)
    user_name = models.CharField(
        max_length=USER_NAME_MAX_LENGTH, blank=True, validators=[validate_user_name]
    )
    # A Fernet token (accounts.crypto); never shown, never editable through a form.
    password_ciphertext = models.TextField(blank=True, editable=False)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # Why the account is in its status, in words for staff ("Too many wrong codes.").
    status_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    connected_at = models.DateTimeField(null=True, blank=True)
    mfa_enabled = models.BooleanField(default=False)
    mfa_type = models.CharField(max_length=20, choices=MfaType.choices, blank=True)
    mfa_source = models.CharField(max_length=30, choices=MfaSource.choices, blank=True)
    mfa_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Wrong MFA codes in a row."
    )
    latest_pay_date = models.DateTimeField(null=True, blank=True)
    # The schedule, as for accounting connections: when payroll was last pulled, and when
    # the scheduler pulls it next (None while not CONNECTED).
    last_sync_at = models.DateTimeField(null=True, blank=True)
    next_sync_at = models.DateTimeField(null=True, blank=True)
    authorization_url = models.CharField(max_length=2000, blank=True)
    # OAuth2: the nonce inside the current `state`. Cleared when the callback uses it, so a
    # state works once; replaced when a new authorization URL is issued.
    oauth_nonce = models.CharField(max_length=64, blank=True, editable=False)
    # Set when the end user came through Link: the custom values for the redirect afterwards.
    link_params = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "account_id"]
        indexes = [
            models.Index(fields=["company", "-created_at"], name="payroll_company_created"),
            models.Index(fields=["status", "next_sync_at"], name="payroll_sync_due"),
            # Admin's changelist, in the ordering above, without sorting every account.
            models.Index(fields=["-created_at", "account_id"], name="payroll_created_order"),
        ]

    def __str__(self) -> str:
        login = f" ({self.user_name})" if self.user_name else ""
        return f"{self.provider_name} account{login}: {self.status}"

    @property
    def provider(self) -> PayrollProvider | None:
        return get_provider(self.payroll_provider)

    @property
    def provider_name(self) -> str:
        provider = self.provider
        return provider.name if provider else self.payroll_provider

    @property
    def mfa_method(self) -> dict[str, str] | None:
        if not self.mfa_type:
            return None
        return {"type": self.mfa_type, "source": self.mfa_source}

    def set_password(self, password: Secret | None) -> None:
        self.password_ciphertext = crypto.encrypt(password) if password else ""

    def get_password(self) -> Secret | None:
        return crypto.decrypt(self.password_ciphertext) if self.password_ciphertext else None
