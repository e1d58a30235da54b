"""
PostgreSQL's planner told how must_reply, status and an empty first response go
together. Alone, each says "many posts" (most are open or unanswered, many must be
answered); together they are the few still waiting. Without these statistics it
expected 420,000 waiting posts of 5 million where there were 10,000, and the
reports' reads of what waits were compiled by the JIT (170 ms) or hashed every author.
SQLite has no such statistics: nothing to do there.
"""

from django.db import migrations

STATISTICS = "post_waiting_stats"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (mcv) "
        "ON must_reply, status, (first_response_at IS NULL) FROM inbox_post"
    )
    schema_editor.execute("ANALYZE inbox_post")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [("inbox", "0015_term_rollup")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
