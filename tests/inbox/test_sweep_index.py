"""Each sweep costs what it sweeps, not the whole table: it reads its rows through a partial index."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from inbox.ingest import deliveries
from inbox.models import Post, WebhookDelivery
from inbox.triage import sweeps
from tests.factories import ChannelFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

START = datetime(2026, 5, 13, 8, tzinfo=UTC)


@pytest.fixture
def inbox_shape():
    """Mostly answered, triaged or not-to-answer posts, a few open ones: the shape of a real inbox."""
    channel = ChannelFactory()
    Post.objects.bulk_create(
        [
            Post(
                channel=channel,
                external_id=str(n),
                kind="comment",
                published_at=START,
                received_at=START,
                triaged_at=None if n % 500 == 0 else START,
                must_reply=n % 50 == 0,
                first_response_at=None if n % 50 == 0 else START,
                due_at=START + timedelta(hours=n % 8),
            )
            for n in range(5000)
        ]
    )
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                source="facebook", body=b"{}", received_at=START, status="pending" if n % 500 else "processed"
            )
            for n in range(3000)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inbox_post")
        cursor.execute("ANALYZE inbox_webhookdelivery")


def test_the_deadline_sweep_reads_the_waiting_posts_index(inbox_shape):
    query = sweeps.waiting_posts().filter(breached_at__isnull=True, due_at__lt=START + timedelta(hours=4))

    assert "post_waiting_due_idx" in query.values_list("pk", flat=True).explain()


def test_the_untriaged_sweep_reads_its_own_index(inbox_shape):
    query = sweeps.untriaged_posts(now=START + timedelta(hours=1)).order_by("received_at").values_list("pk", flat=True)

    assert "post_untriaged_idx" in query.explain()


def test_the_delivery_sweep_reads_the_unfinished_deliveries_index(inbox_shape):
    query = (
        deliveries.due_for_sweep(now=START + timedelta(hours=1)).order_by("received_at").values_list("pk", flat=True)
    )

    assert "delivery_unfinished_idx" in query.explain()
