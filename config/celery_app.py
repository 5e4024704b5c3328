import os

from celery import Celery, signals
from kombu import Queue

from core.redaction import RedactSecrets

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

QUEUES = ("default", "fanout", "notifications")

app = Celery("o2o")
app.config_from_object("django.conf:settings", namespace="CELERY")
# One queue per kind of work so each can be scaled with its own workers.
app.conf.task_queues = [Queue(name, routing_key=name) for name in QUEUES]
app.autodiscover_tasks()


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def redact_worker_logs(logger, **kwargs):
    """The worker installs its own handlers: keep secrets out of them too."""
    for handler in logger.handlers:
        handler.addFilter(RedactSecrets())
