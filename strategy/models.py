"""
The written strategy as data.

Texts that a reader sees in their language (names, descriptions, guideline bodies)
are translated with django-modeltranslation: `name` reads the active language and
falls back to bokmål; the columns are `name_nb` and `name_en` (see translation.py).
Every model has a `slug`: the natural key `load_strategy` upserts by.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
