from django import forms
from django.utils.translation import gettext_lazy as _

from . import roles
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
    weekly_digest = forms.BooleanField(label=_("Send me the weekly response digest"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The digest is of the reports: only those who may read them are offered it.
        if not user.has_perm(roles.READS_REPORTS):
            del self.fields["weekly_digest"]
