from django.contrib import admin

from portal.admin_lists import ChoicesFilter, LargeTableAdmin
from portal.webhooks.events import TEST_TYPE, TYPES
from portal.webhooks.models import Delivery, Endpoint, Event


@admin.register(Endpoint)
class EndpointAdmin(LargeTableAdmin):
    list_display = ["url", "description", "enabled", "failing_since", "created"]
    list_filter = ["enabled"]
    search_fields = ["url", "description"]
    # The signing secrets are never shown: only the portal shows one, once.
    exclude = ["secret_ciphertext", "previous_secret_ciphertext", "previous_secret_expires_at"]
    readonly_fields = ["id", "created", "failing_since", "disabled_reason"]


class EventTypeFilter(ChoicesFilter):
    title = "type"
    parameter_name = "type"

    def choices_list(self):
        return [(event_type, event_type) for event_type in [*TYPES, TEST_TYPE]]


@admin.register(Event)
class EventAdmin(LargeTableAdmin):
    list_display = ["type", "company_id", "created"]
    list_filter = [EventTypeFilter]
    search_fields = ["=id", "=company_id"]
    readonly_fields = ["id", "type", "company_id", "data", "created"]


@admin.register(Delivery)
class DeliveryAdmin(LargeTableAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "response_status", "created"]
    list_filter = ["status"]
    list_select_related = ["event", "endpoint"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
