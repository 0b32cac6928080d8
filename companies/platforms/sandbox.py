"""The sandbox adapter: behaves like a real platform's side of a connection.

There are no network calls. Consent is the sandbox consent screen; data comes from
`sandbox_data`, page by page; and a connection's sandbox scenario, chosen by staff on the
company page, makes the platform misbehave on demand (rate limits, errors, revoked access).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from companies.platforms.sandbox_data import Generated, counts_for, generate

if TYPE_CHECKING:
    from companies.models import DataConnection
    from companies.platforms import Platform

ALLOW = "allow"
CANCEL = "cancel"
SIMULATE_ERROR = "error"
PAGE_SIZE = 500


@dataclass(frozen=True)
class ConsentResult:
    granted: bool
    status_code: int
    error_message: str = ""


class RateLimited(Exception):
    """The platform asked us to slow down (HTTP 429); the request may be retried."""

    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__("Rate limited (429 Too Many Requests).")
        self.retry_after = retry_after  # seconds, when the platform says


class PlatformUnavailable(Exception):
    """The platform failed (HTTP 5xx); the request may be retried."""


class AccessRevoked(Exception):
    """The platform refused our token (HTTP 401): the user withdrew access."""


class Scenario:
    NORMAL = "normal"
    LARGE = "large"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    REVOKED_MID_PULL = "revoked_mid_pull"

    CHOICES = [
        (NORMAL, "Normal"),
        (LARGE, "Large company (about 100,000 records)"),
        (RATE_LIMITED, "Rate limits (retried, then succeeds)"),
        (SERVER_ERROR, "Server errors (retried, then fails)"),
        (REVOKED_MID_PULL, "Access revoked during the pull"),
    ]


class SandboxAdapter:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def answer_consent(self, choice: str) -> ConsentResult:
        """What the platform reports after the end user answered its consent screen."""
        if choice == ALLOW:
            return ConsentResult(granted=True, status_code=200)
        if choice == SIMULATE_ERROR:
            return ConsentResult(
                granted=False,
                status_code=500,
                error_message=f"{self.platform.name} could not complete the authorization.",
            )
        return ConsentResult(granted=False, status_code=403, error_message="User cancelled.")

    def record_counts(self, connection: DataConnection) -> dict[str, int]:
        scale = 20 if connection.sandbox_scenario == Scenario.LARGE else 1
        return counts_for(str(connection.id), scale)

    def fetch_page(
        self, connection: DataConnection, data_type: str, page: int, attempt: int
    ) -> list[Generated]:
        """One page of records, or one of the exceptions above, as a real API would."""
        scenario = connection.sandbox_scenario
        if scenario == Scenario.RATE_LIMITED and page % 2 == 0 and attempt == 1:
            raise RateLimited()  # like a real 429 without Retry-After
        if scenario == Scenario.SERVER_ERROR and data_type == "invoices":
            raise PlatformUnavailable(f"{self.platform.name} answered 503 Service Unavailable.")
        if scenario == Scenario.REVOKED_MID_PULL and data_type == "invoices" and page == 1:
            raise AccessRevoked(f"{self.platform.name} answered 401: access was revoked.")
        counts = self.record_counts(connection)
        start, stop = page * PAGE_SIZE, min((page + 1) * PAGE_SIZE, counts[data_type])
        anchor = connection.created.date()
        return [
            generate(str(connection.id), data_type, i, anchor, counts) for i in range(start, stop)
        ]
