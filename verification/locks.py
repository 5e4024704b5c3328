"""Row locks of the verification app (ARCHITECTURE.md, "locks.py")."""

from datetime import datetime

from .models import SmsCode


def sms_code_live_lock(*, phone: str, purpose: str, now: datetime) -> SmsCode | None:
    """The phone's newest live code for `purpose`, locked (one row: tries are counted one by
    one), or None."""
    return (
        SmsCode.objects.select_for_update(of=("self",))
        .filter(phone=phone, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at", "-pk")
        .first()
    )
