from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from companies import queries, services
from companies.activity import Actor, collapse_repeats
from companies.forms import CompanyCreateForm, CompanyForm
from companies.link.tokens import issue_link_url
from companies.models import Company, DataConnection, SyncFrequency, SyncSettings
from companies.platforms.sandbox import Scenario
from companies.pulls import schedule
from companies.pulls.views import pulls_context
from portal.apikit.pagination import decode_cursor, encode_cursor
from portal.charts import bar_chart
from portal.confirm import asks_first
from portal.counts import DEFERRED_FROM, EstimatedCountPaginator
from portal.tables import shown_query
from portal.webhooks.services import events_about_company

PAGE_SIZE = 25
ACTIVITY_PAGE_SIZE = 50


def _get_company(company_id: uuid.UUID) -> Company:
    companies = Company.objects.select_related("created_by", "created_by_api_key")
    return get_object_or_404(companies.prefetch_related("connections"), pk=company_id)


def _table_context(
    request: HttpRequest, params: QueryDict | None = None, *, rows: bool = True
) -> dict:
    """The table as the URL's query string describes it (or `params`, when given); without
    `rows`, only what the summary above it needs (its count)."""
    params = request.GET if params is None else params
    query = params.get("q", "")[:255]
    status = params.get("status", "")
    sync = params.get("sync", "")
    sort = params.get("sort", queries.DEFAULT_COMPANY_ORDERING)
    if sort not in queries.COMPANY_ORDERINGS:
        sort = queries.DEFAULT_COMPANY_ORDERING
    companies = queries.companies_for_table(query=query, status=status, sync=sync, ordering=sort)
    paginator = EstimatedCountPaginator(companies, PAGE_SIZE)
    page = _table_page(paginator, params, sort) if rows else {"paginator": paginator}
    return {
        "page_obj": page,
        "query": query,
        "status": status if status in DataConnection.Status.values else "",
        "sort": sort,
        "statuses": DataConnection.Status.values,
        "sync": sync if sync in queries.SYNC_FILTERS else "",
        "sync_filters": queries.SYNC_FILTERS,
    }


def _table_page(paginator: EstimatedCountPaginator, params: QueryDict, sort: str) -> Page:
    """The page `?page=` names, or the one after `?cursor=` (keyset: the rows past the
    previous page's last, as fast however deep). Deep pages link to the next by cursor."""
    keyset = queries.company_keyset(sort)
    page = None
    if cursor := params.get("cursor", ""):
        try:
            number, values = decode_cursor(cursor)
            rows = list(keyset.after(paginator.object_list, values)[:PAGE_SIZE])
            page = Page(rows, number, paginator)
        except (ValueError, ValidationError):
            page = None  # edited or from another sort: the page number alone then
    if page is None:
        page = paginator.get_page(params.get("page"))
    paginator.settle(page)
    if page.has_next() and page.number * PAGE_SIZE >= DEFERRED_FROM:
        page.next_cursor = encode_cursor(page.number + 1, keyset.values(page.object_list[-1]))
    return page


@login_required
@permission_required("companies.view_company", raise_exception=True)
@require_GET
# The page and its fragment share a URL: caches and the back button must keep them apart.
@vary_on_headers("HX-Request")
def company_list(request: HttpRequest) -> HttpResponse:
    context = _table_context(request)
    # On a history cache miss htmx asks for the whole page, so it gets the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "companies/list.html#table", context)
    return render(request, "companies/list.html", {**context, "form": CompanyCreateForm()})


@login_required
@permission_required("companies.add_company", raise_exception=True)
@require_POST
def company_create(request: HttpRequest) -> HttpResponse:
    form = CompanyCreateForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return render(request, "companies/list.html#create-form", {"form": form})
        context = {**_table_context(request), "form": form}
        return render(request, "companies/list.html", context, status=400)

    data = form.cleaned_data
    # A second company for the same customer costs a second one: ask first (the API does not).
    existing = None if data.pop("create_anyway") else queries.company_named(data["name"])
    if existing:
        form = CompanyCreateForm({**data, "create_anyway": True})
        context = {"form": form, "existing": existing}
        if request.htmx:
            return render(request, "companies/list.html#create-form", context)
        return render(request, "companies/list.html", {**_table_context(request), **context})

    company = services.company_create(**data, actor=Actor.staff(request.user))
    if request.htmx:
        # The row reads the connections twice (badges, last sync): once from the database.
        prefetch_related_objects([company], "connections")
        # A cleared form, plus, out of band, the new row on top of the table and the count of
        # the table the page shows (its filters are in the page's URL).
        context = {
            # The count only: the new row goes on top of the rows the page already shows.
            **_table_context(request, shown_query(request), rows=False),
            "form": CompanyCreateForm(),
            "company": company,
            "created": True,
            "announce": f"Created company “{company.name}”.",
        }
        return render(request, "companies/list.html#created", context)
    messages.success(request, f"Created company “{company.name}”.")
    return redirect("companies:detail", company_id=company.id)


