"""
The daily rollups hold one row per value of each dimension instead of one per
combination of them all (a year's tables read a few rows a day). The old rows are
dropped and every day they covered is marked, so the minute task computes them again.
"""

from django.db import migrations, models


def drop_and_mark(apps, schema_editor):
    DailyRollup = apps.get_model("inbox", "DailyRollup")
    RollupDay = apps.get_model("inbox", "RollupDay")
    days = list(DailyRollup.objects.values_list("day", flat=True).distinct())
    RollupDay.objects.bulk_create([RollupDay(day=day) for day in days], ignore_conflicts=True)
    DailyRollup.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0012_employee_accounts"),
    ]

    operations = [
        migrations.RunPython(drop_and_mark, migrations.RunPython.noop),
        migrations.RemoveField(model_name="dailyrollup", name="categories"),
        migrations.RemoveField(model_name="dailyrollup", name="priority"),
        migrations.RemoveField(model_name="dailyrollup", name="team"),
        migrations.RemoveField(model_name="dailyrollup", name="target_group"),
        migrations.RemoveField(model_name="dailyrollup", name="person"),
        migrations.AddField(
            model_name="dailyrollup",
            name="dimension",
            field=models.CharField(
                choices=[
                    ("all", "all"),
                    ("category", "category"),
                    ("priority", "priority"),
                    ("team", "team"),
                    ("target_group", "target group"),
                    ("person", "first response by"),
                ],
                default="all",
                max_length=20,
                verbose_name="dimension",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="dailyrollup",
            name="value",
            field=models.CharField(blank=True, max_length=60, verbose_name="value"),
        ),
        migrations.AddIndex(
            model_name="dailyrollup",
            index=models.Index(fields=["dimension", "day"], name="rollup_dimension_day_idx"),
        ),
    ]
