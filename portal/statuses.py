"""One vocabulary for people: the plain words the portal shows for each status code.

The API speaks Codat's codes for connections and pulls (`PendingAuth`, `AuthError`…) and
Teal's for payroll accounts (`MFA_REQUIRED`…); those stay in the API and in small code labels
for staff. People read the words below, the same words for accounting and payroll, each with
the tone its badge and chart bars are painted in (`ok`, `bad`, `pending`, `neutral`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    code: str
    words: str
    tone: str
    # What a person can do about it, where there is something to do.
    next_step: str = ""


_RELINK = "Send the company’s people the Link URL to link again."

_ALL = (
    # Connections (Codat).
    Status("PendingAuth", "Waiting for the user", "pending"),
    Status("Linked", "Linked", "ok"),
    Status("Deauthorized", "Needs re-linking", "bad", _RELINK),
    Status("Unlinked", "Disconnected", "neutral"),
    # Pulls (Codat).
    Status("Queued", "Queued", "pending"),
    Status("Fetching", "Syncing", "pending"),
    Status("Complete", "Synced", "ok"),
    Status("FetchError", "Failed: the platform had an error", "bad", "Pull again later."),
    Status("AuthError", "Failed: the platform refused access", "bad", _RELINK),
    Status("Cancelled", "Cancelled", "neutral"),
    # Payroll accounts (Teal).
    Status("PENDING", "Connecting", "pending"),
    Status("CONNECTED", "Linked", "ok"),
    Status("MFA_REQUIRED", "Needs an MFA code", "pending", "Enter the code the provider sent."),
    Status(
        "INVALID_CREDENTIALS",
        "Failed: the platform refused access",
        "bad",
        "Ask the company’s people to sign in again.",
    ),
    Status("DISCONNECTED", "Disconnected", "neutral"),
)
STATUSES = {status.code: status for status in _ALL}


def status_of(code: str) -> Status:
    """The status for a code; a code this list does not know is shown as it is."""
    return STATUSES.get(code) or Status(code, code, "neutral")


def words(code: str) -> str:
    return status_of(code).words


def tone(code: str) -> str:
    return status_of(code).tone
