"""
The inbox: what arrives from the platforms, and the posts made of it.

Every delivery is stored as received before anything is made of it
(`WebhookDelivery`); processing then upserts `Author` and `Post` by their natural
keys, so a retried or duplicated delivery never makes a second post.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from strategy.models import Channel, Team


class WebhookDelivery(models.Model):
    """One delivery as it arrived: a webhook POST, a page of the YouTube poller, an API or CSV batch."""

    class Source(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        X = "x", "X"
        YOUTUBE = "youtube", "YouTube"
        API = "api", _("API")
        CSV = "csv", _("CSV import")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        PROCESSED = "processed", _("processed")
        IGNORED = "ignored", _("ignored")
        FAILED = "failed", _("failed")

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    body = models.BinaryField(_("body"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    posts_created = models.PositiveIntegerField(_("posts created"), default=0)
    posts_updated = models.PositiveIntegerField(_("posts updated"), default=0)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            # The sweep looks for deliveries left pending (broker down) by age.
            models.Index(fields=["received_at"], condition=Q(status="pending"), name="delivery_pending_idx"),
            models.Index(fields=["source", "status", "-received_at"], name="delivery_source_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def body_text(self) -> str:
        return bytes(self.body).decode("utf-8", errors="replace")


class Author(models.Model):
    """Someone who writes to us on a platform; one row per platform account."""

    platform = models.CharField(_("platform"), max_length=20, choices=Channel.Platform.choices)
    external_id = models.CharField(_("platform id"), max_length=128)
    name = models.CharField(_("name"), max_length=200, blank=True)
    handle = models.CharField(_("handle"), max_length=200, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        ordering = ["name", "handle"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="author_unique_platform_external_id")
        ]

    def __str__(self) -> str:
        return self.name or self.handle or self.external_id


class Post(models.Model):
    """A post, comment, reply, mention or direct message on one of our channels."""

    class Kind(models.TextChoices):
        POST = "post", _("post")
        COMMENT = "comment", _("comment")
        REPLY = "reply", _("reply")
        MENTION = "mention", _("mention")
        DIRECT_MESSAGE = "direct_message", _("direct message")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    class CloseReason(models.TextChoices):
        ANSWERED_ELSEWHERE = "answered_elsewhere", _("answered elsewhere")
        NO_REPLY_NEEDED = "no_reply_needed", _("no reply needed")
        SPAM = "spam", _("spam")

    class Priority(models.TextChoices):
        URGENT = "urgent", _("urgent")
        HIGH = "high", _("high")
        NORMAL = "normal", _("normal")
        LOW = "low", _("low")

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="posts", verbose_name=_("channel"))
    external_id = models.CharField(_("platform id"), max_length=128)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_ours = models.BooleanField(
        _("ours"), default=False, help_text=_("Written by the organisation's own account: a reply or a publication.")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies", verbose_name=_("in reply to")
    )
    # The platform ids of the parent and the thread's first post, kept so that a
    # reply that arrives before its parent is linked when the parent comes.
    parent_external_id = models.CharField(_("parent's platform id"), max_length=128, blank=True)
    thread_root = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="thread_posts", verbose_name=_("thread")
    )
    thread_external_id = models.CharField(_("thread's platform id"), max_length=128, blank=True)
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, null=True, blank=True, related_name="posts", verbose_name=_("author")
    )
    text = models.TextField(_("text"), blank=True)
    language = models.CharField(_("language"), max_length=12, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(
        _("deleted"), null=True, blank=True, help_text=_("Removed on the platform; kept as a tombstone.")
    )
    raw = models.JSONField(_("as received"), default=dict, blank=True)
    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("first delivery"),
    )

    # Workflow and triage: filled by triage and by the people working the inbox.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    must_reply = models.BooleanField(_("must reply"), default=False)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    breached_at = models.DateTimeField(_("deadline breached"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_posts",
        verbose_name=_("assignee"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts", verbose_name=_("team")
    )
    theme = models.ForeignKey(
        "strategy.Theme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("theme"),
    )
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    warned_at = models.DateTimeField(_("deadline warning sent"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        permissions = [("answer_forwarded", _("Can answer the posts forwarded to them"))]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="post_unique_channel_external_id")
        ]
        indexes = [
            # The deadline sweep and the queues: the posts still waiting for an answer (today,
            # due soon, breached, unassigned), and the open posts of a person and of a team.
            # Partial, so that they hold the few open posts, not the million answered ones.
            models.Index(
                fields=["due_at"],
                condition=Q(
                    must_reply=True,
                    first_response_at__isnull=True,
                    deleted_at__isnull=True,
                    is_ours=False,
                    status__in=["new", "open"],
                ),
                name="post_waiting_due_idx",
            ),
            models.Index(
                fields=["assignee", "due_at"],
                condition=Q(deleted_at__isnull=True, is_ours=False, status__in=["new", "open"]),
                name="post_open_assignee_due_idx",
            ),
            models.Index(
                fields=["team", "due_at"],
                condition=Q(deleted_at__isnull=True, is_ours=False, status__in=["new", "open"]),
                name="post_open_team_due_idx",
            ),
            models.Index(fields=["status", "due_at"], name="post_status_due_idx"),
            models.Index(fields=["author", "-published_at"], name="post_author_published_idx"),
            models.Index(fields=["channel", "-published_at"], name="post_channel_published_idx"),
            # Replies and threads that arrived before their parent, found when it comes.
            models.Index(fields=["channel", "parent_external_id"], name="post_channel_parent_ext_idx"),
            models.Index(fields=["channel", "thread_external_id"], name="post_channel_thread_ext_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.get_kind_display()} {self.external_id}"


class OutboxMessage(models.Model):
    """A reply or publication we sent to a platform, or, in sandbox mode, recorded instead of sending."""

    class Action(models.TextChoices):
        REPLY = "reply", _("reply")
        PUBLISH = "publish", _("publication")

    class Status(models.TextChoices):
        SANDBOX = "sandbox", _("recorded (sandbox)")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="outbox", verbose_name=_("channel"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    in_reply_to = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbox", verbose_name=_("in reply to")
    )
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    external_id = models.CharField(_("platform id"), max_length=128, blank=True)
    error = models.TextField(_("error"), blank=True)
    response = models.JSONField(_("platform's answer"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")

    def __str__(self) -> str:
        return f"{self.get_action_display()} → {self.channel} ({self.get_status_display()})"


class CsvImport(models.Model):
    """A CSV file of posts from another source: stored as uploaded, then imported row by row by a task."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="imports", verbose_name=_("channel"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file as uploaded"))
    # Our field name -> the file's column name.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    # [{"line": 7, "reason": "published_at: ..."}]: the file's line numbers, header = line 1.
    errors = models.JSONField(_("rejected rows"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("CSV import")
        verbose_name_plural = _("CSV imports")

    def __str__(self) -> str:
        return f"{self.file_name} → {self.channel}"


class YouTubePollState(models.Model):
    """Where the YouTube poller got to on a channel: its high-water mark and what it cost."""

    channel = models.OneToOneField(
        Channel, on_delete=models.CASCADE, related_name="youtube_poll_state", verbose_name=_("channel")
    )
    high_water_mark = models.DateTimeField(_("newest comment seen"), null=True, blank=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    quota_day = models.DateField(_("quota day"), null=True, blank=True)
    quota_used = models.PositiveIntegerField(_("quota units used that day"), default=0)

    class Meta:
        verbose_name = _("YouTube poll state")
        verbose_name_plural = _("YouTube poll states")

    def __str__(self) -> str:
        return str(self.channel)


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
    priority = models.CharField(_("priority"), max_length=10, choices=Post.Priority.choices, default="normal")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="reply_rules", verbose_name=_("team")
    )
    guideline = models.ForeignKey(
        "strategy.Guideline",
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
    url = models.URLField(_("link to the facts"), blank=True)
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
    priority = models.CharField(_("priority"), max_length=10, choices=Post.Priority.choices, blank=True)
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
        "strategy.Theme", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("theme")
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


class TriageDecision(models.Model):
    """What triage (or a person overriding it) decided about a post, and why; the post keeps them all."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("post"))
    created_at = models.DateTimeField(_("decided"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        help_text=_("Empty when the system decided."),
    )
    categories = models.JSONField(_("categories"), default=list, blank=True)
    must_reply = models.BooleanField(_("must reply"))
    priority = models.CharField(_("priority"), max_length=10, choices=Post.Priority.choices)
    sentiment = models.FloatField(_("tone"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=12, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    deadline_rule = models.CharField(_("deadline rule"), max_length=20, blank=True)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    theme = models.ForeignKey(
        "strategy.Theme", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("theme")
    )
    rules = models.ManyToManyField(ReplyRule, blank=True, related_name="decisions", verbose_name=_("matched rules"))
    guidelines = models.ManyToManyField(
        "strategy.Guideline", blank=True, related_name="decisions", verbose_name=_("guideline sections")
    )
    claims = models.ManyToManyField(KnownClaim, blank=True, related_name="decisions", verbose_name=_("known claims"))
    # [{"rule": ..., "category": ..., "words": [...]}]: which rule matched which words.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = _("triage decision")
        verbose_name_plural = _("triage decisions")

    def __str__(self) -> str:
        return f"{self.post_id}: {', '.join(self.categories) or '-'} ({self.priority})"


class Notification(models.Model):
    """Something a user should know: shown in the app, and sent by email when they want it."""

    class Kind(models.TextChoices):
        BREACH = "breach", _("deadline breached")
        DUE_SOON = "due_soon", _("deadline in 30 minutes")
        ASSIGNED = "assigned", _("assigned to you")
        FORWARDED = "forwarded", _("forwarded to you")
        HANDED_BACK = "handed_back", _("handed back to you")
        APPROVAL = "approval", _("approval asked of you")
        SENT_BACK = "sent_back", _("your reply was sent back")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications", verbose_name=_("post")
    )
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread_idx")]
        constraints = [
            # A breach or a warning is told once per person and post, however often the sweep runs.
            models.UniqueConstraint(
                fields=["user", "kind", "post"],
                condition=Q(kind__in=["breach", "due_soon"]),
                name="notification_once_per_deadline",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.user}"


class Activity(models.Model):
    """What happened to a post, by whom and when: the post's activity log."""

    class Kind(models.TextChoices):
        TRIAGED = "triaged", _("triaged")
        OVERRIDDEN = "overridden", _("triage overridden")
        CLAIMED = "claimed", _("claimed")
        RELEASED = "released", _("released")
        ASSIGNED = "assigned", _("assigned")
        FORWARDED = "forwarded", _("forwarded")
        HANDED_BACK = "handed_back", _("handed back")
        APPROVAL_ASKED = "approval_asked", _("reply waiting for approval")
        APPROVED = "approved", _("reply approved")
        SENT_BACK = "sent_back", _("reply sent back")
        REPLIED = "replied", _("replied")
        CLOSED = "closed", _("closed")
        SPAM = "spam", _("marked as spam")
        REOPENED = "reopened", _("reopened")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="activities", verbose_name=_("post"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the system did it."),
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activity log")
        indexes = [models.Index(fields=["post", "-created_at"], name="activity_post_created_idx")]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.get_kind_display()}"


class Note(models.Model):
    """An internal note on a post, for colleagues: never sent to the platform."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="notes", verbose_name=_("post"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"{self.post_id}: {self.text[:40]}"


class Forward(models.Model):
    """A post handed to a person or team who should answer it, with a note and a link; the deadline keeps running."""

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("answered")
        HANDED_BACK = "handed_back", _("handed back")
        WITHDRAWN = "withdrawn", _("withdrawn")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="forwards", verbose_name=_("post"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("forwarded by")
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="forwards_received",
        verbose_name=_("to person"),
    )
    to_team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="forwards", verbose_name=_("to team")
    )
    note = models.TextField(_("note"))
    link = models.URLField(_("link to more detailed information"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("forwarded"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    return_note = models.TextField(_("note on handing back"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("forward")
        verbose_name_plural = _("forwards")
        constraints = [
            models.UniqueConstraint(fields=["post"], condition=Q(ended_at__isnull=True), name="forward_one_active"),
            models.CheckConstraint(
                condition=Q(to_user__isnull=False) | Q(to_team__isnull=False), name="forward_has_recipient"
            ),
        ]
        indexes = [
            models.Index(fields=["to_user"], condition=Q(ended_at__isnull=True), name="forward_active_user_idx"),
            models.Index(fields=["to_team"], condition=Q(ended_at__isnull=True), name="forward_active_team_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} → {self.to_user or self.to_team}"

    @property
    def recipient(self):
        return self.to_user or self.to_team


class SavedReply(models.Model):
    """A reply to start from, per category and language; placeholders such as {author_name} are filled in."""

    class Language(models.TextChoices):
        NB = "nb", _("Norwegian")
        EN = "en", _("English")

    title = models.CharField(_("title"), max_length=120)
    category = models.CharField(
        _("category"), max_length=30, choices=CATEGORY_CHOICES, blank=True, help_text=_("Empty: for any post.")
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NB)
    text = models.TextField(_("text"))
    enabled = models.BooleanField(_("in use"), default=True)
    slug = models.SlugField(_("key"), max_length=80, unique=True, null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["language", "category", "title"]
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")

    def __str__(self) -> str:
        return self.title


class ReplyApproval(models.Model):
    """A reply to a negative post, held until a second member of the communication unit approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved and sent")
        SENT_BACK = "sent_back", _("sent back")
        WITHDRAWN = "withdrawn", _("withdrawn")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("post"))
    text = models.TextField(_("reply"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    comment = models.TextField(_("reviewer's comment"), blank=True)
    message = models.ForeignKey(
        OutboxMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("sent as")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reply approval")
        verbose_name_plural = _("reply approvals")
        constraints = [
            models.UniqueConstraint(fields=["post"], condition=Q(status="pending"), name="reply_approval_one_pending")
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.get_status_display()}"


class InboxSettings(models.Model):
    """The communication unit's switches for the inbox; one row."""

    approval_for_negative = models.BooleanField(
        _("replies to negative posts need a second member's approval"),
        default=False,
        help_text=_("A reply to a post marked negative or critical waits until another member approves it."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("inbox settings")
        verbose_name_plural = _("inbox settings")

    def __str__(self) -> str:
        return gettext("Inbox settings")

    @classmethod
    def current(cls) -> "InboxSettings":
        return cls.objects.get_or_create(pk=1)[0]


class NotificationPreference(models.Model):
    """Which notifications a person also gets by email; without a row, all of them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email_kinds = models.JSONField(_("by email"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    @staticmethod
    def emails(user, kind: str) -> bool:
        preference = NotificationPreference.objects.filter(user=user).first()
        return preference is None or kind in preference.email_kinds
