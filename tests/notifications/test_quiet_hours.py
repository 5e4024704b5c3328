from datetime import datetime, time
from zoneinfo import ZoneInfo

from notifications.models import Preference
from notifications.services import quiet_until

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def test_overnight_quiet_hours_end_the_next_morning():
    night = Preference(quiet_start=time(22), quiet_end=time(8))
    assert quiet_until(night, at(23)) == at(8, day=11)
    assert quiet_until(night, at(3)) == at(8)
    assert quiet_until(night, at(8)) is None
    assert quiet_until(night, at(21, 59)) is None


def test_daytime_quiet_hours_and_none():
    nap = Preference(quiet_start=time(13), quiet_end=time(14))
    assert quiet_until(nap, at(13, 30)) == at(14)
    assert quiet_until(nap, at(14, 30)) is None
    assert quiet_until(Preference(), at(3)) is None
