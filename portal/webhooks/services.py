"""Webhook endpoints and deliveries: every write with rules. The portal pages, the API, the
admin and the task worker call these."""

from __future__ import annotations

import http.client
import json
import logging
import random
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portal.webhooks import signing, transport
from portal.webhooks.events import TEST_TYPE, TYPES, enqueue_attempts
from portal.webhooks.models import Delivery, Endpoint, EndpointLogEntry, Event

logger = logging.getLogger("portal.webhooks")

Status = Delivery.Status
# A worker taking a delivery holds it this long past its timeout; if the worker dies, the
# delivery is due again after that.
LEASE_MARGIN = timedelta(seconds=60)
# A pending delivery this late has lost its task (a killed worker, a lost queue): queue again.
OVERDUE_AFTER = timedelta(minutes=10)


# Endpoints


def _clean_url(url: str) -> str:
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {"url": "Enter a full http:// or https:// address, such as https://example.com/hooks."}
        ) from None
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValidationError({"url": "Leave the user name and password out of the address."})
    try:
        reason = transport.refusal(parts.hostname or "")
    except ValueError:
        reason = None  # a host name: checked on every delivery, on the address it resolves to
    if reason:
        raise ValidationError({"url": f"Causeway does not deliver to {reason}"})
    return url


def _clean_event_types(event_types: list[str] | None) -> list[str]:
    event_types = list(dict.fromkeys(event_types or []))
    unknown = [t for t in event_types if t not in TYPES]
    if unknown:
        raise ValidationError(
            {
                "eventTypes": f"Unknown event type {', '.join(unknown)[:200]}. "
                f"Use any of: {', '.join(TYPES)}."
            }
        )
    return event_types


def _log(endpoint: Endpoint, actor_name: str, message: str) -> None:
    EndpointLogEntry.objects.create(endpoint=endpoint, actor_name=actor_name[:150], message=message)


def endpoint_create(
    *,
    url: str,
    description: str = "",
    event_types: list[str] | None = None,
    enabled: bool = True,
    actor_name: str = "",
) -> tuple[Endpoint, str]:
    """The new endpoint and its signing secret, which is shown only now."""
    secret = signing.new_secret()
    endpoint = Endpoint(
        url=_clean_url(url),
        description=description.strip(),
        event_types=_clean_event_types(event_types),
        enabled=enabled,
        secret_ciphertext=signing.encrypt(secret),
    )
    endpoint.full_clean()
    with transaction.atomic():
        endpoint.save()
        _log(endpoint, actor_name, f"Created the endpoint for {endpoint.url}.")
    return endpoint, secret


def endpoint_update(
    *,
    endpoint: Endpoint,
    url: str | None = None,
    description: str | None = None,
    event_types: list[str] | None = None,
    enabled: bool | None = None,
    actor_name: str = "",
) -> Endpoint:
    """Change the fields given (None leaves one as it is). Enabling clears the reason it was
    disabled and its failure streak."""
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        changes = []
        if url is not None and _clean_url(url) != endpoint.url:
            endpoint.url = _clean_url(url)
            changes.append(f"the URL to {endpoint.url}")
        if description is not None and description.strip() != endpoint.description:
            endpoint.description = description.strip()
            changes.append("the description")
        if event_types is not None and _clean_event_types(event_types) != endpoint.event_types:
            endpoint.event_types = _clean_event_types(event_types)
            changes.append(
                "the event types to " + (", ".join(endpoint.event_types) or "all events")
            )
        if enabled is not None and enabled != endpoint.enabled:
            endpoint.enabled = enabled
            endpoint.disabled_reason = ""
            endpoint.failing_since = None
            changes.append("enabled it" if enabled else "disabled it")
        endpoint.full_clean()
        endpoint.save()
        if changes:
            _log(endpoint, actor_name, "Changed " + "; ".join(changes) + ".")
    return endpoint


def endpoint_delete(*, endpoint: Endpoint) -> None:
    endpoint.delete()


def endpoint_rotate_secret(*, endpoint: Endpoint, actor_name: str = "") -> tuple[Endpoint, str]:
    """A new signing secret, shown only now. For WEBHOOKS_SECRET_OVERLAP_HOURS the old one
    signs too (two signatures in `webhook-signature`), so receivers can switch over."""
    secret = signing.new_secret()
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.previous_secret_ciphertext = endpoint.secret_ciphertext
        endpoint.previous_secret_expires_at = timezone.now() + timedelta(
            hours=settings.WEBHOOKS_SECRET_OVERLAP_HOURS
        )
        endpoint.secret_ciphertext = signing.encrypt(secret)
        endpoint.save()
        _log(
            endpoint,
            actor_name,
            "Rotated the signing secret; the old one also signs until "
            f"{endpoint.previous_secret_expires_at:%Y-%m-%d %H:%M} UTC.",
        )
    return endpoint, secret


