"""Writing notifications: preferences, the inbox, push devices, and the bulk fan-out a campaign
uses.

`notifications_send_many` runs inside its caller's transaction: the inbox rows, the outbox
rows and the daily push counters commit (or vanish) with whatever decided to notify, and the
caller enqueues delivery of the returned outbox ids on commit. Delivery itself (claiming one
outbox row, calling its backend, recording the outcome and the next attempt) is `outbox_send`;
a push goes to the recipient's active devices as they are when it leaves.
"""

import json
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User

from .backends import (
    OutgoingMessage,
    PermanentFailure,
    PushToken,
    TemporaryFailure,
    backend_for,
    backend_named,
    push_backend_setting,
)
from .backends.webpush import web_push_available
from .errors import InvalidQuietHours, WebPushUnavailable
from .locks import preference_lock
from .marketing import (
    marketing_allowed_phones,
    marketing_text,
    merchant_may_text_strangers,
    phone_opted_out,
    unsubscribe_token,
)
from .models import (
    MARKETING_KINDS,
    Channel,
    Device,
    DevicePlatform,
    InboxMessage,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    Preference,
)

logger = logging.getLogger(__name__)
NO_DEVICE = "no_device"  # last_error of a push whose recipient has no active device
OPTED_OUT = "opted_out"  # last_error of a marketing SMS whose phone opted out before it left
DEFAULTS = Preference()  # the unsaved defaults stand for users without a row


# --- preferences ---------------------------------------------------------------------------


def preference_of(user: User) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


@transaction.atomic
def preference_update(*, user: User, **changes) -> Preference:
    preference = preference_lock(user)
    preference = preference or Preference(user=user)
    for name, value in changes.items():
        setattr(preference, name, value)
    start, end = preference.quiet_start, preference.quiet_end
    if (start is None) != (end is None) or (start is not None and start == end):
        raise InvalidQuietHours(fields={"quiet_end": [str(InvalidQuietHours.message)]})
    preference.save()
    return preference


def quiet_until(preference: Preference, moment: datetime) -> datetime | None:
    """When the user's quiet hours around `moment` end, or None when `moment` is not in them."""
    start, end = preference.quiet_start, preference.quiet_end
    if start is None or end is None:
        return None
    zone = ZoneInfo(settings.TIME_ZONE)
    local = moment.astimezone(zone)
    now = local.time()
    inside = start <= now < end if start < end else (now >= start or now < end)
    if not inside:
        return None
    ends = datetime.combine(local.date(), end, tzinfo=zone)
    return ends if ends > local else ends + timedelta(days=1)


# --- the inbox -------------------------------------------------------------------------------


