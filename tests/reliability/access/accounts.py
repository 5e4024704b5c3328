from django.conf import settings

from accounts.services import tokens_for
from notifications.marketing import unsubscribe_token
from tests.factories import PASSWORD
from tests.sms import code_stored
from verification.services import captcha_new

from . import Row, consumer_list, everyone, signed_in


def captcha_answered() -> dict:
    from captcha.models import CaptchaStore

    key = captcha_new()
    return {"captcha_key": key, "captcha_answer": CaptchaStore.objects.get(hashkey=key).response}


ROWS = [
    Row(
        "auth-register",
        "POST",
        everyone(201),
        body=lambda w: {
            "phone": "13911112222",
            "password": PASSWORD,
            "code": code_stored("13911112222", "register"),
        },
    ),
    Row("auth-captcha", "GET", everyone(200)),
    Row("captcha-image", "GET", everyone(200), kwargs=lambda w: {"key": captcha_new()}),
    Row(
        "auth-sms-code",
        "POST",
        everyone(202),
        body=lambda w: {"phone": "13911113333", **captcha_answered()},
    ),
    Row(
        "auth-sms-login",
        "POST",
        everyone(200),
        body=lambda w: {
            "phone": "13911114444",
            "code": code_stored("13911114444", "login"),
            "accepted": [{"kind": "privacy", "version": 1}, {"kind": "terms", "version": 1}],
        },
    ),
    # Marketing SMS: consents are the consumer's own; the unsubscribe link is anyone's who has it.
    Row("my-marketing-consents", "GET", consumer_list(200)),
    Row(
        "my-marketing-consent",
        "PUT",
        consumer_list(200),
        kwargs=lambda w: {"merchant_id": w.merchant_a.pk},
        body=lambda w: {"granted": True},
    ),
    Row(
        "sms-unsubscribe",
        "GET",
        everyone(200),
        kwargs=lambda w: {"token": unsubscribe_token("+8613911115555")},
    ),
    # The gateways' callbacks: the secret path token is the credential, not a session.
    Row(
        "sms-callback",
        "POST",
        everyone(200),
        kwargs=lambda w: {
            "gateway": "aliyun",
            "kind": "report",
            "token": settings.SMS_CALLBACK_TOKEN,
        },
        body=lambda w: [],
    ),
    Row(
        "auth-login",
        "POST",
        everyone(200),
        body=lambda w: {"phone": str(w.users["consumer_a"].phone), "password": PASSWORD},
    ),
    Row(
        "auth-refresh",
        "POST",
        everyone(200),
        body=lambda w: {"refresh": tokens_for(w.users["consumer_a"])["refresh"]},
    ),
    Row(
        "auth-logout",
        "POST",
        everyone(204),
        body=lambda w: {"refresh": tokens_for(w.users["consumer_a"])["refresh"]},
    ),
    Row("auth-me", "GET", signed_in(200)),
    Row("auth-me", "PATCH", signed_in(200), body=lambda w: {"name": "新名字"}),
]
