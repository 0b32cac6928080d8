"""The payroll providers a company can connect: a registry in code, like the accounting
platforms in `companies.platforms`.

Adding a provider is adding one module to this package that calls `register()`; every module
here is imported with the package. A provider signs in either with the user's credentials
(user name and password, then perhaps an MFA code) or with OAuth2 (its consent page).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from companies.platforms import SourceType, readable_text_colour

if TYPE_CHECKING:
    from accounts.providers.sandbox import SandboxProvider


class Auth:
    CREDENTIALS = "credentials"
    OAUTH2 = "oauth2"


DEFAULT_SCOPES = ("Company and employees", "Pay runs and pay stubs", "Pay dates")


@dataclass(frozen=True)
class PayrollProvider:
    key: str
    name: str
    auth: str  # Auth.CREDENTIALS or Auth.OAUTH2
    colour: str  # brand colour, for the Link pages and the sandbox consent page
    scopes: tuple[str, ...] = field(default=DEFAULT_SCOPES)
    source_type: str = SourceType.PAYROLL

    @property
    def uses_oauth(self) -> bool:
        return self.auth == Auth.OAUTH2

    @property
    def uses_credentials(self) -> bool:
        return self.auth == Auth.CREDENTIALS

    @property
    def auth_label(self) -> str:
        return "OAuth2 consent" if self.uses_oauth else "User name and password"

    @property
    def text_colour(self) -> str:
        return readable_text_colour(self.colour)

    @property
    def sandbox(self) -> SandboxProvider:
        from accounts.providers.sandbox import SandboxProvider

        return SandboxProvider(self)


_registry: dict[str, PayrollProvider] = {}


def register(provider: PayrollProvider) -> PayrollProvider:
    if provider.key in _registry:
        raise ValueError(f"Payroll provider {provider.key!r} is registered twice.")
    if provider.auth not in (Auth.CREDENTIALS, Auth.OAUTH2):
        raise ValueError(f"Payroll provider {provider.key!r}: unknown auth {provider.auth!r}.")
    _registry[provider.key] = provider
    return provider


def get_provider(key: str) -> PayrollProvider | None:
    return _registry.get(key)


def all_providers() -> list[PayrollProvider]:
    return sorted(_registry.values(), key=lambda p: p.name.lower())


def provider_keys() -> list[str]:
    return sorted(_registry)


def provider_choices() -> list[tuple[str, str]]:
    return [(p.key, p.name) for p in all_providers()]


for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("sandbox"):  # the shared sandbox, not a provider
        importlib.import_module(f"{__name__}.{_module.name}")
