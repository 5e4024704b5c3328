"""Reviews: verified (per consumed order) and general; replies, reports and moderation.

Every write that changes what the rating counts locks the shop row first, so concurrent
reviews of one shop recompute its rating one after the other and none is left out.
"""

from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from consumers.errors import (
    AlreadyReported,
    AlreadyReviewed,
    OrderNotConsumed,
    ReviewTooSoon,
    TooManyPhotos,
)
from consumers.locks import order_lock, review_lock
from consumers.models import (
    Order,
    OrderState,
    ReportStatus,
    Review,
    ReviewPhoto,
    ReviewReport,
    ReviewStatus,
)
from consumers.rating import shop_ratings_refresh
from core import events
from merchants.errors import NotAMerchant
from merchants.images import image_process
from merchants.locks import shop_lock
from merchants.models import Shop
from merchants.selectors import merchant_of
from moderation.services import screening_queue, text_screen

GENERAL_REVIEW_INTERVAL = timedelta(days=30)
MAX_PHOTOS = 9


@transaction.atomic
def review_create_verified(*, order: Order, rating: int, text: str = "") -> Review:
    """The consumer's review of an order they consumed; one per order."""
    shop_lock(order.shop_id)
    order = order_lock(order)  # its state as committed, not as the caller last saw it
    if order.state != OrderState.CONSUMED:
        raise OrderNotConsumed()
    screening = text_screen({"text": text})  # public text passes the word list first
    try:
        with transaction.atomic():
            review = Review.objects.create(
                shop_id=order.shop_id,
                consumer_id=order.consumer_id,
                order=order,
                is_verified=True,
                rating=rating,
                text=screening.public("text"),
            )
    except IntegrityError as error:  # the one-to-one on order
        raise AlreadyReviewed() from error
    screening_queue(screening, subject=REVIEW, object_id=review.pk, submitted_by=order.consumer)
    shop_ratings_refresh(shop_ids=[order.shop_id])
    review_to_crm(review, merchant_id=order.merchant_id)
    return review


@transaction.atomic
def review_create_general(*, consumer: User, shop: Shop, rating: int, text: str = "") -> Review:
    """A review without an order: shown as unverified, weighs less, one per shop per 30 days."""
    shop_lock(shop.pk)  # also serializes one consumer's double-tapped submissions
    since = timezone.now() - GENERAL_REVIEW_INTERVAL
    recent = Review.objects.filter(
        consumer=consumer, shop=shop, is_verified=False, created_at__gte=since
    )
    if recent.exists():
        raise ReviewTooSoon()
    screening = text_screen({"text": text})
    review = Review.objects.create(
        shop=shop,
        consumer=consumer,
        is_verified=False,
        rating=rating,
        text=screening.public("text"),
    )
    screening_queue(screening, subject=REVIEW, object_id=review.pk, submitted_by=consumer)
    shop_ratings_refresh(shop_ids=[shop.pk])
    review_to_crm(review, merchant_id=shop.merchant_id)
    return review


def review_to_crm(review: Review, *, merchant_id: int) -> None:
    events.publish(
        "customer_touched",
        merchant_id=merchant_id,
        consumer_id=review.consumer_id,
        kind="review",
        reference=f"review:{review.pk}",
        satisfaction=review.rating,
        summary=f"{review.rating} 星评价：{review.text[:60]}",
    )


@transaction.atomic
def review_photo_add(*, review: Review, upload: UploadedFile) -> ReviewPhoto:
    review = review_lock(review.pk)
    if review.photos.count() >= MAX_PHOTOS:
        raise TooManyPhotos()
    return ReviewPhoto.objects.create(review=review, **image_process(upload).model_fields())


@transaction.atomic
def review_reply(*, review: Review, text: str, reviewed: bool = False) -> Review:
    """The merchant's public reply; writing again replaces the merchant's own reply only. A
    reply that hits the word list waits for staff; the previous one stays meanwhile."""
    if not reviewed:
        screening = text_screen({"reply_text": text})
        screening_queue(screening, subject=REVIEW, object_id=review.pk)
        if screening.held:
            return review
    review.reply_text, review.replied_at = text, timezone.now()
    review.save(update_fields=["reply_text", "replied_at"])
    return review


REVIEW = "consumers.review"


def review_text_apply(*, object_id: int, field: str, text: str) -> None:
    """A text staff approved (moderation.registry): the review's, or the merchant's reply."""
    review = Review.objects.filter(pk=object_id).first()
    if review is None:
        return
    if field == "reply_text":
        review_reply(review=review, text=text, reviewed=True)
    else:
        Review.objects.filter(pk=object_id).update(text=text)


@transaction.atomic
@transaction.atomic
def review_report(*, review: Review, reporter: User, reason: str, text: str = "") -> ReviewReport:
    """Record one account's report (one per account per review); it goes to platform staff.

    A report never hides a review by itself. The automatic rule (README, "Reviews"): a review
    is hidden until staff decide once REVIEW_REPORTS_TO_HIDE (3) pending reports count, and a
    report counts only from an account at least REVIEW_REPORT_ACCOUNT_MIN_DAYS (7) old that
    does not speak for the shop's merchant, of a reason staff have not already kept the review
    against ("keep" stands against later reports of the same kind)."""
    review = review_lock(review.pk)  # reports counted one by one
    kept_against = review.reports.filter(status=ReportStatus.DISMISSED, reason=reason).exists()
    established = reporter.date_joined <= timezone.now() - timedelta(
        days=settings.REVIEW_REPORT_ACCOUNT_MIN_DAYS
    )
    counts = (
        established
        and not kept_against
        and not _speaks_for_merchant(reporter, review.shop.merchant_id)
    )
    try:
        with transaction.atomic():
            report = ReviewReport.objects.create(
                review=review,
                reporter=reporter,
                reason=reason,
                text=text,
                status=ReportStatus.DISMISSED if kept_against else ReportStatus.PENDING,
                counts=counts,
            )
    except IntegrityError as error:
        raise AlreadyReported() from error
    counting = review.reports.filter(status=ReportStatus.PENDING, counts=True).count()
    if review.status == ReviewStatus.VISIBLE and counting >= settings.REVIEW_REPORTS_TO_HIDE:
        review.status = ReviewStatus.HIDDEN
        review.save(update_fields=["status"])
    return report


def _speaks_for_merchant(user: User, merchant_id: int) -> bool:
    try:
        return merchant_of(user).pk == merchant_id
    except NotAMerchant:
        return False


@transaction.atomic
def review_moderate(*, review: Review, keep: bool) -> Review:
    """Platform staff decide: shown again (its pending reports dismissed, which also stands
    against later reports of the same reasons), or removed from the shop's page and rating."""
    shop_lock(review.shop_id)
    review = review_lock(review.pk)
    review.status = ReviewStatus.VISIBLE if keep else ReviewStatus.REMOVED
    review.save(update_fields=["status"])
    review.reports.filter(status=ReportStatus.PENDING).update(
        status=ReportStatus.DISMISSED if keep else ReportStatus.UPHELD
    )
    shop_ratings_refresh(shop_ids=[review.shop_id])
    return review
