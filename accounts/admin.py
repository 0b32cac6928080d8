from __future__ import annotations

import contextlib

from django.contrib import admin, messages

from accounts import services
from accounts.models import PayrollAccount
from accounts.providers import provider_choices
from companies.activity import Actor
from companies.services import CompanyGone
from portal.admin_lists import ChoicesFilter, LargeTableAdmin


class ProviderFilter(ChoicesFilter):
    title = "payroll provider"
    parameter_name = "payroll_provider"

    def choices_list(self):
        return provider_choices()


@admin.register(PayrollAccount)
class PayrollAccountAdmin(LargeTableAdmin):
    """Read-only apart from the actions: accounts are created through the API, the portal or
    Link (which take the password), and every change goes through the services. No field
    here holds the password, not even its ciphertext."""

    list_display = [
        "account_id",
        "company",
        "payroll_provider",
        "user_name",
        "status",
        "created_at",
        "latest_pay_date",
    ]
    list_filter = ["status", ProviderFilter, "mfa_enabled", "created_at"]
    list_select_related = ["company"]
    search_fields = ["user_name", "company__name", "=account_id"]
    search_help_text = "Search by user name or company name, or paste an account id."
    date_hierarchy = "created_at"
    fields = [
        "account_id",
        "company",
        "payroll_provider",
        "user_name",
        "status",
        "status_message",
        "created_at",
        "connected_at",
        "mfa_enabled",
        "mfa_type",
        "mfa_source",
        "mfa_attempts",
        "latest_pay_date",
        "authorization_url",
    ]
    readonly_fields = fields
    actions = ["disconnect"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Viewing only; the actions below check the change permission themselves.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("accounts.change_payrollaccount"):
            actions.pop("disconnect", None)
        return actions

    @admin.action(description="Disconnect the selected CONNECTED accounts")
    def disconnect(self, request, queryset) -> None:
        done = 0
        for account in queryset:
            try:
                services.account_disconnect(account=account, actor=Actor.staff(request.user))
                done += 1
            except services.AccountStateError:
                continue
        self.message_user(request, f"Disconnected {done} account(s).", messages.SUCCESS)

    def delete_model(self, request, obj) -> None:
        services.account_delete(account=obj, actor=Actor.staff(request.user))

    def delete_queryset(self, request, queryset) -> None:
        for account in queryset:
            # One deleted by someone else meanwhile (or with its company) is already gone.
            with contextlib.suppress(CompanyGone, services.AccountGone):
                services.account_delete(account=account, actor=Actor.staff(request.user))
