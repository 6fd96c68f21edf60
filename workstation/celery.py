"""The Celery application: Redis is the broker, beat keeps its schedule in the database."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workstation.settings")

app = Celery("workstation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
