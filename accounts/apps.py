from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Payroll accounts"

    def ready(self) -> None:
        # Payroll providers join the Link chooser; `companies` does not know this app.
        from accounts.link_views import chooser_choices
        from companies.link import choices

        choices.register(chooser_choices)
