from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.services import accounts_rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored payroll password with the first key of CREDENTIALS_KEYS. "
        "Run it after putting a new key first; then the old keys can be removed."
    )

    def handle(self, *args, **options) -> None:
        rotation = accounts_rotate_keys()
        self.stdout.write(
            f"Re-encrypted {rotation.rotated} payroll password"
            f"{'' if rotation.rotated == 1 else 's'} with the first key."
        )
        if rotation.unreadable:
            ids = ", ".join(str(account_id) for account_id in rotation.unreadable[:20])
            raise CommandError(
                f"{len(rotation.unreadable)} password(s) could not be decrypted with any key in "
                f"CREDENTIALS_KEYS (accounts: {ids}). Add back the key they were encrypted with "
                "and run this again."
            )
