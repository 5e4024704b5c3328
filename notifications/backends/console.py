import json
import sys

from .base import ChannelBackend, OutgoingMessage


class ConsoleBackend(ChannelBackend):
    """Writes each message to stdout, one JSON line: the default, for development."""

    def send(self, message: OutgoingMessage) -> str:
        line = json.dumps(message.__dict__, ensure_ascii=False)
        sys.stdout.write(f"[{message.channel}] {line}\n")
        sys.stdout.flush()
        return f"console-{message.idempotency_key}"
