"""The dashboards' daily rollups: what happened to the posts published on one Oslo day."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from strategy.models import Channel

# The first-response histograms' buckets: len(inbox.reports.metrics.BUCKETS) + 1 (a test checks it).
SLOTS = 19


class RollupFigures(models.Model):
    """
    What became of a set of posts: how many, their outcomes, and the first-response
    times as fixed histograms (`inbox.reports.metrics.BUCKETS`), in wall-clock and in
    service seconds. A day's rollup and a month's hold the same figures.
    """

    posts = models.PositiveIntegerField(_("posts"), default=0)
    must_reply = models.PositiveIntegerField(_("must reply"), default=0)
    needs_look = models.PositiveIntegerField(_("needed a look"), default=0)
    answered = models.PositiveIntegerField(_("answered"), default=0)
    answered_on_time = models.PositiveIntegerField(_("answered on time"), default=0)
    no_reply_needed = models.PositiveIntegerField(_("closed: no reply needed"), default=0)
    spam = models.PositiveIntegerField(_("closed: spam"), default=0)
    answered_elsewhere = models.PositiveIntegerField(_("closed: answered elsewhere"), default=0)
    # The first-response histograms, one column per bucket (so that SQL sums them):
    # wall_<i> in wall-clock time, service_<i> in service hours.
    for _slot in range(SLOTS):
        locals()[f"wall_{_slot}"] = models.PositiveIntegerField(default=0)
        locals()[f"service_{_slot}"] = models.PositiveIntegerField(default=0)
    del _slot
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        abstract = True


class Dimension(models.TextChoices):
    ALL = "all", _("all")
    CATEGORY = "category", _("category")
    PRIORITY = "priority", _("priority")
    TEAM = "team", _("team")
    TARGET_GROUP = "target_group", _("target group")
    PERSON = "person", _("first response by")


class DailyRollup(RollupFigures):
    """
    The posts people published on one Oslo calendar day on one channel, as they stood
    when last computed (`inbox.reports.rollups`). One row holds them all ("all"); one
    more row per value of each dimension (a category, a priority, a team, a target
    group, who answered first) holds that value's share, so that a table by one
    dimension reads a few rows a day whatever the period. What is still waiting is read
    from the posts.
    """

    Dimension = Dimension

    day = models.DateField(_("day"))
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+", verbose_name=_("channel"))
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    # The dimension's value: a category's or a priority's code, a team's, a target group's
    # or a user's id; "" for none (no team, no target group, answered on the platform).
    value = models.CharField(_("value"), max_length=60, blank=True)
    # How many of the day's posts came in each hour (Oslo time): the weekday x hour heatmap.
    for _hour in range(24):
        locals()[f"hour_{_hour}"] = models.PositiveIntegerField(default=0)
    del _hour

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        indexes = [
            models.Index(fields=["day", "channel"], name="rollup_day_channel_idx"),
            models.Index(fields=["dimension", "day"], name="rollup_dimension_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.channel_id} {self.dimension}={self.value or '-'}: {self.posts}"


class MonthlyRollup(RollupFigures):
    """
    A calendar month's daily rollups summed, row for row (channel, dimension, value), so
    that a long period reads a row a month where it would read thirty. Computed again
    from the days whenever one of its days is (`inbox.reports.rollups.compute_months`);
    read only for months wholly in a period and wholly closed.
    """

    Dimension = Dimension

    month = models.DateField(_("month"), help_text=_("Its first day."))
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+", verbose_name=_("channel"))
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    value = models.CharField(_("value"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("monthly rollup")
        verbose_name_plural = _("monthly rollups")
        indexes = [models.Index(fields=["dimension", "month"], name="rollup_dimension_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.channel_id} {self.dimension}={self.value or '-'}: {self.posts}"


class FeedbackFigures(models.Model):
    """What the complaints and the technical problems were about, per channel, category and theme: a day, a month."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+", verbose_name=_("channel"))
    category = models.CharField(_("category"), max_length=40)
    theme = models.ForeignKey(
        "strategy.Theme", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("theme")
    )
    posts = models.PositiveIntegerField(_("posts"), default=0)

    class Meta:
        abstract = True


class FeedbackRollup(FeedbackFigures):
    """What the complaints and the technical problems of one Oslo day were about: per channel, category and theme."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("feedback rollup")
        verbose_name_plural = _("feedback rollups")
        indexes = [models.Index(fields=["day", "category"], name="feedback_day_category_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.category}: {self.posts}"


class MonthlyFeedbackRollup(FeedbackFigures):
    """A calendar month's feedback rollups summed per channel, category and theme (a year: 12 rows a theme, not 365)."""

    month = models.DateField(_("month"), help_text=_("Its first day."))

    class Meta:
        verbose_name = _("monthly feedback rollup")
        verbose_name_plural = _("monthly feedback rollups")
        indexes = [models.Index(fields=["month", "category"], name="feedback_month_category_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category}: {self.posts}"


class TermRollup(models.Model):
    """
    The words the complaints and the technical problems of one Oslo day used, per channel
    and category (`inbox.reports.metrics.terms_of`: word -> how many posts used it, the
    most used kept).
    """

    day = models.DateField(_("day"))
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+", verbose_name=_("channel"))
    category = models.CharField(_("category"), max_length=40)
    terms = models.JSONField(_("words"), default=dict)

    class Meta:
        verbose_name = _("word rollup")
        verbose_name_plural = _("word rollups")
        indexes = [models.Index(fields=["day", "category"], name="term_day_category_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.category}: {len(self.terms)} words"


class MonthlyTermRollup(models.Model):
    """A calendar month's word rollups summed per channel and category, the most used words kept."""

    month = models.DateField(_("month"), help_text=_("Its first day."))
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+", verbose_name=_("channel"))
    category = models.CharField(_("category"), max_length=40)
    terms = models.JSONField(_("words"), default=dict)

    class Meta:
        verbose_name = _("monthly word rollup")
        verbose_name_plural = _("monthly word rollups")
        indexes = [models.Index(fields=["month", "category"], name="term_month_category_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category}: {len(self.terms)} words"


class OwnContentRollup(models.Model):
    """
    Our own voice on a channel on one Oslo day: the replies we gave and the posts we
    published (sent from here or written on the platform itself), for the dialogue share.
    """

    day = models.DateField(_("day"))
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+", verbose_name=_("channel"))
    replies = models.PositiveIntegerField(_("our replies"), default=0)
    publications = models.PositiveIntegerField(_("our publications"), default=0)

    class Meta:
        verbose_name = _("own content rollup")
        verbose_name_plural = _("own content rollups")
        constraints = [models.UniqueConstraint(fields=["day", "channel"], name="own_content_day_channel_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel_id}: {self.replies}/{self.publications}"


class RollupDay(models.Model):
    """A day whose rollups are to be computed again (a late answer, a changed policy): the minute task's list."""

    day = models.DateField(_("day"), unique=True)
    marked_at = models.DateTimeField(_("marked"), auto_now=True)

    class Meta:
        verbose_name = _("day to recompute")
        verbose_name_plural = _("days to recompute")

    def __str__(self) -> str:
        return str(self.day)
