from __future__ import annotations

import contextlib
import unicodedata

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList

from companies import queries, services
from companies.activity import Actor
from companies.forms import CompanyAdminForm
from companies.models import (
    ActivityEntry,
    Company,
    DataConnection,
    DataPull,
    LinkSettings,
    PulledRecord,
)
from companies.platforms import SourceType, all_platforms
from companies.platforms.sandbox_data import DATA_TYPES
from companies.pulls import totals
from portal.admin_lists import ChoicesFilter, LargeTableAdmin


class ConnectionStatusFilter(admin.SimpleListFilter):
    title = "connection status"
    parameter_name = "connection_status"

    def lookups(self, request, model_admin):
        return DataConnection.Status.choices

    def queryset(self, request, queryset):
        if self.value() in DataConnection.Status.values:
            # `IN (subquery)` rather than EXISTS: without ANALYZE statistics SQLite runs a
            # correlated EXISTS through the status index once per company, which takes minutes
            # with 100,000 companies; the IN list is built once.
            with_status = DataConnection.objects.filter(status=self.value())
            return queryset.filter(pk__in=with_status.values("company_id"))
        return queryset


class PlatformFilter(ChoicesFilter):
    title = "platform"
    parameter_name = "platform"

    def choices_list(self):
        return [(platform.key, platform.name) for platform in all_platforms()]


class SourceTypeFilter(ChoicesFilter):
    title = "source type"
    parameter_name = "source_type"

    def choices_list(self):
        return [(SourceType.ACCOUNTING, "Accounting"), (SourceType.PAYROLL, "Payroll")]


class DataTypeFilter(ChoicesFilter):
    title = "data type"
    parameter_name = "data_type"

    def choices_list(self):
        return list(DATA_TYPES.items())


class CompanyChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        companies = super().get_queryset(request, exclude_parameters)
        # A name that few companies have: read the matches by the trigram index, then sort.
        searched = self.query and not queries.parse_uuid(self.query)
        if searched and queries.is_rare_search(companies):
            return queries.sorted_after_reading(companies)
        return companies


class DataConnectionInline(admin.TabularInline):
    """Connections are made through Link and changed on the company page (or below, through
    actions that call the services); here they are shown, not edited."""

    model = DataConnection
    extra = 0
    can_delete = False
    fields = ["id", "platform", "source_type", "status", "created", "linked_at", "last_sync"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Company)
class CompanyAdmin(LargeTableAdmin):
    form = CompanyAdminForm
    list_display = ["name", "id", "created", "connection_count"]
    search_fields = ["name"]
    search_help_text = "Search by name, or paste a company id."
    list_filter = ["created", ConnectionStatusFilter]
    readonly_fields = ["id", "created", "created_by", "created_by_api_key"]
    fields = ["id", "name", "description", "created", "created_by", "created_by_api_key"]
    inlines = [DataConnectionInline]

    # A million companies: the connections of the page's rows are one prefetch query, not a
    # subquery per company (which the ordering by it also ran over every company).

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("connections")

    def get_changelist(self, request, **kwargs):
        return CompanyChangeList

    @admin.display(description="connections")
    def connection_count(self, obj: Company) -> int:
        return len(obj.connections.all())

    def get_search_results(self, request, queryset, search_term):
        # A pasted company id finds that company; anything else searches names.
        company_id = queries.parse_uuid(search_term)
        if company_id:
            return queryset.filter(pk=company_id), False
        # Names are stored in NFC: "Café" typed with a combining accent must find them too.
        search_term = unicodedata.normalize("NFC", search_term)
        return super().get_search_results(request, queryset, search_term)

    # Writes go through the services, so admin changes are validated and logged like any other.
    def save_model(self, request, obj, form, change):
        actor = Actor.staff(request.user)
        if not change:
            created = services.company_create(
                name=obj.name, description=obj.description, actor=actor
            )
            # The admin carries on with `obj` (its inlines point at it): make it the saved row.
            vars(obj).update(vars(created))
        elif form.has_changed():
            # The service reads the saved row itself; the form has already changed `obj`.
            services.company_update(
                company=obj,
                name=obj.name,
                description=obj.description,
                actor=actor,
            )

    def delete_model(self, request, obj):
        services.company_delete(company=obj)

    def delete_queryset(self, request, queryset):
        for company in queryset:
            # One deleted by someone else meanwhile is already gone.
            with contextlib.suppress(services.CompanyGone):
                services.company_delete(company=company)


@admin.register(DataConnection)
class DataConnectionAdmin(LargeTableAdmin):
    """Read-only but for the services' own changes: unlink and delete, which are logged."""

    list_display = ["id", "company", "platform", "status", "created", "last_sync"]
    # Newest first, read backwards from the (created, id) index: the model's oldest-first
    # order with admin's "-pk" tie-breaker sorted every connection on each page.
    ordering = ["-created"]
    list_filter = ["status", PlatformFilter, SourceTypeFilter]
    list_select_related = ["company"]
    search_fields = ["company__name", "=platform"]
    fields = [
        "id",
        "company",
        "platform",
        "source_type",
        "status",
        "sandbox_scenario",
        "created",
        "linked_at",
        "last_sync",
        "error_status_code",
        "error_message",
        "errored_at",
    ]
    readonly_fields = ["id", "created"]
    actions = ["unlink"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Unlink the selected Linked connections", permissions=["delete"])
    def unlink(self, request, queryset):
        actor = Actor.staff(request.user)
        done = 0
        for connection in queryset.filter(status=DataConnection.Status.LINKED):
            services.connection_unlink(connection=connection, actor=actor)
            done += 1
        self.message_user(request, f"Unlinked {done} connection(s).")

    def delete_model(self, request, obj):
        services.connection_delete(connection=obj, actor=Actor.staff(request.user))

    def delete_queryset(self, request, queryset):
        for connection in queryset.select_related("company"):
            with contextlib.suppress(services.CompanyGone, services.ConnectionGone):
                self.delete_model(request, connection)


@admin.register(LinkSettings)
class LinkSettingsAdmin(LargeTableAdmin):
    """The one row of Settings > Auth flow > Link; the portal page has the live preview."""

    list_display = ["__str__", "display_name", "redirect_url_template", "link_lifetime_days"]

    def has_add_permission(self, request):
        return not LinkSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(LargeTableAdmin):
    """Records of what happened: readable in admin, changed only by the application."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Deleting stays as Django's permissions say: deleting a company removes these with it.
    def get_actions(self, request):
        return {}


@admin.register(ActivityEntry)
class ActivityEntryAdmin(ReadOnlyAdmin):
    list_display = ["created", "company", "actor_kind", "actor_name", "action", "message"]
    list_filter = ["actor_kind", "action", "created"]
    list_select_related = ["company"]
    search_fields = ["message", "actor_name", "company__name"]
    show_full_result_count = False


@admin.register(DataPull)
class DataPullAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "company",
        "connection",
        "status",
        "records_done",
        "records_total",
        "requested",
        "finished",
    ]
    list_filter = ["status", "requested"]
    list_select_related = ["company", "connection"]
    search_fields = ["company__name", "=id"]


@admin.register(PulledRecord)
class PulledRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "external_id",
        "data_type",
        "display_name",
        "occurred_on",
        "amount",
        "connection",
        "pulled_at",
    ]
    list_filter = [DataTypeFilter]
    list_select_related = ["connection"]
    search_fields = ["=external_id", "display_name"]
    show_full_result_count = False

    # The monthly totals the company page charts must lose what is deleted here.
    def delete_model(self, request, obj):
        totals.records_delete(PulledRecord.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        totals.records_delete(queryset)
