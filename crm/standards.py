"""Service levels: per tier, contact every N days by a channel. What is due under them (a
today-list source and the team's due list) and how well the team keeps them (compliance)."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.models import Merchant

from .models import Customer, Interaction, InteractionKind, ServiceStandard
from .selectors import team_of


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def last_contacts(customer_ids) -> dict[tuple[int, str], datetime]:
    rows = (
        Interaction.objects.filter(customer_id__in=customer_ids, kind=InteractionKind.CONTACT)
        .values("customer_id", "channel")
        .annotate(last=Max("at"))
    )
    return {(r["customer_id"], r["channel"]): r["last"] for r in rows}


def standards_due(merchant: Merchant, customers, today: date):
    """(customer, standard, due day) for each standard of the customer's tier that is due."""
    by_tier = defaultdict(list)
    for standard in ServiceStandard.objects.filter(merchant=merchant):
        by_tier[standard.tier].append(standard)
    customers = [c for c in customers if c.tier in by_tier]
    contacts = last_contacts([c.pk for c in customers])
    for customer in customers:
        for standard in by_tier[customer.tier]:
            last = contacts.get((customer.pk, standard.channel))
            since = local_day(last) if last else local_day(customer.created_at)
            due = since + timedelta(days=standard.every_days)
            if last is None:
                due = min(due, today)
            if due <= today:
                yield customer, standard, due


def compliance(merchant: Merchant, *, today: date | None = None) -> dict:
    """Share of (customer, standard) pairs contacted within the standard's period, per tier and
    per staff member (the customer's owner)."""
    today = today or timezone.localdate()
    standards = list(ServiceStandard.objects.filter(merchant=merchant))
    tiers = {s.tier for s in standards}
    customers = list(Customer.objects.filter(merchant=merchant, tier__in=tiers))
    contacts = last_contacts([c.pk for c in customers])
    per_tier = defaultdict(lambda: [0, 0])
    per_staff = defaultdict(lambda: [0, 0])
    for customer in customers:
        for standard in standards:
            if standard.tier != customer.tier:
                continue
            last = contacts.get((customer.pk, standard.channel))
            ok = last is not None and (today - local_day(last)).days <= standard.every_days
            for bucket in (per_tier[customer.tier], per_staff[customer.owner_id]):
                bucket[0] += ok
                bucket[1] += 1
    names = dict(team_of(merchant).values_list("pk", "name"))

    def rate(pair):
        return round(pair[0] / pair[1], 4) if pair[1] else None

    return {
        "tiers": [
            {"tier": tier, "compliant": p[0], "total": p[1], "rate": rate(p)}
            for tier, p in sorted(per_tier.items())
        ],
        "staff": [
            {
                "staff": staff_id,
                "name": names.get(staff_id, "") if staff_id else _("未分配"),
                "compliant": p[0],
                "total": p[1],
                "rate": rate(p),
            }
            for staff_id, p in sorted(per_staff.items(), key=lambda kv: kv[0] or 0)
        ],
    }


def due_list(merchant: Merchant, *, today: date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    customers = Customer.objects.filter(merchant=merchant).exclude(tier="")
    return [
        {
            "customer": customer.pk,
            "customer_name": customer.name,
            "tier": customer.tier,
            "owner": customer.owner_id,
            "channel": standard.channel,
            "every_days": standard.every_days,
            "due": due,
        }
        for customer, standard, due in standards_due(merchant, customers, today)
    ]
