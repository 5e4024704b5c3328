"""Moving an order through its state machine: under a row lock, recorded, or refused."""

from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed, can_proceed

from accounts.models import User
from consumers.errors import IllegalTransition
from consumers.models import Order, OrderEvent, OrderState

ACTIONS = {
    "pay": _("确认支付"),
    "expire_unpaid": _("因超时未支付而关闭"),
    "accept": _("接单"),
    "consume": _("确认消费"),
    "cancel_by_consumer": _("由用户取消"),
    "cancel_by_merchant": _("由商家取消"),
    "mark_no_show": _("标记爽约"),
    "expire_unaccepted": _("因超时未接单而过期"),
    "expire_voucher": _("因过期而关闭"),
    "refund": _("退款"),
}


def illegal(order: Order, event: str) -> IllegalTransition:
    state = OrderState(order.state).label
    detail = _("订单状态为“%(state)s”，不能%(action)s。") % {
        "state": state,
        "action": ACTIONS[event],
    }
    return IllegalTransition(detail, fields={"state": [order.state]})


def transit(
    order: Order, event: str, *, actor: User | None, role: str, note: str = "", **arguments
) -> Order:
    """Apply transition `event` to a locked order, save it and record who did it.

    Raises IllegalTransition (409 `illegal_transition`) when the state machine has no such
    transition from the order's state.
    """
    from_state = order.state
    try:
        getattr(order, event)(**arguments)
    except TransitionNotAllowed as error:
        raise illegal(order, event) from error
    order.save()
    OrderEvent.objects.create(
        order=order,
        event=event,
        from_state=from_state,
        to_state=order.state,
        actor=actor,
        actor_role=role,
        note=note[:200],
    )
    return order


def transition_check(order: Order, event: str) -> None:
    """Refuse early, before any side effect, if `event` is not legal from the order's state."""
    if not can_proceed(getattr(order, event)):
        raise illegal(order, event)
