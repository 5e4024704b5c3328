"""loyalty.0006 and audit.0007 turn a level's share paid (`price_percent` 88 = 八八折) into the
API's one convention, the share taken off (`percent_off` 12), in the levels and their history."""

import pgtrigger
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("loyalty", "0005_card_invitations"),
    ("audit", "0006_payment_async_fields"),
    ("merchants", "0005_merchant_licence_verification"),
]
AFTER = [("loyalty", "0006_level_percent_off"), ("audit", "0007_levelevent_percent_off")]


@pytest.mark.django_db(transaction=True)
def test_levels_and_their_history_move_to_the_share_taken_off():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Merchant, User = old.get_model("merchants", "Merchant"), old.get_model("accounts", "User")
    Program, Level = old.get_model("loyalty", "CardProgram"), old.get_model("loyalty", "Level")
    LevelEvent = old.get_model("audit", "LevelEvent")
    try:
        with pgtrigger.ignore():  # the installed triggers already name the new column
            owner = User.objects.create(phone="+8613700009999", role="merchant_owner")
            program = Program.objects.create(
                merchant=Merchant.objects.create(owner=owner, name="m")
            )
            gold = Level.objects.create(program=program, name="金卡", rank=1, price_percent=88)
            plain = Level.objects.create(program=program, name="普通", rank=0, price_percent=100)
            LevelEvent.objects.create(
                pgh_obj=gold,
                pgh_label="insert",
                id=gold.pk,
                program=program,
                name="金卡",
                rank=1,
                points_per_yuan=1,
                price_percent=88,
                threshold=0,
            )
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        levels = new.get_model("loyalty", "Level").objects
        assert levels.get(pk=gold.pk).percent_off == 12
        assert levels.get(pk=plain.pk).percent_off == 0
        events = new.get_model("audit", "LevelEvent").objects
        assert events.get(pgh_obj_id=gold.pk).percent_off == 12
    finally:
        MigrationExecutor(connection).migrate(AFTER)
