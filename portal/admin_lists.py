"""What every admin changelist of Causeway's models shares, to stay quick at a million rows."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import helpers
from django.utils.html import format_html
from django.utils.translation import gettext as _

from portal.counts import EstimatedCountPaginator


class ChoicesFilter(admin.SimpleListFilter):
    """A filter whose choices are known without asking the database: Django's filter for a
    plain field reads `SELECT DISTINCT` over the whole table on every page."""

    def choices_list(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def lookups(self, request, model_admin):
        return self.choices_list()

    def queryset(self, request, queryset):
        if self.value() in dict(self.choices_list()):
            return queryset.filter(**{self.parameter_name: self.value()})
        return queryset


class LargeTableAdmin(admin.ModelAdmin):
    """Counts are PostgreSQL's estimate above 10,000 rows (portal.counts), with no second
    count of the unfiltered table, and each row's checkbox costs one `format_html`."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def action_checkbox(self, obj):
        # The HTML of Django's own: it renders a form widget through the template engine for
        # each of the page's hundred rows, a third of a changelist's time.
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )
