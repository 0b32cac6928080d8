from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Payroll accounts"

    def ready(self) -> None:
        # Payroll providers join the Link chooser; `companies` does not know this app.
        from accounts.link_views import chooser_choices, open_link_accounts
        from accounts.schedule import PayrollSchedule
        from companies.link import choices, limits
        from companies.pulls import schedule

        choices.register(chooser_choices)
        # Unfinished accounts started through Link count against the company's cap.
        limits.register_open_starts(open_link_accounts)
        # Payroll accounts sync on their company's schedule too.
        schedule.register(PayrollSchedule())
