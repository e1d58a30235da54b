from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from socialstrategy.forms import PersonChoiceField
from socialstrategy.links import WebLinkField
from socialstrategy.people import display_name
from strategy.models import CATEGORY_CHOICES, Channel, KnownClaim, ReplyRule, ResponsePolicy, ResponsibilityRule, Team

from .models import InboxSettings, Post, SavedReply
from .triage.engine import pattern_problem
from .work import limits
from .work.bulk import BulkAction
from .work.saved_replies import PLACEHOLDERS, unknown_placeholders


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
            problem = pattern_problem(regex)
            if problem.startswith("invalid"):
                raise forms.ValidationError(
                    _("Not a valid regular expression: %(error)s"), params={"error": problem.partition(": ")[2]}
                )
            if problem:
                raise forms.ValidationError(
                    _(
                        "This expression can take very long on a long post (it backtracks catastrophically), "
                        "which would hold up triage. Write it without a repeated group inside a repeat, "
                        "such as (a+)+ or (\\w+\\s?)*."
                    )
                )
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
    url = WebLinkField(label=_("link to the facts"), required=False)

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


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, team) -> str:
        if not team.active_members:
            return _("%(team)s (no members)") % {"team": team}
        return str(team)


class ResponsibilityRuleForm(forms.ModelForm):
    # Each team with how many active members it has, in the one query that lists them.
    team = TeamChoiceField(
        label=_("team"),
        queryset=Team.objects.annotate(active_members=Count("members", filter=Q(members__is_active=True))),
    )
    without_members = forms.BooleanField(
        label=_("Give it to a team without members anyway (its posts go to the communication unit until it has some)"),
        required=False,
    )

    class Meta:
        model = ResponsibilityRule
        fields = ["category", "channel", "theme", "team"]

    def clean(self):
        cleaned = super().clean()
        team = cleaned.get("team")
        if team is not None and not team.active_members and not cleaned.get("without_members"):
            self.add_error(
                "team",
                forms.ValidationError(
                    _(
                        "%(team)s has no members: nobody there would get its posts. "
                        "Tick the box below to choose it anyway."
                    ),
                    params={"team": team},
                    code="no_members",
                ),
            )
        return cleaned


class TryRulesForm(forms.Form):
    text = forms.CharField(
        label=_("A post to try"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("See what the enabled rules decide about it; nothing is saved."),
    )


class OverrideTriageForm(forms.Form):
    """A person's decision about a post, replacing what triage said."""

    prefix = "triage"

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
    prefix = "reply"

    text = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write a reply before sending.")},
    )
    # The last reply the writer saw when the page was drawn: one reply goes out per
    # (post, after), however often the form is sent and whoever else answers at once.
    after = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, post=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.platform = post.channel.platform if post is not None else ""
        self.limit = limits.limit_for(self.platform)
        field = self.fields["text"]
        # Counted as the platform counts (clean_text), as the live counter (static/js/inbox.js) does.
        field.widget.attrs.update({"data-limit": self.limit, "data-count": "x" if self.platform == "x" else "plain"})
        if self.platform == "x":
            field.help_text = _("At most %(limit)s characters, counted as X counts: a link is 23, an emoji 2.") % {
                "limit": self.limit
            }
        else:
            field.help_text = _("At most %(limit)s characters.") % {
                "limit": number_format(self.limit, force_grouping=True)
            }

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        length = limits.length_on(self.platform, text)
        if length > self.limit:
            raise forms.ValidationError(
                _("The reply is %(length)s characters; %(platform)s takes at most %(limit)s. Shorten it by %(over)s."),
                params={
                    "length": length,
                    "limit": self.limit,
                    "over": length - self.limit,
                    "platform": dict(Channel.Platform.choices).get(self.platform, _("this channel")),
                },
                code="too_long",
            )
        return text


EMPTY = "\u2013"  # an en dash: nothing chosen


def _people(*permissions: str):
    """Active users holding any of these inbox permissions, by their role or directly."""
    condition = Q()
    for permission in permissions:
        condition |= Q(groups__permissions__codename=permission, groups__permissions__content_type__app_label="inbox")
        condition |= Q(user_permissions__codename=permission, user_permissions__content_type__app_label="inbox")
    return get_user_model().objects.filter(condition, is_active=True).distinct().order_by("first_name", "username")


def people_who_work_posts():
    """Who can hold a post: active users who may change posts (the communication unit), by name."""
    return _people("change_post")


def people_who_answer():
    """Who can write a reply: the communication unit and the employees posts are forwarded to, by name."""
    return _people("change_post", "answer_forwarded")


