"""What applies an approved text to its object, per subject. The app that owns the object
registers it in its AppConfig.ready(), so moderation never imports the apps above it:

    moderation.registry.register("merchants.shop", shop_text_apply)

`apply(object_id=, field=, text=)` writes the approved text the way that app's services do
(the shop's pinyin follows its name, for instance)."""

from collections.abc import Callable

APPLIERS: dict[str, Callable[..., None]] = {}


def register(subject: str, apply: Callable[..., None]) -> None:
    APPLIERS[subject] = apply
