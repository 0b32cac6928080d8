"""Who did something, and writing it to a company's activity log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser

from companies.models import ActivityEntry, Company, DataConnection


@dataclass(frozen=True)
class Actor:
    kind: str
    name: str = ""
    user: AbstractBaseUser | None = None
    key: object | None = None  # the portal.ApiKey, for calls through the API

    @classmethod
    def staff(cls, user: AbstractBaseUser) -> Actor:
        return cls(kind=ActivityEntry.ActorKind.STAFF, name=user.get_username(), user=user)

    @classmethod
    def api_key(cls, api_key: object) -> Actor:
        # str(api_key) is its name and prefix, never the secret.
        return cls(kind=ActivityEntry.ActorKind.API_KEY, name=str(api_key), key=api_key)

    @classmethod
    def end_user(cls) -> Actor:
        return cls(kind=ActivityEntry.ActorKind.END_USER)

    @classmethod
    def system(cls) -> Actor:
        return cls(kind=ActivityEntry.ActorKind.SYSTEM)


def record(
    *,
    company: Company,
    actor: Actor,
    action: str,
    message: str,
    connection: DataConnection | None = None,
) -> ActivityEntry:
    return ActivityEntry.objects.create(
        company=company,
        connection_id=connection.id if connection else None,
        action=action,
        message=message,
        actor_kind=actor.kind,
        actor_user=actor.user if actor.user and actor.user.pk else None,
        actor_name=actor.name[:150],
    )


@dataclass
class ActivityRun:
    """Consecutive entries that say the same thing, by the same actor: shown once, ×count."""

    entry: ActivityEntry  # the newest of them
    count: int = 1
    first: datetime | None = None  # when the oldest of them happened


def collapse_repeats(entries: Iterable[ActivityEntry]) -> list[ActivityRun]:
    """The timeline, newest first, with each run of repeats as one line, so a flood of the
    same action (an end user starting to link over and over) does not bury the rest."""
    runs: list[ActivityRun] = []
    for entry in entries:
        last = runs[-1].entry if runs else None
        if last is not None and (
            entry.action,
            entry.message,
            entry.actor_kind,
            entry.actor_name,
        ) == (
            last.action,
            last.message,
            last.actor_kind,
            last.actor_name,
        ):
            runs[-1].count += 1
            runs[-1].first = entry.created
        else:
            runs.append(ActivityRun(entry=entry, first=entry.created))
    return runs
