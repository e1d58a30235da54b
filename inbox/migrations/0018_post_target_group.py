"""Posts keep their author's target group, so that the reports need not read the authors (#13)."""

import django.db.models.deletion
from django.db import migrations, models, transaction
from django.db.models import OuterRef, Subquery

# Posts given their author's group per transaction: a big inbox is not locked while it runs.
BATCH = 20_000


def copy_groups(apps, schema_editor):
    """Every post gets its author's target group, a range of ids at a time."""
    post = apps.get_model("inbox", "Post")
    author = apps.get_model("inbox", "Author")
    group = author.objects.filter(pk=OuterRef("author_id")).values("target_group_id")[:1]
    last = post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for start in range(0, last + 1, BATCH):
        with transaction.atomic(using=schema_editor.connection.alias):
            post.objects.filter(pk__gte=start, pk__lt=start + BATCH, author__target_group__isnull=False).update(
                target_group_id=Subquery(group)
            )


class Migration(migrations.Migration):
    # The column is added at once (it may be null); the posts are given their groups in batches.
    atomic = False

    dependencies = [
        ("inbox", "0017_monthly_rollups"),
        ("strategy", "0002_rota"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="target_group",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="strategy.targetgroup",
                verbose_name="target group",
            ),
        ),
        migrations.RunPython(copy_groups, migrations.RunPython.noop),
    ]
