"""Screening text before it is public, and staff decisions on what hit the word list.

A write path screens its public texts, stores what may be shown now, and queues the rest:

    screening = text_screen({"name": name, "description": description})
    shop = Shop.objects.create(name=screening.public("name", HELD_NAME), ...)
    screening_queue(screening, subject="merchants.shop", object_id=shop.pk, submitted_by=by)

A later submission of the same field supersedes the waiting one (only the newest can be
approved). Approval applies the text through the subject's registered applier; either way the
writer is told (event `moderation_decided`, which notifications turns into an inbox message)."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import events

from . import registry
from .errors import AlreadyDecided
from .locks import moderation_item_lock
from .matching import hits_in
from .models import BannedWord, ItemStatus, ModerationItem

HELD = _("（审核中）")  # what a required name shows while its first text waits for review


@dataclass
class Screening:
    texts: dict[str, str]
    hits: dict[str, list[str]] = field(default_factory=dict)

    @property
    def held(self) -> bool:
        return bool(self.hits)

    def public(self, name: str, instead: str = "") -> str:
        """The text to store now: the submitted one if it passed, else `instead`."""
        return str(instead) if name in self.hits else self.texts[name]

    def passed(self) -> dict[str, str]:
        return {k: v for k, v in self.texts.items() if k not in self.hits}


def text_screen(texts: dict[str, str | None]) -> Screening:
    words = list(BannedWord.objects.filter(active=True))
    screening = Screening(texts={k: v for k, v in texts.items() if v is not None})
    for name, text in screening.texts.items():
        found = hits_in(text, words) if text else []
        if found:
            screening.hits[name] = found
    return screening


@transaction.atomic
def screening_queue(
    screening: Screening, *, subject: str, object_id: int, submitted_by: User | None = None
) -> list[ModerationItem]:
    """Queue the texts that hit; a field written again (held or passed) drops its waiting
    text, which can no longer be approved over the newer one."""
    ModerationItem.objects.filter(
        subject=subject,
        object_id=object_id,
        field__in=list(screening.texts),
        status=ItemStatus.PENDING,
    ).update(status=ItemStatus.SUPERSEDED, decided_at=timezone.now())
    return [
        ModerationItem.objects.create(
            subject=subject,
            object_id=object_id,
            field=name,
            text=screening.texts[name],
            hits=hits,
            submitted_by=submitted_by,
        )
        for name, hits in screening.hits.items()
    ]


@transaction.atomic
def moderation_decide(*, item_id: int, approve: bool, by: User, note: str = "") -> ModerationItem:
    item = moderation_item_lock(item_id)
    if item.status != ItemStatus.PENDING:
        raise AlreadyDecided()
    item.status = ItemStatus.APPROVED if approve else ItemStatus.REJECTED
    item.decided_by, item.decided_at, item.decision_note = by, timezone.now(), note
    item.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        registry.APPLIERS[item.subject](object_id=item.object_id, field=item.field, text=item.text)
    writer_id = item.submitted_by_id or registry.writer_of(
        subject=item.subject, object_id=item.object_id, field=item.field
    )
    if writer_id:
        events.publish("moderation_decided", item=item, writer_id=writer_id)
    return item


def pending_of(*, subject: str, object_id: int) -> dict[str, ModerationItem]:
    items = ModerationItem.objects.filter(
        subject=subject, object_id=object_id, status=ItemStatus.PENDING
    )
    return {item.field: item for item in items}
