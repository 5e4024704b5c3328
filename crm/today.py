"""Today's list of one staff member: due work on their customers, from registered sources.

An item is due work on a customer, with the reason it is there and a stable `key`; logging a
contact with that key (crm.services.contact_log) closes it. Each source is a function
registered with `@today_source(TodaySource.X)` that yields `(customer, key, reason, due)` for
the day; a new source is one such function here plus its `TodaySource` choice. Sources run in
the order registered (the random sample last: it picks among customers nothing else listed).
Keys are stored on contacts, so a source's key format never changes.
"""

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import quote

from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Role, User
from merchants.models import Merchant

from .dates import add_months, next_birthday, occasions_between
from .models import (
    Complaint,
    ComplaintStatus,
    CrmSettings,
    Customer,
    Interaction,
    InteractionKind,
    Purchase,
    Task,
    TaskKind,
    TaskStatus,
)
from .selectors import at_risk_ranked, customers_at_shops, settings_of
from .standards import standards_due

BIRTHDAY_AHEAD = (2, 7)


class TodaySource(models.TextChoices):
    """Why a customer is on today's list (stored in no table: the items are computed)."""

    PURCHASE_CALLBACK = "purchase_callback", gettext_lazy("消费回访")
    COMPLAINT = "complaint", gettext_lazy("投诉")
    BIRTHDAY = "birthday", gettext_lazy("生日")
    HOLIDAY = "holiday", gettext_lazy("节日问候")
    AT_RISK = "at_risk", gettext_lazy("流失预警")
    SERVICE_LEVEL = "service_level", gettext_lazy("服务标准")
    CALLBACK = "callback", gettext_lazy("约定回电")
    LONG_NO_CONTACT = "long_no_contact", gettext_lazy("久未联系")
    LOW_SATISFACTION = "low_satisfaction", gettext_lazy("满意度低")
    RANDOM_SAMPLE = "random_sample", gettext_lazy("抽查回访")


# How urgent an entry is, most urgent first; a source may fix its rank (complaints, at risk),
# the others rank by their due day.
COMPLAINT, OVERDUE, DUE_TODAY, SOON = range(4)
URGENCY_LABELS = [
    gettext_lazy("投诉"),
    gettext_lazy("已逾期 / 流失预警"),
    gettext_lazy("今天到期"),
    gettext_lazy("近期"),
]


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


@dataclass
class Day:
    """What the sources read: the staff member's customers and open complaints, loaded once."""

    merchant: Merchant
    staff: User
    now: datetime
    today: date
    prefs: CrmSettings
    customers: dict[int, Customer]
    complaints: list[Complaint]
    listed: set[int] = field(default_factory=set)  # customers with an item already


Found = tuple[Customer, str, str, date]  # customer, key, reason, due


@dataclass(frozen=True)
class Source:
    kind: str
    find: Callable[[Day], Iterable[Found]]
    urgency: int | None = None
    last: bool = False


SOURCES: dict[str, Source] = {}


def today_source(kind: str, *, urgency: int | None = None, last: bool = False):
    def register(find: Callable[[Day], Iterable[Found]]):
        SOURCES[kind] = Source(kind=kind, find=find, urgency=urgency, last=last)
        return find

    return register


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
    """(customer, item key) pairs a contact answered: its `item_keys` (an entry's every reason)
    and, for contacts logged before those, its single `item_key`."""
    contacts = Interaction.objects.filter(
        customer_id__in=customer_ids, kind=InteractionKind.CONTACT
    ).filter(~Q(item_key="") | ~Q(item_keys=[]))
    closed = set()
    for customer_id, key, keys in contacts.values_list("customer_id", "item_key", "item_keys"):
        closed.update((customer_id, k) for k in [key, *keys] if k)
    return closed


