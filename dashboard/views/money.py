"""Money, for the owner (as the settlement API: owners only): what the platform owes and has
paid out, the counter's history with filters and a CSV, and a day's reconciliation."""

import csv
import re
from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from merchants.selectors import shops_of

from .. import money
from ..access import merchant_page, shops_in_view
from ..forms.inbox import HistoryFilterForm
from ..templatetags.dashboard import yuan

NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading quote
    (OWASP's CSV injection advice); plain numbers such as -12.00 stay numbers."""
    text = str(value)
    if text.startswith(FORMULA_START) and not NUMBER.match(text):
        return "'" + text
    return text


def shop_context(request) -> tuple:
    shops, chosen = shops_in_view(request, shops_of(request.user))
    return shops, {"chosen": chosen, "all_shops": shops_of(request.user).order_by("pk")}


@merchant_page(owner_only=True)
def overview(request):
    shops, context = shop_context(request)
    context.update(
        owed=money.owed(request.merchant, shops),
        entries=money.entries(request.merchant, shops)[:50],
        payouts=money.payouts(request.merchant)[:24],
    )
    return render(request, "dashboard/money/overview.html", context)


KIND_LABELS = {"coupon": _lazy("优惠券"), "card": _lazy("会员卡"), "order": _lazy("订单")}


@merchant_page(owner_only=True)
def history(request):
    shops, context = shop_context(request)
    form = HistoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    records = money.counter_history(
        shops,
        kind=filters.get("kind") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    if request.GET.get("format") == "csv":
        return history_csv(records)
    context.update(form=form, records=records[:300], total=len(records), kind_labels=KIND_LABELS)
    return render(
        request, "dashboard/money/history.html", context, status=422 if form.errors else 200
    )


def history_csv(records) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="counter-history.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("时间"),
            _("类型"),
            _("项目"),
            _("门店"),
            _("经办人"),
            _("单号"),
            _("金额（元）"),
            _("优惠（元）"),
            _("备注"),
        ]
    )
    for record in records:
        writer.writerow(
            [
                csv_cell(cell)
                for cell in (
                    timezone.localtime(record.at).strftime("%Y-%m-%d %H:%M:%S"),
                    str(KIND_LABELS[record.kind]),
                    record.label,
                    record.shop,
                    record.staff,
                    record.reference,
                    yuan(record.amount_fen).replace(",", ""),
                    yuan(record.discount_fen).replace(",", ""),
                    record.note,
                )
            ]
        )
    return response


@merchant_page(owner_only=True)
def reconciliation(request):
    shops, context = shop_context(request)
    try:
        day = date.fromisoformat(request.GET["day"])
    except (KeyError, ValueError):
        day = timezone.localdate()
    context.update(day=day, rows=money.reconciliation(shops, day))
    return render(request, "dashboard/money/reconciliation.html", context)
