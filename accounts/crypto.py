"""Payroll passwords: held in memory as `Secret`, stored encrypted with Fernet.

`settings.CREDENTIALS_KEYS` lists the keys: the first encrypts, all of them decrypt
(MultiFernet), so a key can be rotated without losing a stored password.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "Secret", "decrypt", "encrypt", "reencrypt"]


class Secret:
    """A credential in memory. repr() and str() never show it, so neither do tracebacks,
    exception reports, log lines or debugger dumps; `reveal()` is the one way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __reduce__(self):
        # Never pickled into a cache, session or task queue by accident.
        raise TypeError("A Secret cannot be pickled.")


@lru_cache(maxsize=4)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _keys() -> MultiFernet:
    # Keyed on the setting's value, so a changed setting (tests, a reload) takes effect.
    return _multi_fernet(tuple(settings.CREDENTIALS_KEYS))


def encrypt(secret: Secret) -> str:
    return _keys().encrypt(secret.reveal().encode()).decode()


def decrypt(token: str) -> Secret:
    """Raises InvalidToken when no configured key opens it."""
    return Secret(_keys().decrypt(token.encode()).decode())


def reencrypt(token: str) -> str:
    """The same secret, encrypted with the first key (for key rotation)."""
    return _keys().rotate(token.encode()).decode()
