from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Creates the first staff user, a superuser named 'admin' with a generated password, "
        "when there is no staff user yet. Prints the password once."
    )

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        if User.objects.filter(is_staff=True).exists():
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username="admin", email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "Created the first staff user. Note this password; it is shown once:"
            )
        )
        self.stdout.write(f"    user name: admin\n    password:  {password}")
