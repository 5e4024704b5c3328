"""What applies an approved text to its object, per subject. The app that owns the object
registers it in its AppConfig.ready(), so moderation never imports the apps above it:

    moderation.registry.register("merchants.shop", shop_text_apply)

`apply(object_id=, field=, text=)` writes the approved text the way that app's services do
(the shop's pinyin follows its name, for instance). `writer(object_id=, field=)` names the
account told of the staff's decision (the review's author, the shop's merchant owner)."""

from collections.abc import Callable

APPLIERS: dict[str, Callable[..., None]] = {}
WRITERS: dict[str, Callable[..., int | None]] = {}


def register(
    subject: str, apply: Callable[..., None], writer: Callable[..., int | None] | None = None
) -> None:
    APPLIERS[subject] = apply
    if writer is not None:
        WRITERS[subject] = writer


def writer_of(*, subject: str, object_id: int, field: str) -> int | None:
    writer = WRITERS.get(subject)
    return writer(object_id=object_id, field=field) if writer else None
