from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Payroll accounts"

    def ready(self) -> None:
        # Payroll providers join the Link chooser; `companies` does not know this app.
        from accounts.link_views import chooser_choices
        from accounts.schedule import PayrollSchedule
        from companies.link import choices
        from companies.pulls import schedule

        choices.register(chooser_choices)
        # Payroll accounts sync on their company's schedule too.
        schedule.register(PayrollSchedule())
