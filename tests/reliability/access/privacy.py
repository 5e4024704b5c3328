from tests.factories import PASSWORD

from . import Row, consumer_list, consumer_object, everyone, signed_in


def consumers(a: int, b: int) -> dict[str, int]:
    return {**consumer_list(b), "consumer_a": a}


ROWS = [
    Row("policy-list", "GET", everyone(200)),
    Row("policy-detail", "GET", everyone(200), kwargs=lambda w: {"kind": "privacy"}),
    Row("my-consents", "GET", signed_in(200)),
    Row("my-consents", "POST", signed_in(200), body=lambda w: {"kind": "privacy", "version": 1}),
    Row("my-consent-withdraw", "DELETE", signed_in(200), kwargs=lambda w: {"kind": "terms"}),
    # A's export is ready; B asked for none.
    Row("my-export", "GET", consumer_object(200)),
    Row("my-export", "POST", consumer_list(202)),
    # The signed link is the credential, whoever follows it.
    Row(
        "my-export-download",
        "GET",
        everyone(200),
        query=lambda w: {"token": w.export_token_a},
    ),
    Row("my-deletion", "GET", consumer_list(200)),
    # A still has open orders and stored value; B's request is pending already.
    Row(
        "my-deletion",
        "POST",
        consumers(a=409, b=202),
        body=lambda w: {"password": PASSWORD},
    ),
    Row("my-deletion", "DELETE", consumers(a=404, b=200)),
]
