from django.contrib import admin

from portal import services
from portal.admin_lists import LargeTableAdmin
from portal.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(LargeTableAdmin):
    """Keys are created in Settings > API keys, where the key is shown once; admin never
    shows a secret (only the digest is stored, and it is not displayed either)."""

    list_display = ["name", "prefix", "created", "created_by", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at", "created"]
    search_fields = ["name", "=prefix"]
    fields = ["name", "prefix", "created", "created_by", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created", "created_by", "last_used_at", "revoked_at"]
    list_select_related = ["created_by"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected API keys", permissions=["change"])
    def revoke(self, request, queryset):
        for api_key in queryset:
            services.api_key_revoke(api_key=api_key)
        self.message_user(request, f"Revoked {queryset.count()} key(s).")
