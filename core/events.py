"""Named in-process events: how a lower app asks the apps above it to act, without importing
them (ARCHITECTURE: "publishes a small event through core that the higher app handles").

A higher app subscribes in its AppConfig.ready(); the lower app publishes and gets each
handler's answer back, in subscription order. Handlers run in the caller's transaction; they
are plain calls, not Django signals, and an event nobody handles returns [].

    events.subscribe("session_opened", privacy.services.on_session_opened)
    extras = events.publish("session_opened", user=user, registered=True, accepted=[...])
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

_handlers: dict[str, list[Callable[..., Any]]] = defaultdict(list)


def subscribe(event: str, handler: Callable[..., Any]) -> None:
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def publish(event: str, **payload: Any) -> list[Any]:
    return [handler(**payload) for handler in list(_handlers[event])]
