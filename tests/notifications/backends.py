"""A gateway that refuses on cue, standing in for a real SMS gateway or push service (it is a
backend like any other, plugged in through the settings)."""

from notifications.backends import ChannelBackend, PermanentFailure, TemporaryFailure

SENT: list = []


class FlakyBackend(ChannelBackend):
    """Addresses starting "temp" fail for a while ("temp2" fails twice), "bad" always."""

    failures: dict[str, int] = {}

    def send(self, message):
        if message.address.startswith("bad"):
            raise PermanentFailure("号码无效")
        if message.address.startswith("temp"):
            seen = self.failures.get(message.address, 0)
            if seen < int(message.address[4:] or 1):
                self.failures[message.address] = seen + 1
                raise TemporaryFailure("网关超时")
        SENT.append(message)
        return f"ok-{len(SENT)}"
