"""The rota's forms: a shift in the weekly pattern, a dated change to it, and the week to show."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from socialstrategy.forms import PersonChoiceField
from socialstrategy.people import display_name

from .models import DutyDeviation, DutyShift, TeamMembership


class _RotaForm(forms.ModelForm):
    user = PersonChoiceField(label=_("Person"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, team_memberships__isnull=False)
            .distinct()
            .order_by("first_name")
        )
        for name in ("start", "end"):
            self.fields[name].widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

    def clean(self):
        cleaned = super().clean()
        team, user = cleaned.get("team"), cleaned.get("user")
        if team and user and not TeamMembership.objects.filter(team=team, user=user).exists():
            self.add_error(
                "user", _("%(name)s is not a member of %(team)s.") % {"name": display_name(user), "team": team}
            )
        return cleaned


class ShiftForm(_RotaForm):
    prefix = "shift"

    class Meta:
        model = DutyShift
        fields = ["team", "user", "day", "start", "end"]


class DeviationForm(_RotaForm):
    prefix = "change"

    class Meta:
        model = DutyDeviation
        fields = ["team", "user", "date", "away", "start", "end", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class WeekForm(forms.Form):
    """Which week the rota page shows as it happens: the week of any date in it (`?week=YYYY-MM-DD`)."""

    # Far enough either way for any plan, near enough that a week on either side is a date.
    FIRST_YEAR, LAST_YEAR = 2000, 2100

    week = forms.DateField(
        label=_("Show the week of"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Give the date as YYYY-MM-DD, for example 2026-05-13.")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_week(self):
        day = self.cleaned_data["week"]
        if day is not None and not self.FIRST_YEAR <= day.year <= self.LAST_YEAR:
            raise forms.ValidationError(
                _("Choose a date from %(first)s to %(last)s."),
                params={"first": self.FIRST_YEAR, "last": self.LAST_YEAR},
            )
        return day
