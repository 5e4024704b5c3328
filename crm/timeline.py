"""A customer's timeline in the reader's language.

Timeline rows are stored in Chinese by whichever app recorded the fact (an order consumed, a
card opened, a coupon redeemed, a review, a resolved complaint, a finished task). Their shapes
are listed here once, as the Chinese catalogue message each was written from; a stored summary
that matches a shape is rendered again through the catalogue with the values it carried (the
shop's and customer's own words stay as written). A new shape is one line below.
"""

from django.utils.translation import gettext_noop

from .models import Interaction, InteractionKind
from .wording import in_language

SHAPES = {
    InteractionKind.PURCHASE: [
        gettext_noop("订单 %(code)s 已消费"),
        gettext_noop("会员卡消费 ¥%(amount)s"),
    ],
    InteractionKind.CARD: [gettext_noop("办理会员卡 %(number)s")],
    InteractionKind.COUPON: [gettext_noop("核销优惠券「%(title)s」")],
    InteractionKind.REVIEW: [gettext_noop("%(rating)s 星评价：%(text)s")],
    InteractionKind.COMPLAINT: [gettext_noop("平台争议")],
    InteractionKind.NOTE: [gettext_noop("投诉已解决：%(resolution)s")],
    InteractionKind.TASK: [gettext_noop("%(kind)s任务完成：%(outcome)s")],
}
# Values that are themselves catalogue labels (a task kind's name), translated too.
LABELS = frozenset({"kind"})


def timeline_text(event: Interaction) -> str:
    """The row's summary in the active language."""
    if event.kind == InteractionKind.CONTACT and event.purpose:
        return event.get_purpose_display()
    return in_language(event.summary, SHAPES.get(event.kind, []), LABELS)
