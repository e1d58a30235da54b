"""What triage decided about a post, and why."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strategy.models import KnownClaim, Priority, ReplyRule, Team

from .posts import Post


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
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
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
    needs_look = models.BooleanField(_("needs a look"), default=False)
    # The learned model's part: {"version", "probabilities": {label: p}, "evidence": [{"text", "weight"}]}.
    model = models.JSONField(_("model"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = _("triage decision")
        verbose_name_plural = _("triage decisions")

    def __str__(self) -> str:
        return f"{self.post_id}: {', '.join(self.categories) or '-'} ({self.priority})"


class TriageLabel(models.Model):
    """
    What a person's work says about a post, as a labelled example for the next model:
    an override (the categories), a reply to a post triage did not flag (it needed an
    answer), a flagged post closed as needing none. With who and when.
    """

    class Source(models.TextChoices):
        OVERRIDE = "override", _("triage decided by a person")
        REPLIED = "replied", _("answered though triage did not flag it")
        CLOSED = "closed", _("closed without reply though triage flagged it")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="labels", verbose_name=_("post"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    must_reply = models.BooleanField(_("must reply"))
    categories = models.JSONField(_("categories"), default=list, blank=True)
    # A reply or a close says whether an answer was needed, not which categories apply.
    categories_known = models.BooleanField(_("categories known"), default=True)
    labelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    labelled_at = models.DateTimeField(_("labelled"), default=timezone.now)

    class Meta:
        ordering = ["-labelled_at", "-pk"]
        verbose_name = _("triage label")
        verbose_name_plural = _("triage labels")

    def __str__(self) -> str:
        return f"{self.post_id}: {self.get_source_display()}"


class TriageModel(models.Model):
    """
    A trained version of the learned model, with what it was trained on and how it did
    on the blind set. One is active; a person can activate an earlier one (roll back).
    """

    version = models.CharField(_("version"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("trained"), default=timezone.now)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trained by"),
        help_text=_("Empty when the weekly task or the command trained it."),
    )
    # learning.model.LinearModel.to_dict(): weights, calibration and thresholds.
    parameters = models.JSONField(_("parameters"))
    # {"labelled": n, "decision": m}: the examples by source.
    training_counts = models.JSONField(_("training data"), default=dict)
    # evaluation.Report.as_dict() on the blind set, and the held-out figures of training.
    blind_figures = models.JSONField(_("blind-set figures"), default=dict, blank=True)
    training_figures = models.JSONField(_("held-out figures"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activated by"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True), name="one_active_model")
        ]

    def __str__(self) -> str:
        return self.version
