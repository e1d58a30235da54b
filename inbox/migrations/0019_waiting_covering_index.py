"""
The posts still waiting for an answer, by publication, with what the reports count
them by (#13): the reports' one read of what waits (per key, per day, and the period
compared with) then comes from this small index alone, an index-only scan, instead of
visiting the table once per waiting post (at 5 million posts, 10,000 posts in 9,700
pages: 23 ms for a year, now a few).

PostgreSQL only, built CONCURRENTLY so that the post table takes writes meanwhile;
SQLite has no covering indexes, and the small inboxes it serves need none. It is not in
Post.Meta.indexes for that reason (Django would warn that SQLite cannot include columns).
"""

from django.db import migrations

INDEX = "post_waiting_published_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON inbox_post (published_at) "
        "INCLUDE (due_at, channel_id, priority, team_id, target_group_id, categories) "
        "WHERE must_reply AND first_response_at IS NULL AND deleted_at IS NULL AND NOT is_ours "
        "AND status IN ('new', 'open')"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("inbox", "0018_post_target_group")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
