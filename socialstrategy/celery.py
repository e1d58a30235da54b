import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialstrategy.settings")

app = Celery("socialstrategy")
# Every Celery setting lives in settings.py with the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
