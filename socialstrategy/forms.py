from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Notification
from .people import display_name


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of user, each shown by their name (socialstrategy.people.display_name)."""

    def label_from_instance(self, user) -> str:
        return display_name(user)


class NotificationPreferenceForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Send me an email too when"),
        choices=Notification.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
