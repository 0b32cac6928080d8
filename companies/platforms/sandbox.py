"""The sandbox adapter: behaves like a real platform's side of a connection.

There are no network calls: the platform's consent is the sandbox consent screen, and
"the platform withdraws access" is a control in the portal, labelled as a sandbox control.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companies.platforms import Platform


@dataclass(frozen=True)
class ConsentResult:
    granted: bool
    status_code: int
    error_message: str = ""


ALLOW = "allow"
CANCEL = "cancel"
SIMULATE_ERROR = "error"


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
