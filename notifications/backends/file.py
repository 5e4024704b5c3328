import json
import os
from pathlib import Path

from django.conf import settings

from .base import ChannelBackend, OutgoingMessage


class FileBackend(ChannelBackend):
    """Appends each message as a JSON line to <NOTIFICATION_FILE_PATH>/<channel>.jsonl.

    One write() of one line in append mode, so lines of concurrent workers never interleave."""

    def send(self, message: OutgoingMessage) -> str:
        folder = Path(settings.NOTIFICATION_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(message.__dict__, ensure_ascii=False) + "\n").encode()
        fd = os.open(folder / f"{message.channel}.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        return f"file-{message.idempotency_key}"
