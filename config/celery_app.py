import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("o2o")
app.config_from_object("django.conf:settings", namespace="CELERY")
# One queue per kind of work so each can be scaled with its own workers.
app.conf.task_queues = [Queue("default"), Queue("fanout"), Queue("notifications")]
app.autodiscover_tasks()
