"""Logging helpers used by settings.LOGGING."""

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """
    A refused request (403) is expected, not a fault: it is logged as its one line
    ("Forbidden (Permission denied): /inbox/rules/"), without the traceback of the
    PermissionDenied behind it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.request" and getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
