"""The rota's forms: a shift in the weekly pattern, and a dated change to it."""

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
