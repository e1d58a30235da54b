"""The work on a post: the outbox, the activity log, notes, forwards, saved replies and approvals."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from socialstrategy.links import web_link_validator
from strategy.models import CATEGORY_CHOICES, Channel, Team

from .posts import Post


class OutboxMessage(models.Model):
    """A reply or publication we sent to a platform, or, in sandbox mode, recorded instead of sending."""

    class Action(models.TextChoices):
        REPLY = "reply", _("reply")
        PUBLISH = "publish", _("publication")

    class Status(models.TextChoices):
        PENDING = "pending", _("sending")
        SANDBOX = "sandbox", _("recorded (sandbox)")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        UNKNOWN = "unknown", _("not confirmed")

    # A message in these states holds its idempotency key: no second message with the
    # same key is written, so the platform is never called twice for one reply.
    HOLDS_KEY = (Status.PENDING, Status.SANDBOX, Status.SENT, Status.UNKNOWN)

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="outbox", verbose_name=_("channel"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    in_reply_to = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbox", verbose_name=_("in reply to")
    )
    text = models.TextField(_("text"))
    # One reply: the post and what the writer saw of it ("reply:<post>:after:<last reply seen>").
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, blank=True)
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
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=Q(status__in=["pending", "sandbox", "sent", "unknown"]) & ~Q(idempotency_key=""),
                name="outbox_one_message_per_key",
            )
        ]
        indexes = [
            # The outbox sweep reads the messages left sending or not confirmed.
            models.Index(
                fields=["created_at"], condition=Q(status__in=["pending", "unknown"]), name="outbox_unsettled_idx"
            ),
            # The reports' dialogue share: what was sent on a day, and whether a post of ours came from here.
            models.Index(fields=["sent_at"], condition=Q(status__in=["sent", "sandbox"]), name="outbox_sent_idx"),
            models.Index(fields=["channel", "external_id"], name="outbox_channel_external_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} → {self.channel} ({self.get_status_display()})"


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
    link = models.URLField(
        _("link to more detailed information"), max_length=500, blank=True, validators=[web_link_validator]
    )
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
    # Our employees' own accounts: their posts count as the target group "own employees".
    employee_accounts = models.TextField(
        _("our employees' accounts"),
        blank=True,
        help_text=_("One per line: a handle (@kari_n) or a platform's id. Their posts count for “own employees”."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The target group an employee's account gets (strategy/data/strategy.yaml).
    EMPLOYEES_GROUP = "own-employees"

    class Meta:
        verbose_name = _("inbox settings")
        verbose_name_plural = _("inbox settings")

    def __str__(self) -> str:
        return gettext("Inbox settings")

    @classmethod
    def current(cls) -> "InboxSettings":
        return cls.objects.get_or_create(pk=1)[0]

    def employee_keys(self) -> set[str]:
        """The listed accounts as keys: handles lower-cased without "@", ids as they are."""
        keys = set()
        for line in self.employee_accounts.splitlines():
            line = line.strip()
            if line:
                keys.add(line.lstrip("@").lower())
        return keys

    @staticmethod
    def is_employee(author, keys: set[str]) -> bool:
        handle = (author.handle or "").lstrip("@").lower()
        return bool(keys) and ((handle and handle in keys) or author.external_id.lower() in keys)
