import pytest
from django.core.management import call_command

from accounts.models import User
from merchants.management.commands.seed_demo import DEMO_CONSUMER_PHONE

pytestmark = pytest.mark.django_db


def test_seed_demo_puts_a_flash_deal_in_the_demo_consumers_inbox_once():
    call_command("seed_demo", shops=8)
    call_command("seed_demo", shops=8)  # the second run changes nothing
    consumer = User.objects.get(phone=DEMO_CONSUMER_PHONE)
    inbox = consumer.inbox_messages.filter(kind="flash_deal")
    assert inbox.count() == 1
    assert consumer.deal_subscriptions.count() == 2
    assert consumer.activity_clusters.exists()  # inferred from check-ins and orders
