"""The deadline sweep costs what the posts still waiting for an answer cost: it reads them by a partial index."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from inbox.models import Post
from tests.factories import ChannelFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_breach_query_uses_the_partial_index():
    channel = ChannelFactory()
    start = datetime(2026, 5, 13, 8, tzinfo=UTC)
    # Mostly answered or not-to-answer posts, a few open ones: the shape of a real inbox.
    Post.objects.bulk_create(
        [
            Post(
                channel=channel,
                external_id=str(n),
                kind="comment",
                published_at=start,
                must_reply=n % 50 == 0,
                first_response_at=None if n % 50 == 0 else start,
                due_at=start + timedelta(hours=n % 8),
            )
            for n in range(5000)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inbox_post")
    query = Post.objects.filter(
        must_reply=True,
        first_response_at__isnull=True,
        breached_at__isnull=True,
        deleted_at__isnull=True,
        is_ours=False,
        status__in=["new", "open"],
        due_at__lt=start + timedelta(hours=4),
    ).values_list("pk", flat=True)

    plan = query.explain()

    assert "post_waiting_due_idx" in plan
