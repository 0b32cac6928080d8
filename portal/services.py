"""API keys: creating, revoking and checking them."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.models import ApiKey

KEY_PREFIX = "cw_"
# How stale last_used_at may get before a request writes it again.
LAST_USED_PRECISION = timedelta(minutes=1)


def _digest(key: str) -> str:
    # Keys are 256-bit random values, so a plain SHA-256 cannot be brute-forced.
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(*, name: str, created_by: AbstractBaseUser | None = None) -> tuple[ApiKey, str]:
    """The new key and its plain text, which is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the key a name, such as where it is used."})
    prefix = f"{KEY_PREFIX}{secrets.token_hex(4)}"
    plain = f"{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(name=name, prefix=prefix, digest=_digest(plain), created_by=created_by)
    api_key.full_clean()
    api_key.save()
    return api_key, plain


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_authenticate(plain: str | None) -> ApiKey | None:
    """The active key matching `plain`, or None. Records when it was last used."""
    if not plain or len(plain) > 100:
        return None
    prefix = plain[: len(KEY_PREFIX) + 8]
    api_key = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if api_key is None or not hmac.compare_digest(api_key.digest, _digest(plain)):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
