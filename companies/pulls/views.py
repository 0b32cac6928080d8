"""Portal pages for pulls and pulled data: queue, watch, cancel, browse."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from companies import queries
from companies.activity import Actor
from companies.models import Company, DataConnection, DataPull, PulledRecord
from companies.platforms.sandbox import Scenario
from companies.platforms.sandbox_data import DATA_TYPES
from companies.pulls import queue
from companies.pulls.lifecycle import PullStateError
from companies.services import ConnectionStateError, connection_set_sandbox_scenario

RECORDS_PER_PAGE = 25


def _get_company(company_id: uuid.UUID) -> Company:
    return get_object_or_404(Company, pk=company_id)


def pulls_context(company: Company) -> dict:
    recent = queries.recent_pulls(company)
    return {
        "company": company,
        "pulls": recent,
        "pulls_active": any(not pull.is_finished for pull in recent),
    }


def _pulls_response(request: HttpRequest, company: Company) -> HttpResponse:
    if request.htmx:
        return render(request, "companies/detail.html#pulls", pulls_context(company))
    return redirect("companies:detail", company_id=company.id)


@login_required
@permission_required("companies.view_company", raise_exception=True)
@require_GET
def pull_progress(request: HttpRequest, company_id: uuid.UUID) -> HttpResponse:
    """The pulls region: polled by the company page while a pull is running."""
    company = _get_company(company_id)
    return render(request, "companies/detail.html#pulls", pulls_context(company))


@login_required
@permission_required("companies.change_dataconnection", raise_exception=True)
@require_POST
def pull_connection(
    request: HttpRequest, company_id: uuid.UUID, connection_id: uuid.UUID
) -> HttpResponse:
    connection = get_object_or_404(
        DataConnection.objects.select_related("company"), pk=connection_id, company_id=company_id
    )
    try:
        _, queued_now = queue.pull_queue(connection=connection, actor=Actor.staff(request.user))
    except ConnectionStateError as error:
        messages.error(request, str(error))
    else:
        if not queued_now:
            messages.info(request, f"A pull from {connection.platform_name} is already under way.")
        else:
            messages.success(request, f"Queued a data pull from {connection.platform_name}.")
    return _pulls_response(request, connection.company)


@login_required
@permission_required("companies.change_dataconnection", raise_exception=True)
@require_POST
def pull_all(request: HttpRequest, company_id: uuid.UUID) -> HttpResponse:
    company = _get_company(company_id)
    try:
        queued = queue.pulls_queue_all(company=company, actor=Actor.staff(request.user))
    except ConnectionStateError as error:
        messages.error(request, str(error))
    else:
        new = sum(1 for _, queued_now in queued if queued_now)
        running = len(queued) - new
        parts = [f"Queued {new} data pull{pluralize(new)}."] if new else []
        if running:
            parts.append(f"{running} already under way.")
        messages.success(request, " ".join(parts))
    return _pulls_response(request, company)


@login_required
@permission_required("companies.change_dataconnection", raise_exception=True)
@require_POST
def pull_cancel(request: HttpRequest, company_id: uuid.UUID, pull_id: uuid.UUID) -> HttpResponse:
    pull = get_object_or_404(
        DataPull.objects.select_related("company"), pk=pull_id, company_id=company_id
    )
    try:
        queue.pull_cancel(pull=pull, actor=Actor.staff(request.user))
    except PullStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Cancelled the data pull.")
    return _pulls_response(request, pull.company)


@login_required
@permission_required("companies.change_dataconnection", raise_exception=True)
@require_POST
def sandbox_scenario(
    request: HttpRequest, company_id: uuid.UUID, connection_id: uuid.UUID
) -> HttpResponse:
    connection = get_object_or_404(DataConnection, pk=connection_id, company_id=company_id)
    scenario = request.POST.get("sandbox_scenario", "")
    if scenario not in dict(Scenario.CHOICES):
        messages.error(request, "Choose one of the listed sandbox behaviours.")
    else:
        connection_set_sandbox_scenario(
            connection=connection, scenario=scenario, actor=Actor.staff(request.user)
        )
        messages.success(
            request, f"{connection.platform_name} sandbox: {dict(Scenario.CHOICES)[scenario]}."
        )
    if request.htmx:
        # Saved on change: only the message, swapped in out of band.
        return render(request, "portal/messages.html", {"oob": True})
    return redirect("companies:detail", company_id=company_id)


# The data browser


@login_required
@permission_required("companies.view_company", raise_exception=True)
@require_GET
def data_overview(request: HttpRequest, company_id: uuid.UUID) -> HttpResponse:
    company = _get_company(company_id)
    context = {"company": company, "counts": queries.record_counts(company)}
    return render(request, "companies/data.html", context)


def _data_type_or_404(data_type: str) -> str:
    if data_type not in DATA_TYPES:
        raise Http404("Unknown data type.")
    return data_type


@login_required
@permission_required("companies.view_company", raise_exception=True)
@require_GET
# The page and its fragment share a URL: caches and the back button must keep them apart.
@vary_on_headers("HX-Request")
def data_records(request: HttpRequest, company_id: uuid.UUID, data_type: str) -> HttpResponse:
    company = _get_company(company_id)
    data_type = _data_type_or_404(data_type)
    search = request.GET.get("q", "")[:100]
    records = queries.records_for_browser(company, data_type, search)
    page = Paginator(records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "company": company,
        "data_type": data_type,
        "label": DATA_TYPES[data_type],
        "page_obj": page,
        "search": search,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "companies/records.html#records", context)
    return render(request, "companies/records.html", context)


@login_required
@permission_required("companies.view_company", raise_exception=True)
@require_GET
def data_record(
    request: HttpRequest, company_id: uuid.UUID, data_type: str, record_id: int
) -> HttpResponse:
    company = _get_company(company_id)
    record = get_object_or_404(
        PulledRecord.objects.select_related("connection"),
        pk=record_id,
        data_type=_data_type_or_404(data_type),
        connection__company=company,
    )
    context = {
        "company": company,
        "record": record,
        "label": DATA_TYPES[data_type],
        "payload": json.dumps(record.payload, indent=2, ensure_ascii=False),
    }
    return render(request, "companies/record.html", context)
