"""Every review of the user's shops: verified marks, the public reply, an alert for 1-2 star
reviews not yet answered, and a report to the platform (which keeps the review shown while
platform staff look: consumers.services.review_report)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consumers import services
from consumers.selectors import reviews_of_merchant_user
from core.errors import DomainError, NotFound
from merchants.models import StaffPermission
from merchants.selectors import shops_of

from ..access import merchant_page, shops_in_view
from ..forms.inbox import ReplyForm, ReportForm

MANAGE = StaffPermission.MANAGE_CUSTOMERS
LOW = 2  # 1-2 stars: the alert


def review_of_user(user, review_id: int):
    review = reviews_of_merchant_user(user).filter(pk=review_id).first()
    if review is None:
        raise NotFound()
    return review


def back(request) -> str:
    """Where the form came from (the list with its filters), if it is this site's."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("dashboard:reviews")


@merchant_page(permission=MANAGE)
def review_list(request):
    shops, chosen = shops_in_view(request, shops_of(request.user))
    reviews = reviews_of_merchant_user(request.user).filter(shop__in=shops)
    low_unanswered = reviews.filter(rating__lte=LOW, reply_text="").count()
    if request.GET.get("unanswered"):
        reviews = reviews.filter(reply_text="")
    if request.GET.get("low"):
        reviews = reviews.filter(rating__lte=LOW)
    page = Paginator(reviews, 30).get_page(request.GET.get("page"))
    rows = [
        {
            "review": review,
            "reply": ReplyForm(initial={"text": review.reply_text}, prefix=f"r{review.pk}"),
            "report": ReportForm(prefix=f"p{review.pk}"),
        }
        for review in page
    ]
    context = {
        "rows": rows,
        "page": page,
        "low_unanswered": low_unanswered,
        "chosen": chosen,
        "all_shops": shops_of(request.user).order_by("pk"),
        "filters": {k: request.GET.get(k, "") for k in ("unanswered", "low")},
    }
    return render(request, "dashboard/reviews/list.html", context)


@require_POST
@merchant_page(permission=MANAGE)
def review_reply(request, review_id: int):
    review = review_of_user(request.user, review_id)
    form = ReplyForm(request.POST, prefix=f"r{review.pk}")
    if form.is_valid():
        services.review_reply(review=review, text=form.cleaned_data["text"])
        messages.success(request, _("回复已发布。"))
    else:
        messages.error(request, _("回复不能为空，且不超过 1000 字。"))
    return redirect(f"{back(request)}#review-{review.pk}")


@require_POST
@merchant_page(permission=MANAGE)
def review_report(request, review_id: int):
    review = review_of_user(request.user, review_id)
    form = ReportForm(request.POST, prefix=f"p{review.pk}")
    if form.is_valid():
        try:
            services.review_report(review=review, reporter=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("已举报，平台审核期间评价仍然展示。"))
    else:
        messages.error(request, _("请选择举报原因。"))
    return redirect(f"{back(request)}#review-{review.pk}")
