from django.core.management.base import BaseCommand, CommandError

from core.invariants import invariants_check


class Command(BaseCommand):
    help = (
        "Check the data's invariants (ledger balances, redeem-once, tenant links, ...) and "
        "report each; exits 1 when one is broken. Read-only: safe on a live database."
    )

    def add_arguments(self, parser):
        parser.add_argument("only", nargs="*", help="name prefixes, e.g. `loyalty merchants.`")
        parser.add_argument("--sample", type=int, default=20, help="violations shown per check")

    def handle(self, *args, only, sample, **options):
        outcomes = invariants_check(only=only, sample=sample)
        if not outcomes:
            raise CommandError(f"no invariant matches {only}")
        for outcome in outcomes:
            item = outcome.invariant
            if outcome.holds:
                self.stdout.write(f"{self.style.SUCCESS('ok  ')}  {item.name}  {item.description}")
                continue
            self.stdout.write(
                f"{self.style.ERROR('FAIL')}  {item.name}  {item.description}: "
                f"{outcome.total} violation(s)"
            )
            for violation in outcome.violations:
                self.stdout.write(f"        {violation}")
            if outcome.total > len(outcome.violations):
                self.stdout.write(f"        ... and {outcome.total - len(outcome.violations)} more")
        broken = [o.invariant.name for o in outcomes if not o.holds]
        if broken:
            raise CommandError(f"{len(broken)} of {len(outcomes)} invariants broken: {broken}")
        self.stdout.write(f"all {len(outcomes)} invariants hold")
