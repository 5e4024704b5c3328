"""Proving a phone with an SMS code: send one (after a captcha, within the per-phone limits),
then spend it to sign in, to register or to verify the account's phone.

A code is stored as an HMAC keyed with the secret key; it is valid SMS_CODE_TTL_SECONDS and
dies after SMS_CODE_MAX_ATTEMPTS wrong tries. Only the newest unused code of a phone and purpose
counts. Wrong tries are committed before the refusal is raised, so call `sms_code_consume`
outside any transaction of your own (a rollback would forget the try).
"""

import secrets
from datetime import datetime, timedelta

from captcha.models import CaptchaStore
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from accounts.models import Role, User
from accounts.services import user_register, user_registration_check, user_sign_in_with_proven_phone
from merchants.services import merchant_register
from notifications.models import MessageKind
from notifications.services import Notification, sms_transactional
from notifications.tasks import outbox_deliver_on_commit

from .errors import CaptchaInvalid, SmsCodeExhausted, SmsCodeInvalid, SmsCodeTooSoon
from .locks import sms_code_live_lock
from .models import CodePurpose, SmsCode

CODE_DIGITS = 6


def _digest(phone: str, purpose: str, code: str) -> str:
    return salted_hmac(
        "verification.sms_code", f"{phone}:{purpose}:{code}", algorithm="sha256"
    ).hexdigest()


def captcha_new() -> str:
    """A new image challenge (django-simple-captcha); its key names the image to show."""
    return CaptchaStore.generate_key()


def captcha_check(*, key: str, answer: str) -> None:
    """One try per challenge: it is deleted whether the answer is right or not."""
    live = CaptchaStore.objects.filter(hashkey=key.lower(), expiration__gt=timezone.now())
    store = live.first()
    CaptchaStore.objects.filter(hashkey=key.lower()).delete()
    if store is None or not constant_time_compare(store.response, answer.strip().lower()):
        raise CaptchaInvalid(fields={"captcha_answer": [str(CaptchaInvalid.message)]})


def _limit_check(phone: str, now: datetime) -> None:
    """Per phone: at most `count` codes in each window of SMS_CODE_LIMITS (seconds, count)."""
    for seconds, count in settings.SMS_CODE_LIMITS:
        since = now - timedelta(seconds=seconds)
        recent = SmsCode.objects.filter(phone=phone, created_at__gt=since)
        times = list(recent.order_by("-created_at").values_list("created_at", flat=True)[:count])
        if len(times) >= count:
            wait = int((times[-1] + timedelta(seconds=seconds) - now).total_seconds()) + 1
            raise SmsCodeTooSoon(
                _("验证码发送过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": wait}
            )


def sms_code_send(
    *,
    phone: PhoneNumber,
    purpose: str,
    captcha_key: str,
    captcha_answer: str,
    client_address: str | None = None,
    now: datetime | None = None,
) -> SmsCode:
    """Check the captcha (spent even when a limit then refuses), then write the code and its
    SMS to the outbox in one transaction; the SMS leaves after commit."""
    now = now or timezone.now()
    captcha_check(key=captcha_key, answer=captcha_answer)
    number = str(phone)
    with transaction.atomic():
        with connection.cursor() as cursor:  # one sender per phone at a time: limits hold
            cursor.execute("SELECT pg_advisory_xact_lock(7302, hashtext(%s))", [number])
        _limit_check(number, now)
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        ttl = settings.SMS_CODE_TTL_SECONDS
        row = SmsCode.objects.create(
            phone=number,
            purpose=purpose,
            code_hash=_digest(number, purpose, code),
            client_address=client_address,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
        minutes = ttl // 60
        notification = Notification(
            kind=MessageKind.VERIFICATION,
            title="验证码",
            body=f"您的验证码是{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。",
            data={"code": code, "minutes": minutes},
            dedupe_key=f"sms-code:{row.pk}",
            expires_at=row.expires_at,
        )
        recipient = User.objects.filter(phone=number).values_list("pk", flat=True).first()
        ids = sms_transactional(
            notification=notification, phone=number, recipient_id=recipient, now=now
        )
        outbox_deliver_on_commit(ids)
    return row


def sms_code_consume(
    *, phone: PhoneNumber, purpose: str, code: str, now: datetime | None = None
) -> SmsCode:
    """Spend the phone's newest live code for `purpose`, or count a wrong try and refuse."""
    now = now or timezone.now()
    number = str(phone)
    with transaction.atomic():
        row = sms_code_live_lock(phone=number, purpose=purpose, now=now)
        if row is None:
            raise SmsCodeInvalid(fields={"code": [str(SmsCodeInvalid.message)]})
        if row.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
            raise SmsCodeExhausted(fields={"code": [str(SmsCodeExhausted.message)]})
        right = constant_time_compare(row.code_hash, _digest(number, purpose, code.strip()))
        if right:
            row.used_at = now
            row.save(update_fields=["used_at"])
            return row
        row.attempts += 1
        row.save(update_fields=["attempts"])
    if row.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
        raise SmsCodeExhausted(fields={"code": [str(SmsCodeExhausted.message)]})
    raise SmsCodeInvalid(fields={"code": [str(SmsCodeInvalid.message)]})


def sms_code_reauthenticate(
    *,
    user: User,
    code: str,
    purposes: tuple[str, ...] = (CodePurpose.DELETION, CodePurpose.LOGIN),
    now: datetime | None = None,
) -> SmsCode:
    """Re-authentication of a signed-in user by a code sent to the account's own phone: the
    newest live code of any of `purposes` is the one checked (a wrong try counts on it)."""
    now = now or timezone.now()
    newest = (
        SmsCode.objects.filter(
            phone=str(user.phone), purpose__in=purposes, used_at__isnull=True, expires_at__gt=now
        )
        .order_by("-created_at", "-pk")
        .values_list("purpose", flat=True)
        .first()
    )
    return sms_code_consume(phone=user.phone, purpose=newest or purposes[0], code=code, now=now)


def sms_login(*, phone: PhoneNumber, code: str, now: datetime | None = None) -> User:
    """Sign in with a code; the phone's account, or a new consumer. Either way it is verified."""
    now = now or timezone.now()
    sms_code_consume(phone=phone, purpose=CodePurpose.LOGIN, code=code, now=now)
    return user_sign_in_with_proven_phone(phone=phone, now=now)


def register_with_code(
    *,
    phone: PhoneNumber,
    password: str,
    code: str,
    name: str = "",
    role: str = Role.CONSUMER,
    merchant_name: str = "",
    now: datetime | None = None,
) -> User:
    """Password registration, proving the phone: what registration would refuse is checked
    first, so a weak password or a taken phone does not spend the code."""
    now = now or timezone.now()
    user_registration_check(phone=phone, password=password, role=role, name=name)
    sms_code_consume(phone=phone, purpose=CodePurpose.REGISTER, code=code, now=now)
    credentials = {"phone": phone, "password": password, "name": name, "phone_verified_at": now}
    if role == Role.MERCHANT_OWNER:
        return merchant_register(**credentials, merchant_name=merchant_name).owner
    return user_register(**credentials)
