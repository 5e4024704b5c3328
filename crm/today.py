"""Today's list of one staff member, the service-level due list and its compliance.

An item is due work on a customer, with the reason it is there and a stable `key`; logging a
contact with that key (crm.services.contact_log) closes it. Sources, in the order listed:
purchase callbacks (1 week, 4-6 months, 10-12 months, over a year), complaint callbacks
(at once, after resolution, when overdue), birthdays 2-7 days ahead, holidays and lunar
festivals 2-7 days ahead, the merchant's top at-risk customers (the churn ranking, cut to the
calls the staff can make a day), service-level contacts due, customers not contacted for long,
a low last satisfaction, and a random sample.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import Role, User
from merchants.models import Merchant

from .dates import add_months, next_birthday, occasions_between
from .models import (
    Complaint,
    ComplaintStatus,
    Customer,
    Interaction,
    InteractionKind,
    Purchase,
    ServiceStandard,
    Task,
    TaskKind,
    TaskStatus,
)
from .selectors import at_risk_ranked, settings_of, team_of

BIRTHDAY_AHEAD = (2, 7)


@dataclass
class TodayItem:
    key: str
    source: str
    reason: str
    due: date
    customer_id: int
    customer_name: str
    phone: str
    tel: str
    sms: str


def item_for(customer: Customer, *, key: str, source: str, reason: str, due: date) -> TodayItem:
    phone = str(customer.phone or "")
    return TodayItem(
        key=key,
        source=source,
        reason=reason,
        due=due,
        customer_id=customer.pk,
        customer_name=customer.name,
        phone=phone,
        tel=f"tel:{phone}" if phone else "",
        sms=f"sms:{phone}?body={quote(f'{customer.name}您好，')}" if phone else "",
    )


def customers_in_care_of(merchant: Merchant, staff: User):
    """A staff member's customers; the owner also has the ones nobody owns."""
    mine = Q(owner=staff)
    if staff.role == Role.MERCHANT_OWNER:
        mine |= Q(owner__isnull=True)
    return Customer.objects.filter(Q(merchant=merchant) & mine)


def closed_keys(customer_ids) -> set[tuple[int, str]]:
    return set(
        Interaction.objects.filter(customer_id__in=customer_ids, kind=InteractionKind.CONTACT)
        .exclude(item_key="")
        .values_list("customer_id", "item_key")
    )


def purchase_callbacks(customer: Customer, purchases: list[Purchase], today: date):
    """From the customer's purchases (oldest first): a week after the latest purchase made 7-13
    days ago; 4-6 months, 10-12 months and over a year after the last purchase."""
    if not purchases:
        return
    week = [p for p in purchases if 7 <= (today - local_day(p.at)).days <= 13]
    if week:
        p = week[-1]
        yield (
            f"purchase:{p.pk}:week",
            f"{local_day(p.at):%m月%d日}消费后一周回访",
            local_day(p.at) + timedelta(days=7),
        )
    last = purchases[-1]
    day = local_day(last.at)
    stages = [
        ("m4", add_months(day, 4), add_months(day, 6), "消费后 4-6 个月回访"),
        ("m10", add_months(day, 10), add_months(day, 12), "消费后 10-12 个月回访"),
    ]
    for code, start, end, label in stages:
        if start <= today <= end:
            yield f"purchase:{last.pk}:{code}", f"{day:%Y-%m-%d}{label}", start
    year_later = add_months(day, 12)
    if today > year_later:
        yield (
            f"purchase:{last.pk}:y1",
            f"上次消费 {day:%Y-%m-%d} 已超过一年",
            year_later + timedelta(days=1),
        )


def complaint_callbacks(complaint: Complaint, now: datetime):
    created = local_day(complaint.created_at)
    if complaint.status == ComplaintStatus.OPEN:
        yield f"complaint:{complaint.pk}:intake", "新投诉，请立即回访安抚", created
        if complaint.respond_by < now:
            yield (
                f"complaint:{complaint.pk}:overdue",
                f"投诉处理已超时（应于 {local_time(complaint.respond_by)} 前答复）",
                local_day(complaint.respond_by),
            )
    elif complaint.status == ComplaintStatus.RESOLVED and complaint.callback_at is None:
        yield (
            f"complaint:{complaint.pk}:resolved",
            "投诉已解决，请回访确认满意度",
            local_day(complaint.resolved_at or complaint.created_at),
        )


