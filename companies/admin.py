from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef

from companies import services
from companies.models import Company, DataConnection


class ConnectionStatusFilter(admin.SimpleListFilter):
    title = "connection status"
    parameter_name = "connection_status"

    def lookups(self, request, model_admin):
        return DataConnection.Status.choices

    def queryset(self, request, queryset):
        if self.value() in DataConnection.Status.values:
            return queryset.filter(
                Exists(
                    DataConnection.objects.filter(company=OuterRef("pk"), status=self.value())
                )
            )
        return queryset


class DataConnectionInline(admin.TabularInline):
    model = DataConnection
    extra = 0
    fields = ["id", "platform", "source_type", "status", "created", "linked_at", "last_sync"]
    readonly_fields = ["id", "created"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "id", "created", "connection_count"]
    search_fields = ["name"]
    list_filter = ["created", ConnectionStatusFilter]
    readonly_fields = ["id", "created", "created_by"]
    fields = ["id", "name", "description", "created", "created_by"]
    inlines = [DataConnectionInline]
    date_hierarchy = "created"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(connection_count=Count("connections"))

    @admin.display(description="connections", ordering="connection_count")
    def connection_count(self, obj: Company) -> int:
        return obj.connection_count

    def get_search_results(self, request, queryset, search_term):
        # A pasted company id finds that company; anything else searches names.
        company_id = services.parse_uuid(search_term)
        if company_id:
            return queryset.filter(pk=company_id), False
        return super().get_search_results(request, queryset, search_term)

    def delete_model(self, request, obj):
        services.company_delete(company=obj)


@admin.register(DataConnection)
class DataConnectionAdmin(admin.ModelAdmin):
    list_display = ["id", "company", "platform", "status", "created", "last_sync"]
    list_filter = ["status", "platform", "source_type"]
    list_select_related = ["company"]
    search_fields = ["company__name", "=platform"]
    readonly_fields = ["id", "created"]
    raw_id_fields = ["company"]
