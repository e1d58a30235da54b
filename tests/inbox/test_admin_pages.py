"""The superuser's admin opens every model of the inbox's work on a post."""

import pytest
from django.urls import reverse

from inbox.models import InboxSettings, SavedReply

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("app", "model"),
    [
        ("inbox", "activity"),
        ("inbox", "note"),
        ("inbox", "forward"),
        ("inbox", "savedreply"),
        ("inbox", "replyapproval"),
        ("inbox", "inboxsettings"),
        ("inbox", "outboxmessage"),
        ("inbox", "webhookdelivery"),
        ("strategy", "replyrule"),
        ("strategy", "knownclaim"),
        ("strategy", "responsepolicy"),
        ("strategy", "responsibilityrule"),
        ("socialstrategy", "notification"),
        ("socialstrategy", "notificationpreference"),
    ],
)
def test_the_admin_lists_it(admin_client, app, model):
    response = admin_client.get(reverse(f"admin:{app}_{model}_changelist"))

    assert response.status_code == 200


def test_the_admin_shows_a_saved_reply_and_the_settings(admin_client):
    saved = SavedReply.objects.create(title="Takk", language="nb", text="Takk, {author_first_name}!")
    settings_row = InboxSettings.current()

    assert admin_client.get(reverse("admin:inbox_savedreply_change", args=[saved.pk])).status_code == 200
    assert admin_client.get(reverse("admin:inbox_inboxsettings_change", args=[settings_row.pk])).status_code == 200
