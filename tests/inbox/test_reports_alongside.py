"""
The dashboard with its slow reads beside its own (today's posts, what to fix, the
dialogue: `socialstrategy.alongside`, on PostgreSQL outside a transaction) shows the
same figures as with every read in place.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from inbox.reports import rollups
from socialstrategy import alongside
from tests.inbox.test_reports import NOW, TODAY, history  # noqa: F401 - the fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def shown(page) -> dict:
    """What the page shows, as plain values."""
    context = page.context
    return {
        "tiles": [(str(tile["label"]), tile["link"].value, tile["link"].href) for tile in context["tiles"]],
        "tables": [
            [(row["label"], [(cell.value, cell.href) for cell in row["cells"]]) for row in table["rows"]]
            for table in context["tables"]
        ],
        "trend": [[(cell.value, cell.href) for cell in day["cells"]] for day in context["trend"]],
        "feedback": [
            (part["key"], part["posts"].value, [(str(row["label"]), row["now"].value) for row in part["themes"]])
            for part in context["feedback"]
        ],
        "dialogue": context["dialogue"],
    }


@pytest.mark.parametrize("period", ["today", "7d"])
def test_the_page_read_beside_shows_what_it_shows_read_in_place(client, lars, history, settings, period):  # noqa: F811
    with time_machine.travel(NOW, tick=False):
        rollups.rebuild(TODAY - timedelta(days=10), TODAY - timedelta(days=1))
        client.force_login(lars)
        try:
            settings.READS_ALONGSIDE = True
            beside = client.get(reverse("reports:dashboard"), {"period": period})
            assert alongside._pool is not None  # the reads did run beside
        finally:
            alongside.close_connections()
        settings.READS_ALONGSIDE = False
        in_place = client.get(reverse("reports:dashboard"), {"period": period})
    assert beside.status_code == in_place.status_code == 200
    assert shown(beside) == shown(in_place)
    assert shown(beside)["tiles"][1][1] > 0  # posts to show
    assert beside.content.decode().count("<td>") == in_place.content.decode().count("<td>")
