"""Delivery of outbox messages on the `notifications` queue.

acks_late: a worker killed mid-task leaves the message on the broker, and the claim in
services.outbox_send keeps a redelivered task from sending a message twice. The dispatcher
(beat, every minute) sends what a lost enqueue, quiet hours or a backoff left pending.
"""

from celery import shared_task
from django.db import transaction

from .services import outbox_due, outbox_send

CHUNK = 200


@shared_task(acks_late=True, queue="notifications")
def outbox_deliver(message_ids: list[int]) -> int:
    retries = 0
    for message_id in message_ids:
        if (retry_in := outbox_send(message_id=message_id)) is not None:
            retries += 1
            outbox_deliver.apply_async([[message_id]], countdown=retry_in.total_seconds())
    return retries


@shared_task(acks_late=True)
def outbox_dispatch_due() -> int:
    ids = outbox_due()
    for start in range(0, len(ids), CHUNK):
        outbox_deliver.delay(ids[start : start + CHUNK])
    return len(ids)


def outbox_deliver_on_commit(message_ids: list[int]) -> None:
    """Enqueue delivery once the transaction that wrote the messages commits."""
    for start in range(0, len(message_ids), CHUNK):
        chunk = message_ids[start : start + CHUNK]
        # robust: a broker outage at commit must not undo the caller; the dispatcher sends later.
        transaction.on_commit(lambda chunk=chunk: outbox_deliver.delay(chunk), robust=True)
