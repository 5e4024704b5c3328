"""Row locks of the geo app (ARCHITECTURE.md, "locks.py"): one consumer's row at a time."""

from accounts.models import User

from .models import ActivityArea, LocationConsent


def location_consent_lock(consumer: User) -> LocationConsent:
    """The consumer's consent row, locked; created (not granted) if there is none yet."""
    consent, _created = LocationConsent.objects.select_for_update(of=("self",)).get_or_create(
        consumer=consumer
    )
    return consent


def activity_area_lock(consumer: User) -> ActivityArea:
    """The consumer's activity area, locked; created empty if there is none yet."""
    area, _created = ActivityArea.objects.select_for_update(of=("self",)).get_or_create(
        consumer=consumer
    )
    return area
