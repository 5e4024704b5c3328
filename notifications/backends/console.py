import sys

from .base import ChannelBackend, OutgoingMessage, PushReceipt, PushToken, json_line


class ConsoleBackend(ChannelBackend):
    """Writes each message to stdout, one JSON line (a push, one line per device with the token
    masked): the default, for development."""

    def send(self, message: OutgoingMessage) -> str:
        self._write(message.channel, [json_line(message)])
        return f"console-{message.idempotency_key}"

    def send_push(self, message: OutgoingMessage, tokens: list[PushToken]) -> PushReceipt:
        self._write(message.channel, [json_line(message, token) for token in tokens])
        return PushReceipt(f"console-{message.idempotency_key}")

    def _write(self, channel: str, lines: list[str]) -> None:
        sys.stdout.write("".join(f"[{channel}] {line}\n" for line in lines))
        sys.stdout.flush()
