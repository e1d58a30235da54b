"""The weekly digest: which week's digest went to whom, so that it goes once."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DigestSent(models.Model):
    """
    The weekly response digest of the week starting `week_start` (a Monday) was sent to
    `user`. The row is written in the transaction that sends the email, and the pair is
    unique, so a retried task or a second beat sends nobody the same week twice.
    """

    week_start = models.DateField(_("week starting"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("weekly digest sent")
        verbose_name_plural = _("weekly digests sent")
        constraints = [models.UniqueConstraint(fields=["week_start", "user"], name="digest_once_per_week_and_user")]

    def __str__(self) -> str:
        return f"{self.week_start} → {self.user}"