def local_time(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%m-%d %H:%M}"


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def today_list(merchant: Merchant, staff: User, *, now: datetime | None = None) -> list[TodayItem]:
    now = now or timezone.now()
    today = local_day(now)
    prefs = settings_of(merchant)
    customers = {c.pk: c for c in customers_in_care_of(merchant, staff)}
    complaints = (
        Complaint.objects.filter(merchant=merchant)
        .filter(Q(customer_id__in=customers) | Q(owner=staff))
        .exclude(status=ComplaintStatus.CLOSED)
    )
    complaints = list(complaints.select_related("customer"))
    for complaint in complaints:
        customers.setdefault(complaint.customer_id, complaint.customer)
    done = closed_keys(list(customers))
    items: list[TodayItem] = []
    listed: set[int] = set()

    def add(customer: Customer, key: str, source: str, reason: str, due: date) -> None:
        if (customer.pk, key) in done:
            return
        items.append(item_for(customer, key=key, source=source, reason=reason, due=due))
        listed.add(customer.pk)

    since = add_months(today, -14)
    purchases: dict[int, list[Purchase]] = defaultdict(list)
    for purchase in Purchase.objects.filter(customer_id__in=customers).order_by("at", "pk"):
        purchases[purchase.customer_id].append(purchase)
    for customer_id, history in purchases.items():
        recent = [p for p in history if local_day(p.at) >= since] or history[-1:]
        for key, reason, due in purchase_callbacks(customers[customer_id], recent, today):
            add(customers[customer_id], key, "purchase_callback", reason, due)

    for complaint in complaints:
        for key, reason, due in complaint_callbacks(complaint, now):
            add(customers[complaint.customer_id], key, "complaint", reason, due)

    first, last = (today + timedelta(days=d) for d in BIRTHDAY_AHEAD)
    for customer in customers.values():
        if customer.birthday is None:
            continue
        coming = next_birthday(customer.birthday, first, lunar=customer.birthday_lunar)
        if coming is not None and coming <= last:
            kind = "农历生日" if customer.birthday_lunar else "生日"
            add(
                customer,
                f"birthday:{coming.isoformat()}",
                "birthday",
                f"{coming:%m月%d日}{kind}（{(coming - today).days} 天后）",
                coming,
            )

    occasions = occasions_between(first, last)
    if occasions and prefs.holiday_tiers:
        for customer in customers.values():
            if customer.tier in prefs.holiday_tiers:
                for occasion in occasions:
                    add(
                        customer,
                        f"holiday:{occasion.day.isoformat()}",
                        "holiday",
                        f"{occasion.day:%m月%d日}{occasion.name}问候（{customer.tier} 类顾客）",
                        occasion.day,
                    )

    # The merchant's top at-risk customers, those in this staff member's care. Keyed by the last
    # visit: a call closes it until the customer comes back and lapses again.
    from .services.churn import churn_explanation

    for ranked in at_risk_ranked(merchant, limit=prefs.at_risk_daily_calls):
        customer = customers.get(ranked.pk)
        if customer is None or customer.last_visit_at is None:
            continue
        add(
            customer,
            f"at_risk:{local_day(customer.last_visit_at).isoformat()}",
            "at_risk",
            churn_explanation(customer.churn_figures),
            today,
        )

    for customer, standard, due in standards_due(merchant, customers.values(), today):
        add(
            customer,
            f"standard:{standard.channel}:{due.isoformat()}",
            "service_level",
            f"{customer.tier} 类服务标准：每 {standard.every_days} 天"
            f"{standard.get_channel_display()}一次",
            due,
        )

    callbacks = Task.objects.filter(
        merchant=merchant,
        customer_id__in=customers,
        kind=TaskKind.CALLBACK,
        status=TaskStatus.OPEN,
        due__lte=today,
    )
    for task in callbacks.order_by("due", "pk"):
        add(customers[task.customer_id], f"callback:{task.pk}", "callback", task.title, task.due)

    idle_before = now - timedelta(days=prefs.long_no_contact_days)
    for customer in customers.values():
        last_touch = customer.last_contact_at or customer.created_at
        if customer.visits and last_touch < idle_before:
            add(
                customer,
                f"idle:{local_day(last_touch).isoformat()}",
                "long_no_contact",
                f"已 {(now - last_touch).days} 天未联系",
                local_day(last_touch) + timedelta(days=prefs.long_no_contact_days),
            )

    low = [
        c
        for c in customers.values()
        if c.satisfaction and c.satisfaction <= prefs.low_satisfaction_max
    ]
    marks = last_satisfaction_marks([c.pk for c in low])
    for customer in low:
        mark = marks.get(customer.pk)
        add(
            customer,
            f"low_satisfaction:{mark.pk if mark else 0}",
            "low_satisfaction",
            f"最近一次满意度 {customer.satisfaction} 分",
            local_day(mark.at) if mark else today,
        )

    rest = sorted(pk for pk in customers if pk not in listed)
    sample = random.Random(f"{today.isoformat()}:{staff.pk}").sample(  # noqa: S311  not crypto
        rest, min(prefs.random_sample_size, len(rest))
    )
    for pk in sample:
        add(customers[pk], f"sample:{today.isoformat()}", "random_sample", "随机抽查回访", today)
    return items


def last_satisfaction_marks(customer_ids: list[int]) -> dict[int, Interaction]:
    if not customer_ids:
        return {}
    rows = (
        Interaction.objects.filter(customer_id__in=customer_ids, satisfaction__isnull=False)
        .order_by("customer_id", "-at", "-pk")
        .distinct("customer_id")
    )
    return {row.customer_id: row for row in rows}


# --- service levels ----------------------------------------------------------------------------


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
                "name": names.get(staff_id, "") if staff_id else "未分配",
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
