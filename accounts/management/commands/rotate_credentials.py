from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.services import accounts_rotate_keys
from portal.webhooks.services import endpoints_rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored payroll password and webhook signing secret with the first key "
        "of CREDENTIALS_KEYS. Run it after putting a new key first; then the old keys can be "
        "removed."
    )

    def handle(self, *args, **options) -> None:
        rotation = accounts_rotate_keys()
        self.stdout.write(
            f"Re-encrypted {rotation.rotated} payroll password"
            f"{'' if rotation.rotated == 1 else 's'} with the first key."
        )
        endpoints, unreadable_endpoints = endpoints_rotate_keys()
        self.stdout.write(
            f"Re-encrypted the signing secrets of {endpoints} webhook endpoint"
            f"{'' if endpoints == 1 else 's'} with the first key."
        )
        problems = []
        if rotation.unreadable:
            ids = ", ".join(str(account_id) for account_id in rotation.unreadable[:20])
            problems.append(
                f"{len(rotation.unreadable)} password(s) could not be decrypted with any key in "
                f"CREDENTIALS_KEYS (accounts: {ids})."
            )
        if unreadable_endpoints:
            ids = ", ".join(str(endpoint_id) for endpoint_id in unreadable_endpoints[:20])
            problems.append(
                f"{len(unreadable_endpoints)} webhook signing secret(s) could not be decrypted "
                f"with any key in CREDENTIALS_KEYS (endpoints: {ids})."
            )
        if problems:
            raise CommandError(
                " ".join(problems) + " Add back the key they were encrypted with and run this "
                "again."
            )