@login_required
@permission_required("companies.view_company", raise_exception=True)
@require_GET
def company_detail(request: HttpRequest, company_id: uuid.UUID) -> HttpResponse:
    company = _get_company(company_id)
    context = _detail_context(company, activity_page=request.GET.get("activity", "1"))
    return render(request, "companies/detail.html", context)


def _detail_context(company: Company, activity_page: str = "1") -> dict:
    """Everything the company page shows."""
    chart = bar_chart(
        "Invoiced and paid per month (GBP)",
        [("Invoiced", "accent"), ("Paid", "ok")],
        queries.invoiced_and_paid_by_month(company),
    )
    return {
        "company": company,
        **_lifecycle_context(company, activity_page),
        **pulls_context(company),
        "invoice_chart": chart,
    }


@login_required
@permission_required("companies.change_company", raise_exception=True)
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, company_id: uuid.UUID) -> HttpResponse:
    company = _get_company(company_id)
    if request.method == "POST":
        form = CompanyForm(request.POST)
        if form.is_valid():
            company = services.company_update(
                company=company, **form.cleaned_data, actor=Actor.staff(request.user)
            )
            if request.htmx:
                return render(request, "companies/detail.html#details", {"company": company})
            messages.success(request, f"Saved company “{company.name}”.")
            return redirect("companies:detail", company_id=company.id)
    else:
        form = CompanyForm(initial={"name": company.name, "description": company.description})

    if request.htmx:
        context = {"company": company, "form": form, "editing": True}
        return render(request, "companies/detail.html#details", context)
    context = {**_detail_context(company), "form": form, "editing": True}
    return render(request, "companies/detail.html", context, status=400 if form.errors else 200)


@login_required
@permission_required("companies.delete_company", raise_exception=True)
@require_http_methods(["GET", "POST"])
def company_delete(request: HttpRequest, company_id: uuid.UUID) -> HttpResponse:
    company = _get_company(company_id)
    if request.method == "GET":
        return render(request, "companies/delete.html", {"company": company})

    name = company.name
    services.company_delete(company=company)
    messages.success(
        request, f"Deleted company “{name}” with its connections, data and payroll accounts."
    )
    if request.htmx:
        # The table the page shows, again: its count, its pages and (for the last row) its
        # empty state stay true. The message arrives out of band.
        context = {
            **_table_context(request, shown_query(request)),
            "announce": f"Deleted company “{name}”.",
        }
        return render(request, "companies/list.html#deleted", context)
    return redirect("companies:list")


# Link URLs, connections and the activity log on the company page


def _get_connection(company_id: uuid.UUID, connection_id: uuid.UUID) -> DataConnection:
    return get_object_or_404(
        DataConnection.objects.select_related("company"), pk=connection_id, company_id=company_id
    )


def _lifecycle_response(request: HttpRequest, company: Company) -> HttpResponse:
    """After an action: for HTMX, the lifecycle region, with the sync frequency and the
    activity (which the action added to) out of band; the company page otherwise."""
    if request.htmx:
        company = _get_company(company.id)
        context = {"company": company, **_lifecycle_context(company)}
        return render(request, "companies/detail.html#after-action", context)
    return redirect("companies:detail", company_id=company.id)


def _activity_context(company: Company, page: str) -> dict:
    """One page of the timeline, repeats collapsed, in one query: a page too many entries is
    fetched to know whether there are older ones."""
    page_number = int(page) if page.isdigit() and 0 < int(page) <= 10_000 else 1
    start = (page_number - 1) * ACTIVITY_PAGE_SIZE
    entries = list(company.activity.all()[start : start + ACTIVITY_PAGE_SIZE + 1])
    return {
        "activity": collapse_repeats(entries[:ACTIVITY_PAGE_SIZE]),
        "activity_older_page": page_number + 1 if len(entries) > ACTIVITY_PAGE_SIZE else None,
        "activity_newer_page": page_number - 1 if page_number > 1 else None,
    }


