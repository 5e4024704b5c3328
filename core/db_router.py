"""Route lag-tolerant reads to replicas listed in DATABASE_REPLICA_URLS.

Nothing is routed implicitly: a selector that tolerates replica lag (discovery) reads with
`.using(read_replica())`. Writes and everything else go to the primary.
"""

import random

from django.conf import settings


def read_replica() -> str:
    replicas = [alias for alias in settings.DATABASES if alias.startswith("replica")]
    return random.choice(replicas) if replicas else "default"  # noqa: S311


class PrimaryReplicaRouter:
    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