class AssignForm(forms.Form):
    prefix = "assign"

    to_user = PersonChoiceField(label=_("Person"), queryset=None, required=False, empty_label=_("nobody"))
    to_team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=EMPTY)
    take_over = forms.BooleanField(required=False)

    def __init__(self, *args, post=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = _people("change_post")
        # Someone else holds the post: giving it on takes it from them, and asks first.
        self.holder = post.assignee if post is not None and post.assignee_id else None
        if self.holder is None or self.holder == user:
            del self.fields["take_over"]
        else:
            self.fields["take_over"].label = _("Take it from %(name)s, who is told") % {
                "name": display_name(self.holder)
            }

    def clean_take_over(self) -> bool:
        taken = self.cleaned_data["take_over"]
        if self.data.get(self.add_prefix("to_user")) and not taken:
            raise forms.ValidationError(
                _("%(name)s holds this post: tick the box to take it from them."),
                params={"name": display_name(self.holder)},
                code="held",
            )
        return taken

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("to_user") and not cleaned.get("to_team"):
            raise forms.ValidationError(_("Choose a person, a team, or both."))
        return cleaned


class ForwardForm(forms.Form):
    prefix = "forward"

    to_user = PersonChoiceField(label=_("To a person"), queryset=None, required=False, empty_label=EMPTY)
    to_team = forms.ModelChoiceField(
        label=_("or to a team"), queryset=Team.objects.all(), required=False, empty_label=EMPTY
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("What should they do? They see the post, its thread and the author's history."),
    )
    link = WebLinkField(label=_("Link to more detailed information"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = _people("answer_forwarded", "change_post")

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("to_user")) == bool(cleaned.get("to_team")):
            raise forms.ValidationError(_("Choose one person or one team."))
        return cleaned


class HandBackForm(forms.Form):
    prefix = "hand_back"

    note = forms.CharField(
        label=_("Why you hand it back"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        help_text=_("E.g. who would know better."),
    )


class CloseForm(forms.Form):
    prefix = "close"

    reason = forms.ChoiceField(label=_("Reason"), choices=[("", EMPTY), *Post.CloseReason.choices], required=False)
    note = forms.CharField(label=_("Comment"), required=False, max_length=2000)

    def __init__(self, *args, post: Post | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post
        if post is not None and post.must_reply and post.first_response_at is None:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _("This post must be answered and has no reply: say why you close it.")


class NoteForm(forms.Form):
    prefix = "note"

    text = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        help_text=_("For colleagues; never sent to the platform."),
    )


class ReviewForm(forms.Form):
    prefix = "review"

    comment = forms.CharField(
        label=_("Comment to the writer"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
        help_text=_("Needed when you send the reply back."),
    )


class SavedReplyForm(forms.ModelForm):
    class Meta:
        model = SavedReply
        fields = ["title", "category", "language", "text", "enabled"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        self.fields["text"].help_text = _("Placeholders: %(names)s.") % {"names": names}

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        unknown = unknown_placeholders(text)
        if unknown:
            raise forms.ValidationError(
                _("Unknown placeholder: %(names)s. Use one of those listed below."),
                params={"names": ", ".join(f"{{{name}}}" for name in unknown)},
            )
        return text


class InboxSettingsForm(forms.ModelForm):
    class Meta:
        model = InboxSettings
        fields = ["approval_for_negative"]


class EmployeeAccountsForm(forms.ModelForm):
    class Meta:
        model = InboxSettings
        fields = ["employee_accounts"]
        widgets = {"employee_accounts": forms.Textarea(attrs={"rows": 4})}

    def clean_employee_accounts(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["employee_accounts"].splitlines() if line.strip()]
        for line in lines:
            if len(line) > 200 or any(character.isspace() for character in line):
                raise forms.ValidationError(
                    _("“%(line)s” is not one account: a handle or an id, one per line, without spaces."),
                    params={"line": line[:60]},
                )
        return "\n".join(dict.fromkeys(lines))


class _PostIds(forms.TypedMultipleChoiceField):
    """Post ids as ticked: any id that could be one; the service says which exist."""

    def valid_value(self, value) -> bool:
        value = str(value)
        return value.isascii() and value.isdigit() and len(value) <= 18


class BulkForm(forms.Form):
    """One action on the posts ticked in a queue."""

    posts = _PostIds(label=_("Posts"), coerce=int, choices=())
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", EMPTY), *BulkAction.choices],
        error_messages={"required": _("Choose what to do with the ticked posts.")},
    )
    to_user = PersonChoiceField(label=_("Person"), queryset=None, required=False, empty_label=EMPTY)
    to_team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=EMPTY)
    take_over = forms.BooleanField(label=_("Also take posts colleagues hold (they are told)"), required=False)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    error_messages = {"none": _("Tick the posts to act on first.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = _people("change_post")
        self.fields["posts"].error_messages["required"] = self.error_messages["none"]

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == BulkAction.ASSIGN and not cleaned.get("to_user"):
            self.add_error("to_user", _("Choose the person to give the posts to."))
        if action == BulkAction.TEAM and not cleaned.get("to_team"):
            self.add_error("to_team", _("Choose the team to give the posts to."))
        return cleaned
