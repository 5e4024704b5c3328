"""What each customer agreed to, as the merchant's directory shows it: one reader per kind,
each answering for a page of consumers at once ({consumer_id: granted}). Customers the
merchant added by phone alone have no account, so no consent state (null).

Marketing SMS consent is not a reader here: it is kept per phone and merchant (a customer
without an account may have given it at the counter), so the directory shows it as its own
`marketing_consent` (notifications.marketing.marketing_consents_of), with source and time.
"""

from collections.abc import Callable, Iterable

from geo.models import LocationConsent


def location_granted(consumer_ids: Iterable[int]) -> dict[int, bool]:
    granted = LocationConsent.objects.filter(consumer_id__in=consumer_ids, granted=True)
    return dict.fromkeys(granted.values_list("consumer_id", flat=True), True)


READERS: dict[str, Callable[[Iterable[int]], dict[int, bool]]] = {
    "location": location_granted,
}


def consents_of(customers) -> dict[int, dict[str, bool] | None]:
    """{customer id: {kind: granted} or None when the customer has no account}."""
    consumer_ids = [c.consumer_id for c in customers if c.consumer_id]
    answers = {kind: read(consumer_ids) for kind, read in READERS.items()}
    return {
        c.pk: (
            {kind: answer.get(c.consumer_id, False) for kind, answer in answers.items()}
            if c.consumer_id
            else None
        )
        for c in customers
    }
