from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Notification


class NotificationPreferenceForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Send me an email too when"),
        choices=Notification.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
