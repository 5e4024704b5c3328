"""A logging filter that keeps secrets out of logs: passwords (login and consumption passwords),
tokens (JWT, refresh, session, CSRF), `Authorization` and `Cookie` values, coupon codes and
signed QR payloads, push device tokens.

It rewrites each record's final text (message with its arguments, traceback, stack) before any
handler formats it, so it catches a secret in gunicorn's access line (`?code=...`), in a log
call's arguments, or in an exception message alike. Attached to every handler in LOGGING, in
gunicorn's logconfig_dict and to Celery's handlers. Standard library only: gunicorn's master
imports it before Django is set up. `Idempotency-Key` values are not secret and stay readable.

Where a secret must be named on purpose (a push backend's line per device), `mask` shows only
its tail.
"""

import logging
import re

REDACTED = "[redacted]"

# Keys whose values are secret, as query/form parameters, JSON or dict keys, or headers.
SECRET_KEYS = "|".join(  # names of secrets, not secrets
    [
        r"[\w-]*password[\w-]*",  # login, staff and consumption passwords
        r"[\w-]*token",  # token, device_token, push_token, csrftoken...
        *("passwd", "pin", "secret", "access", "refresh", "authorization", "cookie"),
        *("sessionid", "csrftoken", "csrfmiddlewaretoken"),
        *("code", "coupon_code", "short_code", "redeem_code", "qr", "qr_payload", "payload"),
    ]
)
PATTERNS = [
    # "password": "x"  'token': 'x'  (JSON, Python reprs)
    (
        re.compile(rf"""(["'](?:{SECRET_KEYS})["']\s*:\s*)(["'])(?:\\.|(?!\2).)*\2""", re.I),
        rf"\1\2{REDACTED}\2",
    ),
    # password=x in query strings, form bodies and key=value text
    (re.compile(rf"""(\b(?:{SECRET_KEYS})=)[^&\s"';,]+""", re.I), rf"\1{REDACTED}"),
    # Authorization: Bearer x   Cookie: a=b; c=d   (header dumps)
    (
        re.compile(r"\b(authorization|cookie|set-cookie)(\s*:\s*)[^\r\n'\"]+", re.I),
        rf"\1\2{REDACTED}",
    ),
    (re.compile(r"\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]+", re.I), rf"\1 {REDACTED}"),
    # A JWT anywhere (access and refresh tokens).
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),
    # PostgreSQL's detail of a unique violation: Key (platform, token)=(ios, 9f86d0...)
    (
        re.compile(rf"(\bKey \([^)]*\b(?:{SECRET_KEYS})\b[^)]*\)=\()[^)]*\)", re.I),
        rf"\1{REDACTED})",
    ),
    # Signed QR payloads (core.codes): O2O:<kind>:<value>:<signature>, raw or URL-encoded.
    (re.compile(r"O2O(?::|%3A)[A-Z](?::|%3A)[^\s&\"']+", re.I), f"O2O:{REDACTED}"),
]


def mask(secret: str, keep: int = 6) -> str:
    """Only the last `keep` characters, enough to tell one device's token from another's."""
    return "…" + secret[-keep:] if len(secret) > keep else "…"


def redact(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: leave it to the handler to report
            return True
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def phone_masked(phone) -> str:
    """The one masked form of a phone number, wherever the API shows one (`phone_masked`):
    the national number with its middle four digits hidden, `138****5678`; a number outside
    China keeps its country code, `+1 415****2671`. Empty for no phone."""
    import phonenumbers

    text = str(phone or "")
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return text[:-8] + "****" + text[-4:] if len(text) > 8 else "****"
    national = str(number.national_number)
    hidden = national[:3] + "****" + national[-4:] if len(national) >= 8 else "****"
    return hidden if number.country_code == 86 else f"+{number.country_code} {hidden}"
