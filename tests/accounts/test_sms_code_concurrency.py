"""The per-phone limits and the five tries hold when requests arrive at once."""

import pytest
from captcha.models import CaptchaStore

from notifications.models import OutboxMessage
from tests.concurrency import run_concurrently
from verification.errors import SmsCodeExhausted, SmsCodeTooSoon
from verification.models import SmsCode
from verification.services import captcha_new, sms_code_consume, sms_code_send

PHONE = "+8613812340000"
THREADS = 8


def answered() -> dict:
    key = captcha_new()
    return {"captcha_key": key, "captcha_answer": CaptchaStore.objects.get(hashkey=key).response}


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_one_phone_send_one_code():
    challenges = [answered() for _ in range(THREADS)]
    outcomes = run_concurrently(
        lambda i: sms_code_send(phone=PHONE, purpose="login", **challenges[i]), n=THREADS
    )
    refused = [o for o in outcomes if isinstance(o, SmsCodeTooSoon)]
    assert len(refused) == THREADS - 1, outcomes
    assert SmsCode.objects.filter(phone=PHONE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_guesses_never_get_more_than_five_tries():
    sms_code_send(phone=PHONE, purpose="login", **answered())
    code = OutboxMessage.objects.get(address=PHONE).data["code"]  # what the phone got
    guesses = [g for g in (f"{n:06d}" for n in range(THREADS * 2 + 1)) if g != code]
    guesses = guesses[: THREADS * 2]
    outcomes = run_concurrently(
        lambda i: sms_code_consume(phone=PHONE, purpose="login", code=guesses[i]), n=len(guesses)
    )
    codes = sorted(type(o).__name__ for o in outcomes)
    assert codes == ["SmsCodeExhausted"] * (len(guesses) - 4) + ["SmsCodeInvalid"] * 4
    assert SmsCode.objects.get(phone=PHONE).attempts == 5
    with pytest.raises(SmsCodeExhausted):  # even the right code, now
        sms_code_consume(phone=PHONE, purpose="login", code=code)
