from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.services import api_key_create


class Command(BaseCommand):
    help = "Creates an API key named NAME and prints it. The key is shown only this once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="Where the key is used, such as 'sign-up service'.")

    def handle(self, *args, name: str, **options) -> None:
        try:
            api_key, plain = api_key_create(name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(
            f"Created API key “{api_key.name}” ({api_key.prefix}…). It is shown once:"
        )
        self.stdout.write(plain)
