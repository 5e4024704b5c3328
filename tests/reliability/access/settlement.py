"""Settlement entries and payout batches are money: the owner's alone."""

from . import Row, everyone, owner_list, owner_object

ROWS = [
    # Gateways' notifications: anyone may POST; nothing unverified is believed (the sandbox
    # sends none, so everything is refused in the gateway's protocol).
    Row("payment-notify", "POST", everyone(400), kwargs=lambda w: {"backend": "sandbox"}),
    Row("settlement-entry-list", "GET", owner_list(200)),
    Row("payout-batch-list", "GET", owner_list(200)),
    Row(
        "payout-batch-detail",
        "GET",
        owner_object(200),
        kwargs=lambda w: {"pk": w.payout_batch_a.pk},
    ),
]
