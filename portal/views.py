from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("companies:list")



@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/settings.html")
