"""Signing secrets and Standard Webhooks signatures.

A secret is `whsec_` and 32 random bytes in base64, as the Standard Webhooks libraries expect.
It is stored encrypted with the keys in `CREDENTIALS_KEYS` (Fernet; the first key encrypts,
every one decrypts) and shown in plain text once, when it is made.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(secret: str) -> str:
    return _fernet(tuple(settings.CREDENTIALS_KEYS)).encrypt(secret.encode()).decode()


def decrypt(ciphertext: str) -> str:
    return _fernet(tuple(settings.CREDENTIALS_KEYS)).decrypt(ciphertext.encode()).decode()


def reencrypt(ciphertext: str) -> str:
    """The same secret, encrypted with the first key (for key rotation); raises InvalidToken
    when no configured key opens it."""
    return _fernet(tuple(settings.CREDENTIALS_KEYS)).rotate(ciphertext.encode()).decode()


def signature_header(secrets_in_force: list[str], msg_id: str, at: datetime, body: str) -> str:
    """`webhook-signature`: one `v1,<base64>` per secret in force, space-separated, so a
    receiver holding either secret during a rotation accepts the message."""
    return " ".join(Webhook(secret).sign(msg_id, at, body) for secret in secrets_in_force)
