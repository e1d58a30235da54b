"""
What arrives from the platforms: the raw deliveries, and the authors and posts made of them.

Every delivery is stored as received before anything is made of it
(`WebhookDelivery`); processing then upserts `Author` and `Post` by their natural
keys, so a retried or duplicated delivery never makes a second post.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from socialstrategy.links import web_link_validator
from strategy.models import Channel, Priority, Team


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
        PROCESSING = "processing", _("processing")
        PROCESSED = "processed", _("processed")
        IGNORED = "ignored", _("ignored")
        FAILED = "failed", _("failed")

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    body = models.BinaryField(_("body"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When its message was last handed to the broker: the sweep sends a pending
    # delivery again only when that was long ago (its message may have been lost).
    sent_at = models.DateTimeField(_("sent to a worker"), null=True, blank=True)
    # A worker that claims the delivery holds it until then; a dead worker's claim expires.
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    posts_created = models.PositiveIntegerField(_("posts created"), default=0)
    posts_updated = models.PositiveIntegerField(_("posts updated"), default=0)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            # The sweep looks for deliveries left pending (broker down, message lost) or
            # held by a claim that expired; only those rows are in the index.
            models.Index(
                fields=["received_at"],
                condition=Q(status__in=["pending", "processing"]),
                name="delivery_unfinished_idx",
            ),
            models.Index(fields=["source", "status", "-received_at"], name="delivery_source_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def body_text(self) -> str:
        return bytes(self.body).decode("utf-8", errors="replace")


class Person(models.Model):
    """One person behind accounts on several platforms, linked by the communication unit."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name or str(self.pk)


class Author(models.Model):
    """Someone who writes to us on a platform; one row per platform account."""

    platform = models.CharField(_("platform"), max_length=20, choices=Channel.Platform.choices)
    external_id = models.CharField(_("platform id"), max_length=128)
    name = models.CharField(_("name"), max_length=200, blank=True)
    handle = models.CharField(_("handle"), max_length=200, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    # The same person's other accounts ("check the conversation partner's side").
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="accounts", verbose_name=_("person")
    )
    # Who they are to us (the strategy's target groups), set by staff: the dashboards'
    # "for whom". Linked accounts share it (inbox.work.people keeps them alike).
    target_group = models.ForeignKey(
        "strategy.TargetGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authors",
        verbose_name=_("target group"),
    )

    class Meta:
        ordering = ["name", "handle"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="author_unique_platform_external_id")
        ]

    def __str__(self) -> str:
        return self.name or self.handle or self.external_id

    @property
    def label(self) -> str:
        """How people see the author: the name, else the handle, else which platform's nameless user (not a number)."""
        if self.name or self.handle:
            return self.name or self.handle
        return gettext("a %(platform)s user without a name") % {"platform": self.get_platform_display()}


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

    Priority = Priority

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
    url = models.URLField(_("link"), max_length=500, blank=True, validators=[web_link_validator])
    # What the source gave as the link when it was not an http or https address: text only.
    refused_url = models.TextField(_("link not shown"), blank=True)
    published_at = models.DateTimeField(_("published"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(
        _("deleted"), null=True, blank=True, help_text=_("Removed on the platform; kept as a tombstone.")
    )
    raw = models.JSONField(_("as received"), default=dict, blank=True)
    # The notifications about the post (socialstrategy's, generic), deleted with it.
    notifications = GenericRelation(
        "socialstrategy.Notification", content_type_field="target_type", object_id_field="target_id"
    )
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
    # Triage was unsure: the post waits with the must-reply deadline (must_reply is set)
    # until a person decides must reply or no reply needed.
    needs_look = models.BooleanField(
        _("needs a look"), default=False, help_text=_("Triage was unsure; a person decides whether it needs an answer.")
    )
    categories = models.JSONField(_("categories"), default=list, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    # The author's target group, kept with it (inbox.work.people, inbox.ingest.events:
    # every change to an author's group is made to their posts too), so that the
    # reports count posts by target group without reading the authors.
    # No index of its own: it is read with a period's posts, and one index fewer to keep up.
    target_group = models.ForeignKey(
        "strategy.TargetGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("target group"),
    )
    # Who wrote the first response from here (None when it came on the platform itself).
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("first response by"),
    )
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
    # The untriaged sweep's attempts: when it last sent the post to triage, and how often.
    triage_requested_at = models.DateTimeField(_("sent to triage again"), null=True, blank=True)
    triage_attempts = models.PositiveSmallIntegerField(_("triage attempts"), default=0)
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
            # The untriaged sweep: posts stored but not (yet, or again after an edit) triaged.
            models.Index(
                fields=["received_at"],
                condition=Q(triaged_at__isnull=True, deleted_at__isnull=True, is_ours=False),
                name="post_untriaged_idx",
            ),
            # The dashboards and their drill-down lists: the posts people published in a period.
            models.Index(
                fields=["published_at", "id"],
                condition=Q(deleted_at__isnull=True, is_ours=False),
                name="post_incoming_published_idx",
            ),
            # And our own posts of a period (the dialogue share).
            models.Index(fields=["published_at"], condition=Q(is_ours=True), name="post_ours_published_idx"),
            models.Index(fields=["status", "due_at"], name="post_status_due_idx"),
            models.Index(fields=["author", "-published_at"], name="post_author_published_idx"),
            models.Index(fields=["channel", "-published_at"], name="post_channel_published_idx"),
            # Replies and threads that arrived before their parent, found when it comes.
            models.Index(fields=["channel", "parent_external_id"], name="post_channel_parent_ext_idx"),
            models.Index(fields=["channel", "thread_external_id"], name="post_channel_thread_ext_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.get_kind_display()} {self.external_id}"


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
    # The same, as chosen on the mapping page before the import is started (its preview
    # without JavaScript, a mapping that lacks a required field): the page shows it again.
    draft_mapping = models.JSONField(_("column mapping being chosen"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    # [{"line": 7, "code": "not_a_datetime", "field": "published_at", "params": {...}, "reason": "..."}]:
    # the file's line numbers (header = line 1); csv_import.reasons says them in the reader's language.
    errors = models.JSONField(_("rejected rows"), default=list, blank=True)
    # Why the file or the run failed as a whole: in English here, and as a code with its
    # params (csv_import.files.FAILURES) for the page to say in its reader's language.
    error = models.TextField(_("error"), blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error_params = models.JSONField(_("error details"), default=dict, blank=True)
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
