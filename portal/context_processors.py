from __future__ import annotations

from django.http import HttpRequest


def csp_nonce(request: HttpRequest) -> dict[str, str | None]:
    """`{% htmx_script %}` looks for `csp_nonce`; django-csp names it differently."""
    return {"csp_nonce": getattr(request, "csp_nonce", None)}
