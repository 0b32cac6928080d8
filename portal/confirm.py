"""Asking before an action, with or without JavaScript.

A form that asks first carries `hx-confirm`: with JavaScript the page's dialog asks
(static/js/portal.js) and htmx sends the request once confirmed. Without it, the form posts
unasked; `asks_first` then answers with a confirm page whose form posts the same fields again,
`confirmed=yes` added. Delete links have confirm pages of their own (their GET).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

CONFIRMED = "confirmed"


def asks_first(question: Callable[..., str], *, button: str):
    """`question(request, **view_kwargs)` is what the page asks; `button` names the action.
    Put it below the login and permission checks: they come before any question."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method != "POST" or request.htmx or request.POST.get(CONFIRMED) == "yes":
                return view(request, *args, **kwargs)
            fields = [
                (name, value)
                for name, values in request.POST.lists()
                if name != "csrfmiddlewaretoken"
                for value in values
            ]
            context = {
                "question": question(request, *args, **kwargs),
                "button": button,
                "action": request.get_full_path(),
                "fields": fields,
                "back": _back(request),
            }
            return render(request, "portal/confirm.html", context)

        return wrapper

    return decorate


def _back(request: HttpRequest) -> str:
    """Where Cancel goes: the page the form was on, if it is one of ours."""
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"
