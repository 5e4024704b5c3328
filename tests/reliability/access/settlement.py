"""Settlement entries and payout batches are money: the owner's alone."""

from . import Row, owner_list, owner_object

ROWS = [
    Row("settlement-entry-list", "GET", owner_list(200)),
    Row("payout-batch-list", "GET", owner_list(200)),
    Row(
        "payout-batch-detail",
        "GET",
        owner_object(200),
        kwargs=lambda w: {"pk": w.payout_batch_a.pk},
    ),
]