def _lifecycle_context(company: Company, activity_page: str = "1") -> dict:
    link_url = issue_link_url(company)
    default_frequency = SyncSettings.load().default_frequency
    return {
        "link_url": link_url.url,
        "link_expires": link_url.expires_at,
        **_activity_context(company, activity_page),
        "webhook_events": events_about_company(company_id=company.id),
        "sandbox_scenarios": Scenario.CHOICES,
        "sync_frequency": company.sync_frequency or default_frequency,
        "default_frequency": SyncFrequency(default_frequency).label,
        "sync_frequencies": SyncFrequency.choices,
    }


@login_required
@permission_required("companies.change_company", raise_exception=True)
@require_POST
def sync_frequency(request: HttpRequest, company_id: uuid.UUID) -> HttpResponse:
    """The company's own sync frequency, or (empty) the default of Settings > Sync."""
    company = _get_company(company_id)
    try:
        company = schedule.company_set_sync_frequency(
            company=company,
            frequency=request.POST.get("sync_frequency", ""),
            actor=Actor.staff(request.user),
        )
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
        return _lifecycle_response(request, company)
    in_force = SyncFrequency(schedule.frequency_in_force(company)).label.lower()
    messages.success(request, f"Syncs now run {in_force}.")
    return _lifecycle_response(request, company)


@login_required
@permission_required("companies.change_company", raise_exception=True)
@require_POST
def link_url_renew(request: HttpRequest, company_id: uuid.UUID) -> HttpResponse:
    company = services.link_url_renew(
        company=_get_company(company_id), actor=Actor.staff(request.user)
    )
    messages.success(request, "Issued a new Link URL.")
    return _lifecycle_response(request, company)


@login_required
@permission_required("companies.change_company", raise_exception=True)
@require_POST
@asks_first(
    lambda request, company_id: (
        f"Revoke every Link URL issued so far for “{_get_company(company_id).name}”? People "
        "who have not finished linking will need the new one."
    ),
    button="Revoke Link URLs",
)
def link_urls_revoke(request: HttpRequest, company_id: uuid.UUID) -> HttpResponse:
    company = services.link_urls_revoke(
        company=_get_company(company_id), actor=Actor.staff(request.user)
    )
    messages.success(request, "Revoked every Link URL issued so far. A new one is shown.")
    return _lifecycle_response(request, company)


def _connection_action(request, company_id, connection_id, action, done: str) -> HttpResponse:
    connection = _get_connection(company_id, connection_id)
    try:
        action(connection=connection, actor=Actor.staff(request.user))
    except services.ConnectionStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done.format(platform=connection.platform_name))
    return _lifecycle_response(request, connection.company)


@login_required
@permission_required("companies.change_dataconnection", raise_exception=True)
@require_POST
@asks_first(
    lambda request, company_id, connection_id: (
        f"Sandbox control: make {_get_connection(company_id, connection_id).platform_name} "
        "withdraw access? The connection becomes Deauthorized until the user links again."
    ),
    button="Revoke at platform",
)
def connection_deauthorize(
    request: HttpRequest, company_id: uuid.UUID, connection_id: uuid.UUID
) -> HttpResponse:
    return _connection_action(
        request,
        company_id,
        connection_id,
        services.connection_deauthorize,
        "{platform} (sandbox) withdrew access: the connection is Deauthorized.",
    )


@login_required
@permission_required("companies.change_dataconnection", raise_exception=True)
@require_POST
@asks_first(
    lambda request, company_id, connection_id: (
        "Unlink {connection.platform_name} from “{connection.company.name}”? Data already "
        "pulled stays readable."
    ).format(connection=_get_connection(company_id, connection_id)),
    button="Unlink",
)
def connection_unlink(
    request: HttpRequest, company_id: uuid.UUID, connection_id: uuid.UUID
) -> HttpResponse:
    return _connection_action(
        request, company_id, connection_id, services.connection_unlink, "Unlinked {platform}."
    )


@login_required
@permission_required("companies.delete_dataconnection", raise_exception=True)
@require_http_methods(["GET", "POST"])
def connection_delete(
    request: HttpRequest, company_id: uuid.UUID, connection_id: uuid.UUID
) -> HttpResponse:
    connection = _get_connection(company_id, connection_id)
    if request.method == "GET":
        return render(request, "companies/connection_delete.html", {"connection": connection})
    services.connection_delete(connection=connection, actor=Actor.staff(request.user))
    messages.success(request, f"Deleted the {connection.platform_name} connection.")
    return _lifecycle_response(request, connection.company)
