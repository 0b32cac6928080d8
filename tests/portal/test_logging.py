"""The log: one line per event, at the event's level; tracebacks only for server errors."""

from __future__ import annotations

import io
import logging

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines(settings):
    """The lines the configured handlers print for django.* records, as under `make run`."""
    settings.DEBUG = True  # Django's own console handler prints only then
    buffer = io.StringIO()
    swapped = []
    logger = logging.getLogger("django.request")
    while logger:
        for handler in logger.handlers:
            if type(handler) is logging.StreamHandler:  # not pytest's capturing subclasses
                swapped.append((handler, handler.setStream(buffer)))
        logger = logger.parent if logger.propagate else None
    yield lambda: buffer.getvalue().splitlines()
    for handler, stream in swapped:
        handler.setStream(stream)


def test_a_forbidden_post_logs_one_warning_line(viewer_client, log_lines):
    # Revoking an API key is for Managers only.
    response = viewer_client.post("/settings/api-keys/1/revoke/")
    assert response.status_code == 403
    (line,) = log_lines()  # one line: no traceback, not printed twice
    assert line.endswith(
        " WARNING django.request: Forbidden (Permission denied): /settings/api-keys/1/revoke/"
    )


def test_a_missing_page_logs_one_warning_line(viewer_client, log_lines):
    assert viewer_client.get("/no-such-page/").status_code == 404
    (line,) = log_lines()
    assert line.endswith(" WARNING django.request: Not Found: /no-such-page/")


def test_a_server_error_keeps_its_traceback(log_lines):
    try:
        raise RuntimeError("the database went away")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", "/companies/", exc_info=True, extra={"status_code": 500}
        )
    lines = log_lines()
    assert lines[0].endswith(" ERROR django.request: Internal Server Error: /companies/")
    assert "Traceback (most recent call last):" in lines
    assert lines[-1] == "RuntimeError: the database went away"