def inbox_mark_read(*, user: User, message_id: int, now: datetime | None = None) -> InboxMessage:
    """Idempotent: marking a read message again keeps its first read time."""
    InboxMessage.objects.filter(recipient=user, pk=message_id, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
    return InboxMessage.objects.get(recipient=user, pk=message_id)


def inbox_mark_all_read(*, user: User, now: datetime | None = None) -> int:
    return InboxMessage.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


# --- push devices ----------------------------------------------------------------------------


@transaction.atomic
def device_register(
    *,
    consumer: User,
    platform: str,
    token: str,
    app_version: str | None = None,
    p256dh: str = "",
    auth: str = "",
) -> tuple[Device, bool]:
    """Register a phone for push, or refresh it; True when the token is new. A known token (an
    app reinstalled, a phone that changed hands) moves to `consumer` and is active again.
    update_or_create locks the row, and a concurrent first registration of the same token
    falls back to updating the row the other one inserted, so a token is never stored twice.
    A browser (platform web) registers its subscription: the endpoint as the token, its keys;
    a browser that subscribes again gets new keys for the same endpoint, so they are updated."""
    if platform == DevicePlatform.WEB and not web_push_available():
        raise WebPushUnavailable()
    fields = {"consumer": consumer, "active": True, "last_seen_at": timezone.now()}
    if app_version is not None:
        fields["app_version"] = app_version
    if platform == DevicePlatform.WEB:
        fields.update(p256dh=p256dh, auth=auth)
    return Device.objects.update_or_create(platform=platform, token=token, defaults=fields)


def device_unregister(*, device: Device) -> None:
    """The app signed out on that phone: forget its token (registering again brings it back)."""
    device.delete()


# --- bulk fan-out ----------------------------------------------------------------------------


@dataclass
class Notification:
    kind: str
    title: str
    body: str
    data: dict
    dedupe_key: str
    expires_at: datetime | None = None  # external messages not sent by then are dropped


@dataclass
class SendResult:
    inbox: int = 0
    outbox_due_ids: list[int] = field(default_factory=list)  # deliver now (after commit)
    outbox_later: int = 0  # deferred past quiet hours: the dispatcher sends them
    capped: int = 0
    skipped_unsubscribed: int = 0
    skipped_no_consent: int = 0  # marketing SMS not sent: no consent, or an unverified sender


PREFERENCE_COLUMNS = (
    "in_app",
    "sms",
    "push",
    "quiet_start",
    "quiet_end",
    "max_pushes_per_day",
    "unsubscribed_all",
)


def _preferences(user_ids: list[int]) -> dict[int, Preference]:
    rows = Preference.objects.filter(user_id__in=user_ids).only("user_id", *PREFERENCE_COLUMNS)
    found = {p.user_id: p for p in rows}
    return {uid: found.get(uid, DEFAULTS) for uid in user_ids}


def _insert_returning(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _inbox_insert(n: Notification, user_ids: list[int], now: datetime) -> list[int]:
    if not user_ids:
        return []
    return _insert_returning(
        """INSERT INTO notifications_inboxmessage
              (recipient_id, kind, title, body, data, dedupe_key, created_at)
            SELECT uid, %s, %s, %s, %s::jsonb, %s, %s FROM unnest(%s::bigint[]) AS t(uid)
            ON CONFLICT (recipient_id, dedupe_key) DO NOTHING RETURNING recipient_id""",
        [n.kind, n.title, n.body, _json(n.data), n.dedupe_key, now, user_ids],
    )


def _pushes_within_cap(entries: list[tuple[int, datetime, int]]) -> set[int]:
    """Raise each user's counter for the local day of their push unless it is at their cap;
    the users whose counter rose. Sorted by user, so concurrent fan-outs lock in one order."""
    if not entries:
        return set()
    zone = ZoneInfo(settings.TIME_ZONE)
    entries = sorted(entries)
    return set(
        _insert_returning(
            """INSERT INTO notifications_pushcounter AS c (user_id, day, count, cap)
                SELECT uid, day, 1, cap FROM unnest(%s::bigint[], %s::date[], %s::int[])
                  AS t(uid, day, cap) WHERE cap > 0
                ON CONFLICT (user_id, day) DO UPDATE
                  SET count = c.count + 1, cap = EXCLUDED.cap WHERE c.count < EXCLUDED.cap
                RETURNING user_id""",
            [
                [uid for uid, _, _ in entries],
                [when.astimezone(zone).date() for _, when, _ in entries],
                [cap for _, _, cap in entries],
            ],
        )
    )


def _outbox_insert(n: Notification, channel: str, rows: list[tuple], now: datetime) -> list:
    """rows: (user id or None, address, not before). Returns (id, not before) of new rows."""
    if not rows:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO notifications_outboxmessage
                  (recipient_id, channel, address, kind, title, body, data, dedupe_key, status,
                   attempts, next_attempt_at, expires_at, last_error, provider_message_id,
                   created_at, delivery_status, delivery_error)
                SELECT uid, %s, address, %s, %s, %s, %s::jsonb, %s, 'pending', 0, due, %s, '',
                       '', %s, '', ''
                FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[]) AS t(uid, address, due)
                ON CONFLICT (channel, address, dedupe_key) DO NOTHING
                RETURNING id, next_attempt_at""",
            [
                channel,
                n.kind,
                n.title,
                n.body,
                _json(n.data),
                n.dedupe_key,
                n.expires_at,
                now,
                [r[0] for r in rows],
                [r[1] for r in rows],
                [r[2] for r in rows],
            ],
        )
        return cursor.fetchall()


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


def notifications_send_many(
    *,
    notification: Notification,
    user_ids: list[int],
    sms_user_phones: dict[int, str] | None = None,
    sms_phones_without_account: list[str] = (),
    merchant_id: int | None = None,
    now: datetime | None = None,
) -> SendResult:
    """Notify many users at once, in the caller's transaction, each as their preferences say:
    an inbox row (in-app on), a push (push on, within the daily cap, after quiet hours unless
    that is past `expires_at`), an SMS to the given phones (SMS on, after quiet hours). Users
    who unsubscribed from everything get nothing. Re-running with the same dedupe key writes
    nothing twice.

    Marketing (MARKETING_KINDS) from `merchant_id` goes by SMS only to phones that consented to
    that merchant and did not opt out, to phones without an account only when the merchant is
    verified, and carries the opt-out words (notifications.marketing)."""
    now = now or timezone.now()
    result = SendResult()
    sms_user_phones = sms_user_phones or {}
    user_ids = sorted(set(user_ids) | set(sms_user_phones))
    preferences = _preferences(user_ids)
    reachable = [uid for uid in user_ids if not preferences[uid].unsubscribed_all]
    result.skipped_unsubscribed = len(user_ids) - len(reachable)

    result.inbox = len(
        _inbox_insert(notification, [u for u in reachable if preferences[u].in_app], now)
    )
    push_rows, result.capped = _push_rows(notification, reachable, preferences, now)
    sms_rows = _sms_rows(notification, sms_user_phones, preferences, now)
    strangers = sorted(set(sms_phones_without_account))
    sms_notification = notification
    if notification.kind in MARKETING_KINDS:
        sms_rows, strangers, result.skipped_no_consent = _marketing_only(
            merchant_id, sms_rows, strangers
        )
        sms_notification = replace(notification, body=marketing_text(notification.body))
    sms_rows += [(None, phone, now) for phone in strangers]

    for channel, rows, sent in (
        (Channel.PUSH, push_rows, notification),
        (Channel.SMS, sms_rows, sms_notification),
    ):
        for message_id, due in _outbox_insert(sent, channel, rows, now):
            if due <= now:
                result.outbox_due_ids.append(message_id)
            else:
                result.outbox_later += 1
    return result


def _not_before(n: Notification, preference: Preference, now: datetime) -> datetime | None:
    """When an external message may go, or None when that would be too late."""
    when = quiet_until(preference, now) or now
    if n.expires_at is not None and when >= n.expires_at:
        return None
    return when


def _push_rows(
    n: Notification, user_ids: list[int], preferences: dict[int, Preference], now: datetime
) -> tuple[list[tuple], int]:
    """The push outbox rows (user, address, not before) of users with push on and under their
    daily cap, and how many the cap held back."""
    pushes = []
    for uid in user_ids:
        preference = preferences[uid]
        if preference.push and (when := _not_before(n, preference, now)) is not None:
            pushes.append((uid, when, preference.max_pushes_per_day))
    allowed = _pushes_within_cap(pushes)
    rows = [(uid, str(uid), when) for uid, when, _ in pushes if uid in allowed]
    return rows, len(pushes) - len(allowed)


def _sms_rows(
    n: Notification, phones: dict[int, str], preferences: dict[int, Preference], now: datetime
) -> list[tuple]:
    """The SMS outbox rows (user, phone, not before) of users who take SMS."""
    rows = []
    for uid, phone in sorted(phones.items()):
        preference = preferences[uid]
        if preference.unsubscribed_all or not preference.sms:
            continue
        if (when := _not_before(n, preference, now)) is not None:
            rows.append((uid, phone, when))
    return rows


def _marketing_only(
    merchant_id: int | None, rows: list[tuple], strangers: list[str]
) -> tuple[list[tuple], list[str], int]:
    """The SMS rows and account-less phones a marketing message may go to."""
    if merchant_id is None:  # marketing without a sender who answers for it goes nowhere
        return [], [], len(rows) + len(strangers)
    strangers_allowed = strangers if merchant_may_text_strangers(merchant_id) else []
    allowed = marketing_allowed_phones(
        merchant_id=merchant_id, phones=[r[1] for r in rows] + strangers_allowed
    )
    kept_rows = [row for row in rows if row[1] in allowed]
    kept_strangers = [phone for phone in strangers_allowed if phone in allowed]
    skipped = len(rows) + len(strangers) - len(kept_rows) - len(kept_strangers)
    return kept_rows, kept_strangers, skipped


def sms_transactional(
    *,
    notification: Notification,
    phone: str,
    recipient_id: int | None = None,
    now: datetime | None = None,
) -> list[int]:
    """An SMS the person asked for (a sign-in code): no preferences, quiet hours or marketing
    consent apply. In the caller's transaction; the new outbox ids, to deliver on commit."""
    if notification.kind in MARKETING_KINDS:
        raise ValueError("marketing goes through notifications_send_many")
    now = now or timezone.now()
    rows = _outbox_insert(notification, Channel.SMS, [(recipient_id, phone, now)], now)
    return [message_id for message_id, _ in rows]


# --- delivery ----------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """After the n-th failed attempt: base × 2^(n-1), at most the cap (30 s, 60 s, 120 s...)."""
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS
    return timedelta(
        seconds=min(base * 2 ** (attempts - 1), settings.NOTIFICATION_RETRY_MAX_SECONDS)
    )


def _claim(message_id: int, now: datetime) -> OutboxMessage | None:
    """Take a due pending message for one attempt: a conditional UPDATE, so two workers
    handed the same id cannot both send it. The lease lets the dispatcher retry a message
    whose worker died mid-send."""
    lease = now + timedelta(seconds=settings.NOTIFICATION_SEND_LEASE_SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE notifications_outboxmessage
                SET status = 'sending', attempts = attempts + 1, next_attempt_at = %s
                WHERE id = %s AND status = 'pending' AND next_attempt_at <= %s RETURNING id""",
            [lease, message_id, now],
        )
        if cursor.fetchone() is None:
            return None
    return OutboxMessage.objects.get(pk=message_id)


def outbox_send(*, message_id: int, now: datetime | None = None) -> timedelta | None:
    """One attempt at one message. Returns the delay before a retry, or None when done (sent,
    failed for good, expired, or not ours to send)."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return None
    done = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING)
    if message.expires_at is not None and message.expires_at <= now:
        done.update(status=OutboxStatus.FAILED, last_error="expired")
        return None
    body, data = message.body, message.data
    if message.channel == Channel.SMS and message.kind in MARKETING_KINDS:
        if phone_opted_out(message.address):  # since it was written (quiet hours, a retry)
            done.update(status=OutboxStatus.FAILED, last_error=OPTED_OUT)
            return None
        body, data = _with_unsubscribe_link(message)
    outgoing = OutgoingMessage(
        channel=message.channel,
        address=message.address,
        title=message.title,
        body=body,
        data=data,
        idempotency_key=f"outbox-{message.pk}",
        kind=message.kind,
    )
    try:
        if message.channel == Channel.PUSH:
            provider_id = _push_to_devices(outgoing, recipient_id=message.recipient_id)
        else:
            provider_id = backend_for(message.channel).send(outgoing)
    except PermanentFailure as error:
        done.update(status=OutboxStatus.FAILED, last_error=str(error)[:300])
        return None
    except TemporaryFailure as error:
        if message.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            done.update(status=OutboxStatus.FAILED, last_error=str(error)[:300])
            return None
        delay = backoff(message.attempts)
        done.update(
            status=OutboxStatus.PENDING,
            next_attempt_at=timezone.now() + delay,
            last_error=str(error)[:300],
        )
        return delay
    if provider_id is None:  # no device to receive it: a retry would find none either
        done.update(status=OutboxStatus.FAILED, last_error=NO_DEVICE)
        return None
    sent = {"status": OutboxStatus.SENT, "sent_at": timezone.now()}
    if message.kind == MessageKind.VERIFICATION:  # the code stays in the outbox only until sent
        sent.update(body="", data={})
    done.update(**sent, provider_message_id=provider_id[:100])
    return None


def _with_unsubscribe_link(message: OutboxMessage) -> tuple[str, dict]:
    """A marketing SMS names a link that unsubscribes its phone (when SMS_UNSUBSCRIBE_URL is
    set): signed for that phone, so a link cannot unsubscribe anyone else."""
    base = settings.SMS_UNSUBSCRIBE_URL
    if not base:
        return message.body, message.data
    link = f"{base.rstrip('/')}/{unsubscribe_token(message.address)}/"
    return f"{message.body} 退订：{link}", {**message.data, "unsubscribe_url": link}


def _push_to_devices(outgoing: OutgoingMessage, *, recipient_id: int | None) -> str | None:
    """Push to the recipient's active devices, each through its platform's channel (browsers by
    Web Push, apps by the native push backend: backends.PUSH_SETTINGS), and deactivate those the
    push service reported invalid. The providers' message ids, or None when no valid device
    received it. A failure of one channel fails the message as a whole, and its retry pushes
    to every device again under the same idempotency key. A device registered again while this
    push was under way stays active: its token is fresh."""
    started = timezone.now()
    devices = list(Device.objects.filter(consumer_id=recipient_id, active=True).order_by("pk"))
    if not devices:
        return None
    channels: dict[str, list[Device]] = {}
    for device in devices:
        channels.setdefault(push_backend_setting(device.platform), []).append(device)
    ids, invalid = [], []
    for setting, group in sorted(channels.items()):
        tokens = [PushToken(d.platform, d.token, d.p256dh, d.auth) for d in group]
        receipt = backend_named(setting).send_push(outgoing, tokens)
        ids.append(receipt.provider_message_id)
        invalid += [d.pk for d in group if d.token in receipt.invalid_tokens]
    stale = Device.objects.filter(pk__in=invalid, consumer_id=recipient_id)
    stale.filter(last_seen_at__lt=started).update(active=False)
    return None if len(invalid) == len(devices) else ",".join(filter(None, ids))


def outbox_due(*, now: datetime | None = None, limit: int = 5000) -> list[int]:
    """Pending messages whose time came, after putting back those whose sender died (lease
    over): the dispatcher's list, so a lost enqueue or a killed worker delays, never loses."""
    now = now or timezone.now()
    OutboxMessage.objects.filter(status=OutboxStatus.SENDING, next_attempt_at__lte=now).update(
        status=OutboxStatus.PENDING
    )
    return list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def moderation_decision_notify(*, item, writer_id: int, **_) -> None:
    """Platform staff decided on a text that waited for review (moderation.ModerationItem):
    its writer gets an inbox message (and a push, as their preferences say)."""
    from .tasks import outbox_deliver_on_commit

    excerpt = item.text if len(item.text) <= 20 else f"{item.text[:20]}…"
    if item.status == "approved":
        title, body = "内容已通过审核", f"您提交的「{excerpt}」已通过审核，现已公开。"
    else:
        title = "内容未通过审核"
        body = f"您提交的「{excerpt}」未通过审核，不会公开。请修改后重新提交。"
        if item.decision_note:
            body += f"说明：{item.decision_note}"
    notification = Notification(
        kind=MessageKind.SYSTEM,
        title=title,
        body=body,
        data={},
        dedupe_key=f"moderation:{item.pk}",
    )
    result = notifications_send_many(notification=notification, user_ids=[writer_id])
    outbox_deliver_on_commit(result.outbox_due_ids)