def local_time(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def month_day(day: date) -> str:
    """ "12月2日" / "December 2": in the active language."""
    return formats.date_format(day, "MONTH_DAY_FORMAT")


def full_day(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def today_list(
    merchant: Merchant,
    staff: User,
    *,
    now: datetime | None = None,
    shop_ids: list[int] | None = None,
) -> list[TodayItem]:
    """The staff member's items, in source order; with `shop_ids`, only the customers of those
    shops (crm.selectors.customers_at_shops)."""
    now = now or timezone.now()
    customers = customers_in_care_of(merchant, staff)
    complaints = (
        Complaint.objects.filter(merchant=merchant)
        .filter(Q(customer__in=customers) | Q(owner=staff))
        .exclude(status=ComplaintStatus.CLOSED)
    )
    if shop_ids is not None:
        at_shops = customers_at_shops(merchant, shop_ids)
        customers = customers.filter(pk__in=at_shops)
        complaints = complaints.filter(customer__in=at_shops)
    day = Day(
        merchant=merchant,
        staff=staff,
        now=now,
        today=local_day(now),
        prefs=settings_of(merchant),
        customers={c.pk: c for c in customers},
        complaints=list(complaints.select_related("customer")),
    )
    for complaint in day.complaints:
        day.customers.setdefault(complaint.customer_id, complaint.customer)
    done = closed_keys(list(day.customers))
    items: list[TodayItem] = []
    for source in sorted(SOURCES.values(), key=lambda s: s.last):
        for customer, key, reason, due in source.find(day):
            if (customer.pk, key) in done:
                continue
            items.append(item_for(customer, key=key, source=source.kind, reason=reason, due=due))
            day.listed.add(customer.pk)
    return items


# --- entries: one per customer -----------------------------------------------------------------


@dataclass
class TodayEntry:
    """A customer's items, the most urgent first; an outcome on the entry closes them all."""

    items: list[TodayItem]
    urgency: int

    @property
    def first(self) -> TodayItem:
        return self.items[0]

    @property
    def keys(self) -> list[str]:
        return [item.key for item in self.items]

    @property
    def urgency_label(self) -> str:
        return str(URGENCY_LABELS[self.urgency])


def urgency_of(item: TodayItem, today: date) -> int:
    fixed = SOURCES[item.source].urgency if item.source in SOURCES else None
    if fixed is not None:
        return fixed
    if item.due < today:
        return OVERDUE
    return DUE_TODAY if item.due == today else SOON


def today_entries(items: list[TodayItem], today: date) -> list[TodayEntry]:
    """One entry per customer with all their reasons, ordered by urgency (complaints first,
    then overdue or at risk, then due today), then by due day."""
    by_customer: dict[int, list[TodayItem]] = defaultdict(list)
    for item in items:
        by_customer[item.customer_id].append(item)
    entries = []
    for reasons in by_customer.values():
        reasons.sort(key=lambda item: (urgency_of(item, today), item.due))
        entries.append(TodayEntry(items=reasons, urgency=urgency_of(reasons[0], today)))
    entries.sort(key=lambda e: (e.urgency, e.first.due, e.first.customer_id))
    return entries


# --- the sources, in the order they are listed ---------------------------------------------------


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
            _("%(day)s 消费后一周回访") % {"day": month_day(local_day(p.at))},
            local_day(p.at) + timedelta(days=7),
        )
    last = purchases[-1]
    day = local_day(last.at)
    stages = [
        ("m4", add_months(day, 4), add_months(day, 6), _("%(day)s 消费后 4-6 个月回访")),
        ("m10", add_months(day, 10), add_months(day, 12), _("%(day)s 消费后 10-12 个月回访")),
    ]
    for code, start, end, label in stages:
        if start <= today <= end:
            yield f"purchase:{last.pk}:{code}", label % {"day": full_day(day)}, start
    year_later = add_months(day, 12)
    if today > year_later:
        yield (
            f"purchase:{last.pk}:y1",
            _("上次消费 %(day)s 已超过一年") % {"day": full_day(day)},
            year_later + timedelta(days=1),
        )


@today_source(TodaySource.PURCHASE_CALLBACK)
def purchase_callback_items(day: Day):
    since = add_months(day.today, -14)
    purchases: dict[int, list[Purchase]] = defaultdict(list)
    for purchase in Purchase.objects.filter(customer_id__in=day.customers).order_by("at", "pk"):
        purchases[purchase.customer_id].append(purchase)
    for customer_id, history in purchases.items():
        customer = day.customers[customer_id]
        recent = [p for p in history if local_day(p.at) >= since] or history[-1:]
        for key, reason, due in purchase_callbacks(customer, recent, day.today):
            yield customer, key, reason, due


def complaint_callbacks(complaint: Complaint, now: datetime):
    created = local_day(complaint.created_at)
    if complaint.status == ComplaintStatus.OPEN:
        yield f"complaint:{complaint.pk}:intake", _("新投诉，请立即回访安抚"), created
        if complaint.respond_by < now:
            yield (
                f"complaint:{complaint.pk}:overdue",
                _("投诉处理已超时（应于 %(time)s 前答复）")
                % {"time": local_time(complaint.respond_by)},
                local_day(complaint.respond_by),
            )
    elif complaint.status == ComplaintStatus.RESOLVED and complaint.callback_at is None:
        yield (
            f"complaint:{complaint.pk}:resolved",
            _("投诉已解决，请回访确认满意度"),
            local_day(complaint.resolved_at or complaint.created_at),
        )


@today_source(TodaySource.COMPLAINT, urgency=COMPLAINT)
def complaint_items(day: Day):
    for complaint in day.complaints:
        for key, reason, due in complaint_callbacks(complaint, day.now):
            yield day.customers[complaint.customer_id], key, reason, due


def ahead(day: Day) -> tuple[date, date]:
    return tuple(day.today + timedelta(days=d) for d in BIRTHDAY_AHEAD)


@today_source(TodaySource.BIRTHDAY)
def birthday_items(day: Day):
    first, last = ahead(day)
    for customer in day.customers.values():
        if customer.birthday is None:
            continue
        coming = next_birthday(customer.birthday, first, lunar=customer.birthday_lunar)
        if coming is None or coming > last:
            continue
        days = (coming - day.today).days
        if customer.birthday_lunar:
            text = ngettext(
                "%(day)s 农历生日（%(days)s 天后）", "%(day)s 农历生日（%(days)s 天后）", days
            )
        else:
            text = ngettext("%(day)s 生日（%(days)s 天后）", "%(day)s 生日（%(days)s 天后）", days)
        reason = text % {"day": month_day(coming), "days": days}
        yield customer, f"birthday:{coming.isoformat()}", reason, coming


@today_source(TodaySource.HOLIDAY)
def holiday_items(day: Day):
    occasions = occasions_between(*ahead(day))
    if not occasions or not day.prefs.holiday_tiers:
        return
    for customer in day.customers.values():
        if customer.tier not in day.prefs.holiday_tiers:
            continue
        for occasion in occasions:
            reason = _("%(day)s %(occasion)s问候（%(tier)s 类顾客）") % {
                "day": month_day(occasion.day),
                "occasion": occasion.label,
                "tier": customer.tier,
            }
            yield customer, f"holiday:{occasion.day.isoformat()}", reason, occasion.day


@today_source(TodaySource.AT_RISK, urgency=OVERDUE)
def at_risk_items(day: Day):
    """The merchant's top at-risk customers, those in this staff member's care. Keyed by the
    last visit: a call closes it until the customer comes back and lapses again."""
    from .services.churn import churn_explanation

    for ranked in at_risk_ranked(day.merchant, limit=day.prefs.at_risk_daily_calls):
        customer = day.customers.get(ranked.pk)
        if customer is None or customer.last_visit_at is None:
            continue
        key = f"at_risk:{local_day(customer.last_visit_at).isoformat()}"
        yield customer, key, churn_explanation(customer.churn_figures), day.today


@today_source(TodaySource.SERVICE_LEVEL)
def service_level_items(day: Day):
    for customer, standard, due in standards_due(day.merchant, day.customers.values(), day.today):
        reason = _("%(tier)s 类服务标准：每 %(days)s 天%(channel)s一次") % {
            "tier": customer.tier,
            "days": standard.every_days,
            "channel": standard.get_channel_display(),
        }
        yield customer, f"standard:{standard.channel}:{due.isoformat()}", reason, due


CALLBACK_TITLE = "约定回电"  # crm.services.callback_book's title: "约定回电 <note>"


@today_source(TodaySource.CALLBACK)
def callback_items(day: Day):
    callbacks = Task.objects.filter(
        merchant=day.merchant,
        customer_id__in=day.customers,
        kind=TaskKind.CALLBACK,
        status=TaskStatus.OPEN,
        due__lte=day.today,
    )
    for task in callbacks.order_by("due", "pk"):
        note = task.title.removeprefix(CALLBACK_TITLE).strip()
        reason = _("约定回电：%(note)s") % {"note": note} if note else _("约定回电")
        yield day.customers[task.customer_id], f"callback:{task.pk}", reason, task.due


@today_source(TodaySource.LONG_NO_CONTACT)
def long_no_contact_items(day: Day):
    idle_days = day.prefs.long_no_contact_days
    for customer in day.customers.values():
        last_touch = customer.last_contact_at or customer.created_at
        if not customer.visits or last_touch >= day.now - timedelta(days=idle_days):
            continue
        days = (day.now - last_touch).days
        reason = ngettext("已 %(days)s 天未联系", "已 %(days)s 天未联系", days) % {"days": days}
        since = local_day(last_touch)
        yield customer, f"idle:{since.isoformat()}", reason, since + timedelta(days=idle_days)


@today_source(TodaySource.LOW_SATISFACTION)
def low_satisfaction_items(day: Day):
    low = [
        c
        for c in day.customers.values()
        if c.satisfaction and c.satisfaction <= day.prefs.low_satisfaction_max
    ]
    marks = last_satisfaction_marks([c.pk for c in low])
    for customer in low:
        mark = marks.get(customer.pk)
        reason = _("最近一次满意度 %(score)s 分") % {"score": customer.satisfaction}
        key = f"low_satisfaction:{mark.pk if mark else 0}"
        yield customer, key, reason, local_day(mark.at) if mark else day.today


@today_source(TodaySource.RANDOM_SAMPLE, last=True)
def random_sample_items(day: Day):
    rest = sorted(pk for pk in day.customers if pk not in day.listed)
    seed = f"{day.today.isoformat()}:{day.staff.pk}"
    size = min(day.prefs.random_sample_size, len(rest))
    for pk in random.Random(seed).sample(rest, size):  # noqa: S311  not crypto
        yield day.customers[pk], f"sample:{day.today.isoformat()}", _("随机抽查回访"), day.today


def last_satisfaction_marks(customer_ids: list[int]) -> dict[int, Interaction]:
    if not customer_ids:
        return {}
    rows = (
        Interaction.objects.filter(customer_id__in=customer_ids, satisfaction__isnull=False)
        .order_by("customer_id", "-at", "-pk")
        .distinct("customer_id")
    )
    return {row.customer_id: row for row in rows}
