"""A refused request is one line in the log, not a traceback."""

import logging

from socialstrategy.logs import ForbiddenWithoutTraceback


def test_a_403_is_logged_without_its_traceback_and_other_errors_keep_theirs():
    try:
        raise PermissionError("no")
    except PermissionError:
        import sys

        info = sys.exc_info()
    forbidden = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: /x/", (), info)
    forbidden.status_code = 403
    failed = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), info)
    failed.status_code = 500

    assert ForbiddenWithoutTraceback().filter(forbidden) and forbidden.exc_info is None
    assert ForbiddenWithoutTraceback().filter(failed) and failed.exc_info is info


def test_english_dates_use_the_24_hour_clock_and_the_day_first():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import formats, translation

    moment = datetime(2026, 12, 1, 8, 43, tzinfo=ZoneInfo("Europe/Oslo"))
    with translation.override("en"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "1 Dec 2026 08:43"
    with translation.override("nb"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "01.12.2026 08:43"
