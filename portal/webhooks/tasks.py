from __future__ import annotations

from django_tasks import task

from portal.webhooks import services


@task()
def deliver(delivery_id: int) -> str | None:
    """One attempt at a delivery; a failed one queues the next attempt itself."""
    return services.delivery_attempt(delivery_id=delivery_id)
