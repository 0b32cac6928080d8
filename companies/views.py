from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from companies import services
from companies.forms import CompanyForm
from companies.models import Company, DataConnection

PAGE_SIZE = 25


def _get_company(company_id: uuid.UUID) -> Company:
    return get_object_or_404(
        Company.objects.prefetch_related("connections"), pk=company_id
    )


def _table_context(request: HttpRequest) -> dict:
    query = request.GET.get("q", "")[:255]
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", services.DEFAULT_COMPANY_ORDERING)
    if sort not in services.COMPANY_ORDERINGS:
        sort = services.DEFAULT_COMPANY_ORDERING
    companies = services.companies_for_table(query=query, status=status, ordering=sort)
    page = Paginator(companies, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "query": query,
        "status": status if status in DataConnection.Status.values else "",
        "sort": sort,
        "statuses": DataConnection.Status.values,
    }


@login_required
@permission_required("companies.view_company", raise_exception=True)
@require_GET
def company_list(request: HttpRequest) -> HttpResponse:
    context = _table_context(request)
    if request.htmx:
        return render(request, "companies/list.html#table", context)
    return render(request, "companies/list.html", {**context, "form": CompanyForm()})


@login_required
@permission_required("companies.add_company", raise_exception=True)
@require_POST
def company_create(request: HttpRequest) -> HttpResponse:
    form = CompanyForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return render(request, "companies/list.html#create-form", {"form": form})
        context = {**_table_context(request), "form": form}
        return render(request, "companies/list.html", context, status=400)

    company = services.company_create(**form.cleaned_data, created_by=request.user)
    if request.htmx:
        # A cleared form, plus the new row put on top of the table out of band.
        context = {"form": CompanyForm(), "company": company, "created": True}
        return render(request, "companies/list.html#created", context)
    messages.success(request, f"Created company “{company.name}”.")
    return redirect("companies:detail", company_id=company.id)


@login_required
@permission_required("companies.view_company", raise_exception=True)
@require_GET
def company_detail(request: HttpRequest, company_id: uuid.UUID) -> HttpResponse:
    company = _get_company(company_id)
    return render(request, "companies/detail.html", {"company": company})


@login_required
@permission_required("companies.change_company", raise_exception=True)
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, company_id: uuid.UUID) -> HttpResponse:
    company = _get_company(company_id)
    if request.method == "POST":
        form = CompanyForm(request.POST)
        if form.is_valid():
            services.company_update(company=company, **form.cleaned_data)
            if request.htmx:
                return render(request, "companies/detail.html#details", {"company": company})
            messages.success(request, f"Saved company “{company.name}”.")
            return redirect("companies:detail", company_id=company.id)
    else:
        form = CompanyForm(initial={"name": company.name, "description": company.description})

    context = {"company": company, "form": form, "editing": True}
    if request.htmx:
        return render(request, "companies/detail.html#details", context)
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
    messages.success(request, f"Deleted company “{name}” and its connections.")
    if request.htmx:
        # The row is swapped out; the message arrives out of band.
        return render(request, "companies/list.html#deleted")
    return redirect("companies:list")
