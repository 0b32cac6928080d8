"""Settings > Webhooks: endpoints (Managers change them, Viewers look) and their deliveries."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from portal.confirm import asks_first
from portal.form_errors import apply_service_errors
from portal.webhooks import services
from portal.webhooks.forms import DeliveryFilterForm, EndpointForm, ResendFailedForm
from portal.webhooks.models import Delivery, Endpoint

DELIVERIES_PER_PAGE = 50


def _get_endpoint(endpoint_id: uuid.UUID) -> Endpoint:
    return get_object_or_404(Endpoint, pk=endpoint_id)


# The services name fields as the API does.
API_NAMES = {"eventTypes": "event_types"}


# A new or rotated secret waits in the session for the endpoint's next page, then is gone.
NEW_SECRET_SESSION_KEY = "new_webhook_secret"  # noqa: S105 (a session key, not a secret)


def _redirect_with_secret(
    request: HttpRequest, endpoint: Endpoint, secret: str, *, rotated: bool
) -> HttpResponse:
    # Post/redirect/get: reloading the page repeats the GET, never the create or rotation.
    request.session[NEW_SECRET_SESSION_KEY] = {
        "endpoint": str(endpoint.pk),
        "secret": secret,
        "rotated": rotated,
    }
    return redirect("settings:webhook", endpoint_id=endpoint.pk)


def _pop_new_secret(request: HttpRequest, endpoint: Endpoint) -> dict:
    waiting = request.session.pop(NEW_SECRET_SESSION_KEY, None)
    if not waiting or waiting.get("endpoint") != str(endpoint.pk):
        return {}
    return {"new_secret": waiting["secret"], "rotated": waiting["rotated"]}


@login_required
@permission_required("webhooks.view_endpoint", raise_exception=True)
@require_http_methods(["GET", "POST"])
def endpoints(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("webhooks.add_endpoint"):
            raise PermissionDenied
        if form.is_valid():
            try:
                endpoint, secret = services.endpoint_create(
                    **form.cleaned_data, actor_name=request.user.get_username()
                )
            except ValidationError as error:
                apply_service_errors(form, error, API_NAMES)
            else:
                return _redirect_with_secret(request, endpoint, secret, rotated=False)
    context = {"form": form, "endpoints": services.endpoints_for_table()}
    return render(request, "webhooks/list.html", context, status=400 if form.errors else 200)


def _detail_context(request: HttpRequest, endpoint: Endpoint) -> dict:
    filters = DeliveryFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    deliveries = services.deliveries_for_table(
        endpoint=endpoint,
        status=chosen.get("status", ""),
        event_type=chosen.get("event_type", ""),
    )
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "endpoint": endpoint,
        "filters": filters,
        "page_obj": page,
        "deliveries": page.object_list,
        "log": endpoint.log.all()[:20],
        "edit_form": EndpointForm(
            initial={name: getattr(endpoint, name) for name in EndpointForm.base_fields}
        ),
        "resend_form": ResendFailedForm(),
    }


@login_required
@permission_required("webhooks.view_endpoint", raise_exception=True)
def endpoint_detail(request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    endpoint = _get_endpoint(endpoint_id)
    context = _detail_context(request, endpoint)
    if request.htmx and request.htmx.target == "deliveries":
        return render(request, "webhooks/detail.html#deliveries", context)
    context.update(_pop_new_secret(request, endpoint))
    response = render(request, "webhooks/detail.html", context)
    if "new_secret" in context:
        # The secret is in this response only: never cache it.
        add_never_cache_headers(response)
    return response


@login_required
@permission_required("webhooks.change_endpoint", raise_exception=True)
@require_POST
def endpoint_edit(request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    endpoint = _get_endpoint(endpoint_id)
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            services.endpoint_update(
                endpoint=endpoint, **form.cleaned_data, actor_name=request.user.get_username()
            )
        except ValidationError as error:
            apply_service_errors(form, error, API_NAMES)
        else:
            messages.success(request, "Saved the endpoint.")
            return redirect("settings:webhook", endpoint_id=endpoint.pk)
    context = {**_detail_context(request, endpoint), "edit_form": form}
    return render(request, "webhooks/detail.html", context, status=400)


@login_required
@permission_required("webhooks.change_endpoint", raise_exception=True)
@require_POST
@asks_first(
    lambda request, endpoint_id: (
        f"Rotate the signing secret of {_get_endpoint(endpoint_id).url}? The old one keeps "
        "signing for a while beside the new one."
    ),
    button="Rotate secret",
)
def endpoint_rotate(request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    endpoint, secret = services.endpoint_rotate_secret(
        endpoint=_get_endpoint(endpoint_id), actor_name=request.user.get_username()
    )
    return _redirect_with_secret(request, endpoint, secret, rotated=True)


@login_required
@permission_required("webhooks.delete_endpoint", raise_exception=True)
@require_POST
@asks_first(
    lambda request, endpoint_id: (
        f"Delete the endpoint for {_get_endpoint(endpoint_id).url} and its deliveries?"
    ),
    button="Delete endpoint",
)
def endpoint_delete(request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    endpoint = _get_endpoint(endpoint_id)
    services.endpoint_delete(endpoint=endpoint)
    messages.success(request, f"Deleted the endpoint for {endpoint.url}.")
    return redirect("settings:webhooks")


@login_required
@permission_required("webhooks.change_endpoint", raise_exception=True)
@require_POST
def endpoint_test(request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    endpoint = _get_endpoint(endpoint_id)
    services.endpoint_send_test(endpoint=endpoint)
    messages.success(request, "Queued a test event; it appears below once a worker sends it.")
    return redirect("settings:webhook", endpoint_id=endpoint.pk)


@login_required
@permission_required("webhooks.change_endpoint", raise_exception=True)
@require_POST
def delivery_resend(request: HttpRequest, endpoint_id: uuid.UUID, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=delivery_id, endpoint_id=endpoint_id)
    services.delivery_resend(delivery=delivery)
    messages.success(request, "Queued the delivery again.")
    return redirect("settings:webhook", endpoint_id=endpoint_id)


@login_required
@permission_required("webhooks.change_endpoint", raise_exception=True)
@require_POST
def deliveries_resend_failed(request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    endpoint = _get_endpoint(endpoint_id)
    form = ResendFailedForm(request.POST)
    if not form.is_valid():
        context = {**_detail_context(request, endpoint), "resend_form": form}
        return render(request, "webhooks/detail.html", context, status=400)
    count = services.deliveries_resend_failed(endpoint=endpoint, since=form.cleaned_data["since"])
    messages.success(
        request, f"Queued {count} failed {'delivery' if count == 1 else 'deliveries'} again."
    )
    return redirect("settings:webhook", endpoint_id=endpoint.pk)
