"""The demo's history (seed_history): worked posts for the reports, every waiting one with a person."""

import pytest
from django.core.management import call_command

from inbox.models import DailyRollup, Post
from inbox.simulation import history


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_strategy", verbosity=0)
    call_command("create_demo_users", force=True, verbosity=0)


def test_the_history_is_worked_routed_and_rolled_up_once(demo):
    made = history.seed(days=14, per_day=15)

    posts = Post.objects.filter(external_id__startswith=history.PREFIX)
    assert made["posts"] == posts.count() > 100
    waiting = posts.filter(must_reply=True, first_response_at__isnull=True, status__in=["new", "open"])
    assert not waiting.filter(assignee__isnull=True).exists()
    answered = posts.filter(first_response_at__isnull=False)
    assert answered.exists() and not answered.filter(first_responder__isnull=True).exists()
    assert DailyRollup.objects.filter(dimension="all").exists()

    call_command("seed_history", if_empty=True, verbosity=0)
    assert Post.objects.filter(external_id__startswith=history.PREFIX).count() == made["posts"]
