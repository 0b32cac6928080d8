"""The platforms a company can link: a registry in code, not a table.

Adding a platform is adding one module to this package that calls `register()`;
every module here is imported when the package is.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field


class SourceType:
    ACCOUNTING = "Accounting"
    PAYROLL = "Payroll"


DEFAULT_SCOPES = (
    "Company profile",
    "Chart of accounts",
    "Customers and suppliers",
    "Invoices, bills and payments",
)


def readable_text_colour(colour: str) -> str:
    """Black or white, whichever reads better on a brand colour `#rrggbb` (WCAG contrast)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


@dataclass(frozen=True)
class Platform:
    key: str
    name: str
    source_type: str
    colour: str  # brand colour, used on badges and the sandbox consent screen
    scopes: tuple[str, ...] = field(default=DEFAULT_SCOPES)

    @property
    def text_colour(self) -> str:
        return readable_text_colour(self.colour)

    @property
    def adapter(self):
        from companies.platforms.sandbox import SandboxAdapter

        return SandboxAdapter(self)


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


for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("sandbox"):  # the shared adapter, not a platform
        importlib.import_module(f"{__name__}.{_module.name}")
