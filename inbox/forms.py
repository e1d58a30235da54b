import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CATEGORY_CHOICES, KnownClaim, Post, ReplyRule, ResponsePolicy, ResponsibilityRule


class ReplyRuleForm(forms.ModelForm):
    class Meta:
        model = ReplyRule
        fields = [
            "name_nb",
            "name_en",
            "category",
            "keywords_nb",
            "keywords_en",
            "regex",
            "requires_question",
            "sentiment_at_most",
            "priority",
            "team",
            "guideline",
            "enabled",
            "order",
        ]
        widgets = {
            "keywords_nb": forms.Textarea(attrs={"rows": 8}),
            "keywords_en": forms.Textarea(attrs={"rows": 8}),
            "regex": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_regex(self) -> str:
        regex = self.cleaned_data["regex"].strip()
        if regex:
            try:
                re.compile(regex)
            except re.error as exc:
                raise forms.ValidationError(
                    _("Not a valid regular expression: %(error)s"), params={"error": exc}
                ) from exc
        return regex

    def clean_sentiment_at_most(self):
        value = self.cleaned_data["sentiment_at_most"]
        if value is not None and not -1 <= value <= 1:
            raise forms.ValidationError(_("The tone goes from -1 (very negative) to 1 (very positive)."))
        return value

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("keywords_nb") or cleaned.get("keywords_en") or cleaned.get("regex")) and (
            cleaned.get("sentiment_at_most") is None
        ):
            raise forms.ValidationError(
                _("A rule needs keywords, a regular expression or a tone to match on; otherwise it matches every post.")
            )
        return cleaned


class KnownClaimForm(forms.ModelForm):
    # A link typed without a scheme is https (Django 6's default, asked for now).
    url = forms.URLField(label=_("link to the facts"), required=False, assume_scheme="https")

    class Meta:
        model = KnownClaim
        fields = ["slug", "pattern", "correction_nb", "correction_en", "url", "enabled"]
        widgets = {
            "pattern": forms.Textarea(attrs={"rows": 2}),
            "correction_nb": forms.Textarea(attrs={"rows": 3}),
            "correction_en": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_pattern(self) -> str:
        pattern = self.cleaned_data["pattern"].strip()
        parts = [part for part in pattern.split("&") if part.strip()]
        if not parts or any(not [alt for alt in part.split("|") if alt.strip()] for part in parts):
            raise forms.ValidationError(_('Write words or phrases, e.g. "legger ned|stenger & butikk*".'))
        return pattern


class ResponsePolicyForm(forms.ModelForm):
    class Meta:
        model = ResponsePolicy
        fields = [
            "channel",
            "priority",
            "same_day_cutoff",
            "promptly_hours",
            "target_hours",
            "working_start",
            "working_end",
            "on_duty_start",
            "on_duty_end",
        ]
        widgets = {
            name: forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            for name in ("same_day_cutoff", "working_start", "working_end", "on_duty_start", "on_duty_end")
        }

    def clean_promptly_hours(self):
        hours = self.cleaned_data["promptly_hours"]
        if hours is not None and hours <= 0:
            raise forms.ValidationError(_("Give a number of hours above zero."))
        return hours


class ResponsibilityRuleForm(forms.ModelForm):
    class Meta:
        model = ResponsibilityRule
        fields = ["category", "channel", "theme", "team"]


class TryRulesForm(forms.Form):
    text = forms.CharField(
        label=_("A post to try"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("See what the enabled rules decide about it; nothing is saved."),
    )


class OverrideTriageForm(forms.Form):
    """A person's decision about a post, replacing what triage said."""

    categories = forms.MultipleChoiceField(
        label=_("Categories"), choices=CATEGORY_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    must_reply = forms.BooleanField(label=_("Must be answered"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Post.Priority.choices)
    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Say why, for the colleagues who read the history."),
    )

    def clean(self):
        cleaned = super().clean()
        must_reply_categories = set(cleaned.get("categories") or []) - {"negative"}
        if cleaned.get("must_reply") is False and must_reply_categories:
            raise forms.ValidationError(
                _(
                    "A product question, technical problem, factual error or dissatisfied customer must be answered: "
                    "untick those categories, or tick “Must be answered”."
                )
            )
        return cleaned


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000)
