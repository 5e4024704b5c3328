import os
from pathlib import Path

from django.conf import settings

from .base import ChannelBackend, OutgoingMessage, PushReceipt, PushToken, json_line


class FileBackend(ChannelBackend):
    """Appends each message as a JSON line to <NOTIFICATION_FILE_PATH>/<channel>.jsonl; a push,
    one line per device with the token masked.

    One write() in append mode per message, so lines of concurrent workers never interleave."""

    def send(self, message: OutgoingMessage) -> str:
        self._append(message.channel, [json_line(message)])
        return f"file-{message.idempotency_key}"

    def send_push(self, message: OutgoingMessage, tokens: list[PushToken]) -> PushReceipt:
        self._append(message.channel, [json_line(message, token) for token in tokens])
        return PushReceipt(f"file-{message.idempotency_key}")

    def _append(self, channel: str, lines: list[str]) -> None:
        folder = Path(settings.NOTIFICATION_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        data = "".join(f"{line}\n" for line in lines).encode()
        fd = os.open(folder / f"{channel}.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
