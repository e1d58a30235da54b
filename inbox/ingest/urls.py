"""The platforms' webhooks, mounted at /webhooks/: they check signatures instead of logins."""

from django.urls import path

from .webhooks import facebook_webhook, x_webhook

app_name = "webhooks"

urlpatterns = [
    path("facebook/", facebook_webhook, name="facebook"),
    path("x/", x_webhook, name="x"),
]
