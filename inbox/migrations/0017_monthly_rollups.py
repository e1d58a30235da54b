"""
Monthly rollups: a month's daily rollups (and words) summed, for long periods. The
months of the daily rollups already computed are summed here, once; from now on a
month is summed again whenever one of its days is computed.
"""

from collections import Counter
from datetime import timedelta

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Sum

SLOTS = 19
COUNTS = (
    "posts",
    "must_reply",
    "needs_look",
    "answered",
    "answered_on_time",
    "no_reply_needed",
    "spam",
    "answered_elsewhere",
)
TERMS_KEPT = 200


def sum_months(apps, schema_editor):
    daily = apps.get_model("inbox", "DailyRollup")
    monthly = apps.get_model("inbox", "MonthlyRollup")
    terms = apps.get_model("inbox", "TermRollup")
    monthly_terms = apps.get_model("inbox", "MonthlyTermRollup")
    columns = [*COUNTS, *(f"wall_{slot}" for slot in range(SLOTS)), *(f"service_{slot}" for slot in range(SLOTS))]
    days = daily.objects.order_by("day").values_list("day", flat=True)
    first, last = days.first(), days.last()
    if first is None:
        return
    month = first.replace(day=1)
    while month <= last:
        end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        within = {"day__gte": month, "day__lt": end}
        rows = (
            daily.objects.filter(**within)
            .values("channel_id", "dimension", "value")
            .annotate(**{column: Sum(column) for column in columns})
            .order_by()
        )
        computed = daily.objects.filter(**within).order_by("-computed_at").values_list("computed_at", flat=True)
        monthly.objects.bulk_create(monthly(month=month, computed_at=computed.first(), **row) for row in rows)
        words = {}
        for channel_id, category, counts in terms.objects.filter(**within).values_list(
            "channel_id", "category", "terms"
        ):
            words.setdefault((channel_id, category), Counter()).update(counts)
        monthly_terms.objects.bulk_create(
            monthly_terms(
                month=month,
                channel_id=channel_id,
                category=category,
                terms=dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TERMS_KEPT]),
            )
            for (channel_id, category), counts in words.items()
        )
        month = end


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0016_waiting_statistics"),
        ("strategy", "0002_rota"),
    ]

    operations = [
        migrations.CreateModel(
            name="MonthlyRollup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("posts", models.PositiveIntegerField(default=0, verbose_name="posts")),
                ("must_reply", models.PositiveIntegerField(default=0, verbose_name="must reply")),
                ("needs_look", models.PositiveIntegerField(default=0, verbose_name="needed a look")),
                ("answered", models.PositiveIntegerField(default=0, verbose_name="answered")),
                ("answered_on_time", models.PositiveIntegerField(default=0, verbose_name="answered on time")),
                ("no_reply_needed", models.PositiveIntegerField(default=0, verbose_name="closed: no reply needed")),
                ("spam", models.PositiveIntegerField(default=0, verbose_name="closed: spam")),
                (
                    "answered_elsewhere",
                    models.PositiveIntegerField(default=0, verbose_name="closed: answered elsewhere"),
                ),
                ("wall_0", models.PositiveIntegerField(default=0)),
                ("service_0", models.PositiveIntegerField(default=0)),
                ("wall_1", models.PositiveIntegerField(default=0)),
                ("service_1", models.PositiveIntegerField(default=0)),
                ("wall_2", models.PositiveIntegerField(default=0)),
                ("service_2", models.PositiveIntegerField(default=0)),
                ("wall_3", models.PositiveIntegerField(default=0)),
                ("service_3", models.PositiveIntegerField(default=0)),
                ("wall_4", models.PositiveIntegerField(default=0)),
                ("service_4", models.PositiveIntegerField(default=0)),
                ("wall_5", models.PositiveIntegerField(default=0)),
                ("service_5", models.PositiveIntegerField(default=0)),
                ("wall_6", models.PositiveIntegerField(default=0)),
                ("service_6", models.PositiveIntegerField(default=0)),
                ("wall_7", models.PositiveIntegerField(default=0)),
                ("service_7", models.PositiveIntegerField(default=0)),
                ("wall_8", models.PositiveIntegerField(default=0)),
                ("service_8", models.PositiveIntegerField(default=0)),
                ("wall_9", models.PositiveIntegerField(default=0)),
                ("service_9", models.PositiveIntegerField(default=0)),
                ("wall_10", models.PositiveIntegerField(default=0)),
                ("service_10", models.PositiveIntegerField(default=0)),
                ("wall_11", models.PositiveIntegerField(default=0)),
                ("service_11", models.PositiveIntegerField(default=0)),
                ("wall_12", models.PositiveIntegerField(default=0)),
                ("service_12", models.PositiveIntegerField(default=0)),
                ("wall_13", models.PositiveIntegerField(default=0)),
                ("service_13", models.PositiveIntegerField(default=0)),
                ("wall_14", models.PositiveIntegerField(default=0)),
                ("service_14", models.PositiveIntegerField(default=0)),
                ("wall_15", models.PositiveIntegerField(default=0)),
                ("service_15", models.PositiveIntegerField(default=0)),
                ("wall_16", models.PositiveIntegerField(default=0)),
                ("service_16", models.PositiveIntegerField(default=0)),
                ("wall_17", models.PositiveIntegerField(default=0)),
                ("service_17", models.PositiveIntegerField(default=0)),
                ("wall_18", models.PositiveIntegerField(default=0)),
                ("service_18", models.PositiveIntegerField(default=0)),
                ("computed_at", models.DateTimeField(verbose_name="computed")),
                ("month", models.DateField(help_text="Its first day.", verbose_name="month")),
                (
                    "dimension",
                    models.CharField(
                        choices=[
                            ("all", "all"),
                            ("category", "category"),
                            ("priority", "priority"),
                            ("team", "team"),
                            ("target_group", "target group"),
                            ("person", "first response by"),
                        ],
                        max_length=20,
                        verbose_name="dimension",
                    ),
                ),
                ("value", models.CharField(blank=True, max_length=60, verbose_name="value")),
                (
                    "channel",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="strategy.channel",
                        verbose_name="channel",
                    ),
                ),
            ],
            options={
                "verbose_name": "monthly rollup",
                "verbose_name_plural": "monthly rollups",
                "indexes": [models.Index(fields=["dimension", "month"], name="rollup_dimension_month_idx")],
            },
        ),
        migrations.CreateModel(
            name="MonthlyTermRollup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(help_text="Its first day.", verbose_name="month")),
                ("category", models.CharField(max_length=40, verbose_name="category")),
                ("terms", models.JSONField(default=dict, verbose_name="words")),
                (
                    "channel",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="strategy.channel",
                        verbose_name="channel",
                    ),
                ),
            ],
            options={
                "verbose_name": "monthly word rollup",
                "verbose_name_plural": "monthly word rollups",
                "indexes": [models.Index(fields=["month", "category"], name="term_month_category_idx")],
            },
        ),
        migrations.RunPython(sum_months, migrations.RunPython.noop),
    ]
