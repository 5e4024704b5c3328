import pytest
from django.core.management import call_command

from loyalty.models import LedgerEntry, MembershipCard
from tests.conftest import client_for

from .factories import ledger_violations


@pytest.mark.django_db
def test_seed_demo_gives_the_demo_consumer_a_card_with_history_once():
    call_command("seed_demo", shops=6)
    entries = LedgerEntry.objects.count()
    call_command("seed_demo", shops=6)  # the second run changes nothing
    assert LedgerEntry.objects.count() == entries > 4
    card = MembershipCard.objects.get(consumer__phone="+8613900000000")
    assert card.program.merchant.owner.phone == "+8613800000000"
    assert card.program.levels.count() == 3
    assert card.balance_fen > 0 and card.points > 0
    assert ledger_violations() == []
    mine = client_for(card.consumer).get(f"/api/v1/me/cards/{card.pk}/entries/").json()
    assert {"top_up", "bonus", "earn", "spend"} <= {e["kind"] for e in mine["results"]}
