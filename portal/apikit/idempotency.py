"""`Idempotency-Key` on creates: the same key with the same body returns the first response;
with a different body, a 409. Retrying a create after a timeout is then always safe."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError

from portal.models import IdempotencyRecord

KEY_MAX_LENGTH = 255
HEADER_HELP = (
    "Send an `Idempotency-Key` header to make retries safe: the same key with the same body "
    "returns the first response; with a different body, a 409."
)


def _request_hash(payload: Schema) -> str:
    canonical = json.dumps(payload.model_dump(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent(
    request: HttpRequest, payload: Schema, respond: Callable[[], tuple[int, dict]]
) -> Status:
    """Answer with `respond()` (status and JSON body), once per API key and Idempotency-Key."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (0 < len(key) <= KEY_MAX_LENGTH and key.isprintable()):
        raise HttpError(400, "Idempotency-Key must be 1 to 255 printable characters.")

    with transaction.atomic():
        record = None
        if key:
            request_hash = _request_hash(payload)
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        api_key=request.auth, key=key, request_hash=request_hash
                    )
            except IntegrityError:
                # Seen before (on PostgreSQL a concurrent first request is waited for).
                first = IdempotencyRecord.objects.get(api_key=request.auth, key=key)
                if first.request_hash != request_hash:
                    raise HttpError(
                        409, "This Idempotency-Key was already used with a different body."
                    ) from None
                return Status(first.status_code, first.response_body)

        status, body = respond()
        if record:
            record.status_code, record.response_body = status, body
            record.save(update_fields=["status_code", "response_body"])
    return Status(status, body)
