"""Log filters used by LOGGING in settings."""

from __future__ import annotations

import logging


class NoTracebackBelow500(logging.Filter):
    """Keeps a 4xx response's log record to its one line.

    Django logs a PermissionDenied (403) or a Bad Request (400) with the exception attached, which
    prints a traceback for something that is the client's doing, not a fault to investigate.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
