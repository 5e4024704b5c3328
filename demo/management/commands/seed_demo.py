"""Demo data for `make run`: a few hundred shops across Shanghai, a demo merchant and consumer.

Idempotent: a second run finds the demo merchant and does nothing.
"""

import random

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from merchants.models import Category, Merchant

from ...campaigns import demo_coupons_load
from ...cards import DEMO_CARD_PASSWORD, demo_cards_load
from ...customers import demo_crm_load
from ...flash_deals import demo_deals_load
from ...orders import demo_orders_seed
from ...policies import demo_privacy_load
from ...shops import (
    DEMO_ADMIN_PHONE,
    DEMO_CONSUMER_PHONE,
    DEMO_MERCHANT_PHONE,
    DEMO_PASSWORD,
    demo_accounts_create,
    demo_shop_create,
)


class Command(BaseCommand):
    help = "Load demo merchants, shops and services in Shanghai (skips if already loaded)."

    def add_arguments(self, parser):
        parser.add_argument("--shops", type=int, default=300)
        parser.add_argument("--seed", type=int, default=20261122)

    def handle(self, *args, shops: int, seed: int, **options):
        rng = random.Random(seed)
        if Merchant.objects.filter(owner__phone=DEMO_MERCHANT_PHONE).exists():
            self.stdout.write("demo shops already loaded")
        else:
            with transaction.atomic():
                demo_merchant = demo_accounts_create()
                categories = {c.slug: c for c in Category.objects.filter(parent__isnull=False)}
                for index in range(shops):
                    merchant = demo_merchant if index < 5 else None
                    demo_shop_create(rng, index, merchant, categories)
                    if (index + 1) % 50 == 0 or index + 1 == shops:
                        self.stdout.write(f"  shops {index + 1}/{shops}")
            self.stdout.write(self.style.SUCCESS(f"loaded {shops} demo shops"))
        self.load_cards()  # before the orders: the demo consumer's orders use the card
        # Orders and reviews (demo.orders): their own check, so older demo databases get them.
        demo_orders_seed(
            rng=rng,
            consumer=User.objects.get(phone=DEMO_CONSUMER_PHONE),
            merchant=Merchant.objects.get(owner__phone=DEMO_MERCHANT_PHONE),
            log=self.stdout.write,
        )
        self.load_coupons()
        self.load_flash_deals()
        self.load_crm()
        self.load_privacy()
        self.print_logins()

    def load_privacy(self):
        consumer = User.objects.get(phone=DEMO_CONSUMER_PHONE)
        others = list(User.objects.filter(phone__in=[DEMO_MERCHANT_PHONE, DEMO_ADMIN_PHONE]))
        if demo_privacy_load(consumer=consumer, others=others):
            self.stdout.write(self.style.SUCCESS("loaded the policy documents and word list"))

    def load_crm(self):
        if demo_crm_load(Merchant.objects.get(owner__phone=DEMO_MERCHANT_PHONE)):
            self.stdout.write(self.style.SUCCESS("loaded the demo customer directory (CRM)"))

    def load_coupons(self):
        merchant = Merchant.objects.get(owner__phone=DEMO_MERCHANT_PHONE)
        consumer = User.objects.get(phone=DEMO_CONSUMER_PHONE)
        if made := demo_coupons_load(merchant=merchant, consumer=consumer):
            self.stdout.write(self.style.SUCCESS(f"loaded {made} demo coupon campaigns"))

    def load_flash_deals(self):
        merchant = Merchant.objects.get(owner__phone=DEMO_MERCHANT_PHONE)
        consumer = User.objects.get(phone=DEMO_CONSUMER_PHONE)
        if made := demo_deals_load(merchant=merchant, consumer=consumer):
            self.stdout.write(self.style.SUCCESS(f"loaded {made} demo flash deals"))

    def load_cards(self):
        """The demo merchant's card program and the demo consumer's card (demo.cards)."""
        merchant = Merchant.objects.get(owner__phone=DEMO_MERCHANT_PHONE)
        consumer = User.objects.get(phone=DEMO_CONSUMER_PHONE)
        with transaction.atomic():
            if demo_cards_load(merchant, consumer):
                self.stdout.write(self.style.SUCCESS("loaded the demo card program and card"))

    def print_logins(self):
        self.stdout.write(
            "demo logins (password " + DEMO_PASSWORD + "):\n"
            f"  merchant owner {DEMO_MERCHANT_PHONE}\n"
            f"  consumer       {DEMO_CONSUMER_PHONE} (card password {DEMO_CARD_PASSWORD})\n"
            f"  platform admin {DEMO_ADMIN_PHONE} (http://127.0.0.1:8000/admin/)"
        )
