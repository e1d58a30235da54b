"""
The written strategy as data.

Texts that a reader sees in their language (names, descriptions, guideline bodies)
are translated with django-modeltranslation: `name` reads the active language and
falls back to bokmål; the columns are `name_nb` and `name_en` (see translation.py).
Every model has a `slug`: the natural key `load_strategy` upserts by.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from socialstrategy.links import web_link_validator


class Goal(models.Model):
    """An improvement the organisation wants from social media (strategy section 4)."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.title


class TargetGroup(models.Model):
    """An audience the organisation wants to reach (strategy section 5)."""

    class Priority(models.IntegerChoices):
        MOST_IMPORTANT = 1, _("Most important")
        IMPORTANT = 2, _("Important")
        RELEVANT = 3, _("Relevant")

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.RELEVANT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["priority", "order", "slug"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self) -> str:
        return self.name


class Purpose(models.Model):
    """What a channel is used for: positioning, recruitment, brand building ... (section 7)."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")

    def __str__(self) -> str:
        return self.name


class Channel(models.Model):
    """A social media presence of the organisation (section 7), and where the inbox's posts come from."""

    class Platform(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        X = "x", "X (Twitter)"
        YOUTUBE = "youtube", "YouTube"

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=120)
    handle = models.CharField(_("handle"), max_length=120, blank=True)
    external_id = models.CharField(
        _("platform id"),
        max_length=64,
        blank=True,
        help_text=_("The page id on Facebook, the account id on X, the channel id (UC...) on YouTube."),
    )
    usage = models.TextField(_("how we use it"), blank=True)
    purposes = models.ManyToManyField(Purpose, related_name="channels", blank=True, verbose_name=_("purposes"))
    audiences = models.ManyToManyField(TargetGroup, related_name="channels", blank=True, verbose_name=_("audiences"))
    goals = models.ManyToManyField(Goal, related_name="channels", blank=True, verbose_name=_("goals"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            # Incoming deliveries are matched to a channel by this id: it must be unambiguous.
            models.UniqueConstraint(
                fields=["platform", "external_id"],
                condition=~Q(external_id=""),
                name="channel_unique_platform_external_id",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """A content theme the organisation sets (section 6): new products, offers, ..."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    goals = models.ManyToManyField(Goal, related_name="themes", blank=True, verbose_name=_("goals"))
    target_groups = models.ManyToManyField(
        TargetGroup, related_name="themes", blank=True, verbose_name=_("target groups")
    )
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("One per line: words that tell a post is about this theme.")
    )

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A group of people with a responsibility (section 8): the communication unit, customer service ..."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="TeamMembership",
        related_name="teams",
        blank=True,
        verbose_name=_("members"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="team_memberships",
        verbose_name=_("user"),
    )
    is_lead = models.BooleanField(_("team lead"), default=False)
    on_duty = models.BooleanField(
        _("on duty"), default=True, help_text=_("Takes new posts now; routing passes over members who are not.")
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["team", "-is_lead", "user__username"]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="teammembership_unique_team_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team}"


class DutyShift(models.Model):
    """
    A line of a team's weekly rota: this member is on duty for the team on this day
    (a weekday, or public holidays whatever the weekday) between these times, local time.
    """

    class Day(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")
        HOLIDAY = 7, _("public holidays")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_shifts", verbose_name=_("person")
    )
    day = models.PositiveSmallIntegerField(_("day"), choices=Day.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"))

    class Meta:
        ordering = ["team", "day", "start", "user__username"]
        verbose_name = _("shift")
        verbose_name_plural = _("rota")
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="dutyshift_ends_after_start"),
            models.UniqueConstraint(fields=["team", "user", "day", "start"], name="dutyshift_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_day_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError(_("A shift must end after it starts (and before midnight)."))


class DutyDeviation(models.Model):
    """
    A dated change to the rota: a member away (holiday, sick, the giving side of a
    swap) or on duty outside their shifts (the taking side), for a whole day or a part.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="deviations", verbose_name=_("team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_deviations", verbose_name=_("person")
    )
    date = models.DateField(_("date"))
    away = models.BooleanField(
        _("away"), default=True, help_text=_("Away: not on duty then. Otherwise: on duty then, outside the rota.")
    )
    start = models.TimeField(_("from"), null=True, blank=True, help_text=_("Empty: the whole day."))
    end = models.TimeField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "start", "pk"]
        verbose_name = _("change to the rota")
        verbose_name_plural = _("changes to the rota")
        indexes = [models.Index(fields=["team", "date"], name="dutydeviation_team_date_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.date} · {'away' if self.away else 'on duty'}"

    def clean(self) -> None:
        if (self.start is None) != (self.end is None):
            raise ValidationError(_("Give both times, or neither for the whole day."))
        if self.start is not None and self.end <= self.start:
            raise ValidationError(_("The change must end after it starts."))


class Guideline(models.Model):
    """A section of the guidelines handbook that employees read; the body is Markdown."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    section = models.CharField(
        _("section"), max_length=10, blank=True, help_text=_("The section number in the strategy document.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")

    def __str__(self) -> str:
        return f"{self.section} {self.title}".strip()


# --- The "always reply" rules, known false claims, response policies and the
# responsibility matrix (the strategy's sections 8 and 9), as the triage applies them.


class Priority(models.TextChoices):
    """How urgent a post is: what a rule or a person gives it, and what the deadline policies key on."""

    URGENT = "urgent", _("urgent")
    HIGH = "high", _("high")
    NORMAL = "normal", _("normal")
    LOW = "low", _("low")


CATEGORY_CHOICES = [
    ("product_question", _("Product question")),
    ("technical_problem", _("Technical problem")),
    ("factual_error", _("Factual error")),
    ("dissatisfied_customer", _("Dissatisfied customer")),
    ("negative", _("Negative or critical")),
]


class ReplyRule(models.Model):
    """
    A rule of the strategy's "always reply" list, as the triage applies it.

    Keywords are one per line; see strategy/data/reply_rules.yaml for how they match.
    """

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=30, choices=CATEGORY_CHOICES)
    keywords_nb = models.TextField(_("keywords and phrases in bokmål"), blank=True, help_text=_("One per line."))
    keywords_en = models.TextField(_("keywords and phrases in English"), blank=True, help_text=_("One per line."))
    regex = models.TextField(_("regular expression"), blank=True)
    requires_question = models.BooleanField(_("only for questions"), default=False)
    sentiment_at_most = models.FloatField(
        _("only when the tone is at most"),
        null=True,
        blank=True,
        help_text=_("From -1 (very negative) to 1 (very positive); empty for any tone."),
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default="normal")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="reply_rules", verbose_name=_("team")
    )
    guideline = models.ForeignKey(
        Guideline,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reply_rules",
        verbose_name=_("guideline section"),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("reply rule")
        verbose_name_plural = _("reply rules")

    def __str__(self) -> str:
        return self.name

    def keywords(self) -> list[str]:
        return [
            line.strip() for text in (self.keywords_nb, self.keywords_en) for line in text.splitlines() if line.strip()
        ]


class KnownClaim(models.Model):
    """A false claim about the company that the communication unit knows of, with the correct fact."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    pattern = models.TextField(
        _("pattern"),
        help_text=_('Parts that must all be there, joined by "&"; alternatives within a part joined by "|".'),
    )
    correction = models.TextField(_("the correct fact"))
    url = models.URLField(_("link to the facts"), blank=True, validators=[web_link_validator])
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("known false claim")
        verbose_name_plural = _("known false claims")

    def __str__(self) -> str:
        return self.slug


class ResponsePolicy(models.Model):
    """How soon a post must be answered, per channel and priority (empty = any); the most specific wins."""

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("channel")
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    same_day_cutoff = models.TimeField(
        _("same-day cut-off"),
        null=True,
        blank=True,
        help_text=_("Posts on a working day before this time are due at the end of working hours; empty: off."),
    )
    promptly_hours = models.DecimalField(_("otherwise due after (service hours)"), max_digits=5, decimal_places=2)
    target_hours = models.DecimalField(
        _("never later than (service hours)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    working_start = models.TimeField(_("working hours start"))
    working_end = models.TimeField(_("working hours end"))
    on_duty_start = models.TimeField(_("on-duty hours start"))
    on_duty_end = models.TimeField(_("on-duty hours end"))

    class Meta:
        verbose_name = _("response policy")
        verbose_name_plural = _("response policies")

    def __str__(self) -> str:
        channel = self.channel.name if self.channel else gettext("all channels")
        priority = self.get_priority_display() if self.priority else gettext("any priority")
        return f"{channel} / {priority}"

    def clean(self) -> None:
        # One policy per channel and priority, "any" included; SQLite cannot hold a
        # unique constraint over nullable columns, so the check lives here.
        twins = ResponsePolicy.objects.filter(channel=self.channel, priority=self.priority).exclude(pk=self.pk)
        if twins.exists():
            raise ValidationError(_("There is already a policy for this channel and priority."))
        if self.working_start >= self.working_end or self.on_duty_start >= self.on_duty_end:
            raise ValidationError(_("Service hours must end after they start."))


class ResponsibilityRule(models.Model):
    """A line of the responsibility matrix: posts of this category on this channel go to this team."""

    category = models.CharField(_("category"), max_length=30, choices=CATEGORY_CHOICES, blank=True)
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("channel")
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("theme")
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="responsibilities", verbose_name=_("team"))

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibility matrix")

    def __str__(self) -> str:
        return f"{self.get_category_display() or '*'} / {self.channel or '*'} / {self.theme or '*'} → {self.team}"

    def clean(self) -> None:
        twins = ResponsibilityRule.objects.filter(
            category=self.category, channel=self.channel, theme=self.theme
        ).exclude(pk=self.pk)
        if twins.exists():
            raise ValidationError(_("The matrix already has a line for this category, channel and theme."))
