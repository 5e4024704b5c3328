"""Consistency checks operators can run at any time: `manage.py check_invariants`.

Each app registers its checks in `<app>/invariants.py`; a check yields one line per violation
(an empty generator when all is well). Checks read only, in one repeatable-read snapshot, so a
check sees one consistent state of a live database.

    from core.invariants import invariant

    @invariant("loyalty.balance_matches_ledger", "每张卡的余额等于其流水最后一行的余额")
    def balance_matches_ledger():
        for card in MembershipCard.objects.exclude(...):
            yield f"card {card.number}: balance {card.balance_fen}, ledger says ..."
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Invariant:
    name: str
    description: str
    check: Callable[[], Iterable[str]]


@dataclass
class Outcome:
    invariant: Invariant
    violations: list[str] = field(default_factory=list)
    total: int = 0

    @property
    def holds(self) -> bool:
        return self.total == 0


REGISTRY: dict[str, Invariant] = {}


def invariant(name: str, description: str):
    def register(check: Callable[[], Iterable[str]]) -> Callable[[], Iterable[str]]:
        REGISTRY[name] = Invariant(name, description, check)
        return check

    return register


def invariants() -> list[Invariant]:
    autodiscover_modules("invariants")
    return sorted(REGISTRY.values(), key=lambda item: item.name)


def invariants_check(*, only: list[str] | None = None, sample: int = 20) -> list[Outcome]:
    """Run the checks whose names start with one of `only` (all by default); keep the first
    `sample` violations of each and count the rest."""
    chosen = [i for i in invariants() if not only or i.name.startswith(tuple(only))]
    outcomes = []
    snapshot = not connection.in_atomic_block  # inside a caller's transaction, use that one
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for item in chosen:
            outcome = Outcome(item)
            for violation in item.check():
                outcome.total += 1
                if len(outcome.violations) < sample:
                    outcome.violations.append(violation)
            outcomes.append(outcome)
    return outcomes


@invariant("core.idempotency_answer_stored", "每个已提交的幂等键都存有第一次的应答")
def idempotency_answer_stored():
    from .models import IdempotencyRecord

    for record in IdempotencyRecord.objects.filter(status_code__isnull=True)[:1000]:
        yield f"idempotency record {record.pk} ({record.scope}:{record.key}) has no answer"
