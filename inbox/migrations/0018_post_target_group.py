"""Posts keep their author's target group, so that the reports need not read the authors (#13)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_groups(apps, schema_editor):
    """Every post gets its author's target group (one UPDATE)."""
    post = apps.get_model("inbox", "Post")
    author = apps.get_model("inbox", "Author")
    group = author.objects.filter(pk=OuterRef("author_id")).values("target_group_id")[:1]
    post.objects.filter(author__target_group__isnull=False).update(target_group_id=Subquery(group))


class Migration(migrations.Migration):
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
