from accounts.services import tokens_for
from tests.factories import PASSWORD

from . import Row, everyone, signed_in

ROWS = [
    Row(
        "auth-register",
        "POST",
        everyone(201),
        body=lambda w: {"phone": "13911112222", "password": PASSWORD},
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