def secrets_in_force(endpoint: Endpoint, at: datetime) -> list[str]:
    in_force = [signing.decrypt(endpoint.secret_ciphertext)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_ciphertext and expires and at < expires:
        in_force.append(signing.decrypt(endpoint.previous_secret_ciphertext))
    return in_force


# Deliveries


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt`: doubling from
    WEBHOOKS_RETRY_BASE_SECONDS up to WEBHOOKS_RETRY_MAX_SECONDS, with ±25 % jitter so that
    the deliveries of one outage do not all come back at the same second."""
    base = settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** min(attempt - 1, 30)
    seconds = min(base, settings.WEBHOOKS_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds * random.uniform(0.75, 1.25))


def _signed_request(delivery: Delivery, at: datetime) -> tuple[bytes, dict[str, str]]:
    event = delivery.event
    body = json.dumps(event.payload(), separators=(",", ":"), ensure_ascii=False)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Causeway-Webhooks/1.0",
        "webhook-id": event.webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signing.signature_header(
            secrets_in_force(delivery.endpoint, at), event.webhook_id, at, body
        ),
    }
    return body.encode(), headers


def delivery_attempt(*, delivery_id: int) -> str | None:
    """Make the delivery's next attempt if it is due and no other worker holds it; the
    status after it, or None when there was nothing to do."""
    now = timezone.now()
    timeout = settings.WEBHOOKS_TIMEOUT_SECONDS
    held_until = now + timedelta(seconds=timeout) + LEASE_MARGIN
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=held_until)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("endpoint", "event").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        Delivery.objects.filter(pk=delivery_id).update(
            status=Status.FAILED, next_attempt_at=None, error="The endpoint is disabled."
        )
        return Status.FAILED

    body, headers = _signed_request(delivery, now)
    response_status, excerpt, duration_ms, error = None, "", None, ""
    started = timezone.now()
    try:
        response = transport.post(endpoint.url, body, headers, timeout=timeout)
        response_status, excerpt = response.status, response.excerpt
        duration_ms = response.duration_ms
        if not 200 <= response.status < 300:
            error = f"The receiver answered {response.status}."
    except transport.AddressRefused as refused:
        error = f"Not sent: {refused}"
    except TimeoutError:
        error = f"No answer within {timeout:g} seconds."
    except (OSError, http.client.HTTPException) as failure:
        error = f"Could not reach the receiver: {failure or type(failure).__name__}"[:500]
    if duration_ms is None:
        duration_ms = round((timezone.now() - started).total_seconds() * 1000)

    finished = timezone.now()
    attempts = delivery.attempts + 1
    if not error:
        status, next_attempt_at = Status.SUCCEEDED, None
    elif finished >= delivery.retry_from + timedelta(hours=settings.WEBHOOKS_RETRY_HOURS):
        status, next_attempt_at = Status.FAILED, None
    else:
        status, next_attempt_at = Status.PENDING, finished + backoff(attempts)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery_id).update(
            status=status,
            attempts=attempts,
            last_attempt_at=now,
            next_attempt_at=next_attempt_at,
            response_status=response_status,
            response_excerpt=excerpt[:500],
            duration_ms=duration_ms,
            error=error,
        )
        if next_attempt_at:
            enqueue_attempts([delivery], run_after=next_attempt_at)
        _track_endpoint_health(endpoint, succeeded=not error, at=finished, error=error)
    logger.info(
        "Webhook %s (%s) to endpoint %s, attempt %s: %s",
        delivery.event.webhook_id,
        delivery.event.type,
        endpoint.pk,
        attempts,
        error or f"delivered ({response_status})",
    )
    return status


def _track_endpoint_health(endpoint: Endpoint, *, succeeded: bool, at: datetime, error: str):
    """An endpoint whose every attempt has failed for WEBHOOKS_DISABLE_AFTER_DAYS is disabled,
    with the reason on its page and in its log."""
    endpoints = Endpoint.objects.filter(pk=endpoint.pk)
    if succeeded:
        if endpoint.failing_since is not None:
            endpoints.update(failing_since=None)
        return
    if endpoint.failing_since is None:
        endpoints.filter(failing_since__isnull=True).update(failing_since=at)
        return
    days = settings.WEBHOOKS_DISABLE_AFTER_DAYS
    if at - endpoint.failing_since < timedelta(days=days):
        return
    reason = (
        f"Disabled by Causeway on {at:%Y-%m-%d %H:%M} UTC: every delivery has failed since "
        f"{endpoint.failing_since:%Y-%m-%d %H:%M} UTC (the last one: {error}) Fix the "
        "receiver, then enable the endpoint and resend the failed deliveries."
    )
    if endpoints.filter(enabled=True).update(enabled=False, disabled_reason=reason):
        _log(endpoint, "Causeway", reason)
        logger.warning("Webhook endpoint %s disabled after %s days of failures.", endpoint.pk, days)


def delivery_resend(*, delivery: Delivery) -> Delivery:
    """Send the delivery again now, with a fresh retry window (a pending one is sent now)."""
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Status.PENDING, next_attempt_at=now, retry_from=now
        )
        enqueue_attempts([delivery])
    delivery.refresh_from_db()
    return delivery


def deliveries_resend_failed(*, endpoint: Endpoint, since: datetime) -> int:
    """Resend every failed delivery to the endpoint made since `since`; how many."""
    now = timezone.now()
    with transaction.atomic():
        failed = list(
            Delivery.objects.filter(endpoint=endpoint, status=Status.FAILED, created__gte=since)
            .select_for_update()
            .only("pk")
        )
        Delivery.objects.filter(pk__in=[d.pk for d in failed]).update(
            status=Status.PENDING, next_attempt_at=now, retry_from=now
        )
        enqueue_attempts(failed)
    return len(failed)


def endpoint_send_test(*, endpoint: Endpoint) -> Delivery:
    """A `webhook.test` event delivered to this endpoint only."""
    now = timezone.now()
    with transaction.atomic():
        event = Event.objects.create(
            type=TEST_TYPE,
            company_id=None,
            created=now,
            data={"endpointId": str(endpoint.pk), "message": "A test event from Causeway."},
        )
        delivery = Delivery.objects.create(
            endpoint=endpoint, event=event, created=now, retry_from=now, next_attempt_at=now
        )
        enqueue_attempts([delivery])
    return delivery


def deliveries_requeue_overdue(*, limit: int = 1000) -> int:
    """Queue again the pending deliveries long overdue: their task was lost (a worker killed
    mid-attempt leaves its delivery due once its hold expires). Run by the scheduler; a
    duplicate task finds the delivery taken and does nothing."""
    overdue = list(
        Delivery.objects.filter(
            status=Status.PENDING, next_attempt_at__lte=timezone.now() - OVERDUE_AFTER
        )
        .order_by("next_attempt_at")
        .only("pk")[:limit]
    )
    enqueue_attempts(overdue)
    return len(overdue)


# Lists


def deliveries_for_table(
    *, endpoint: Endpoint, status: str = "", event_type: str = ""
) -> QuerySet[Delivery]:
    deliveries = endpoint.deliveries.select_related("event")
    if status in Status.values:
        deliveries = deliveries.filter(status=status)
    if event_type:
        deliveries = deliveries.filter(event__type=event_type)
    return deliveries.order_by("-created", "-id")


def events_for_list(*, type: str = "", company_id: uuid.UUID | None = None) -> QuerySet[Event]:
    events = Event.objects.all()
    if type:
        events = events.filter(type=type)
    if company_id:
        events = events.filter(company_id=company_id)
    return events.order_by("-created", "-id")


def endpoints_for_table() -> QuerySet[Endpoint]:
    pending = Count("deliveries", filter=Q(deliveries__status=Status.PENDING))
    failed = Count("deliveries", filter=Q(deliveries__status=Status.FAILED))
    return Endpoint.objects.annotate(pending=pending, failed=failed).order_by("created", "id")


def events_about_company(*, company_id: uuid.UUID, limit: int = 20) -> list[Event]:
    """The company's latest events, each with how many of its deliveries succeeded, failed
    or wait, for its activity log."""
    # The latest events first, then their deliveries counted: counting before the LIMIT
    # would count every event the company ever had.
    latest = Event.objects.filter(company_id=company_id).order_by("-created", "-id")[:limit]
    return list(
        Event.objects.filter(pk__in=latest.values("pk"))
        .annotate(
            sent=Count("deliveries", filter=Q(deliveries__status=Status.SUCCEEDED)),
            failed=Count("deliveries", filter=Q(deliveries__status=Status.FAILED)),
            waiting=Count("deliveries", filter=Q(deliveries__status=Status.PENDING)),
        )
        .order_by("-created", "-id")
    )


def endpoints_rotate_keys() -> tuple[int, list[uuid.UUID]]:
    """Re-encrypt every endpoint's signing secrets (the current one and one still in its
    overlap) with the first of CREDENTIALS_KEYS: (endpoints re-encrypted, ids no key opens)."""
    rotated, unreadable = 0, []
    for endpoint_id in list(Endpoint.objects.values_list("id", flat=True)):
        with transaction.atomic():
            endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id).first()
            if endpoint is None:
                continue
            try:
                endpoint.secret_ciphertext = signing.reencrypt(endpoint.secret_ciphertext)
                if endpoint.previous_secret_ciphertext:
                    endpoint.previous_secret_ciphertext = signing.reencrypt(
                        endpoint.previous_secret_ciphertext
                    )
            except InvalidToken:
                unreadable.append(endpoint_id)
                continue
            endpoint.save(update_fields=["secret_ciphertext", "previous_secret_ciphertext"])
            rotated += 1
    return rotated, unreadable
