"""The platforms a company can link: a registry in code, not a table.

Each platform is one small module in this package that calls `register()`.
"""

from __future__ import annotations

from dataclasses import dataclass


class SourceType:
    ACCOUNTING = "Accounting"
    PAYROLL = "Payroll"


@dataclass(frozen=True)
class Platform:
    key: str
    name: str
    source_type: str
    colour: str  # brand colour, used on badges and the sandbox consent screen


_registry: dict[str, Platform] = {}


def register(platform: Platform) -> Platform:
    if platform.key in _registry:
        raise ValueError(f"Platform {platform.key!r} is registered twice.")
    _registry[platform.key] = platform
    return platform


def get_platform(key: str) -> Platform | None:
    return _registry.get(key)


def all_platforms() -> list[Platform]:
    return sorted(_registry.values(), key=lambda p: p.name.lower())


def platform_choices() -> list[tuple[str, str]]:
    return [(p.key, p.name) for p in all_platforms()]


# Importing the modules registers them.
from companies.platforms import freeagent, quickbooks_online, sage, xero  # noqa: E402, F401
