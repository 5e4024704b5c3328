"""Dashboard pages of flash deals and customers (HTML, by session): anonymous visitors are sent
to sign in (302), accounts of no merchant are refused (403), A's staff without the permission
get 403, B is told A's objects do not exist (404). A POST without a valid form is 422."""

from . import Row


def page(ok: int, *, owner_b: int = 200, staff: int = 403) -> dict[str, int]:
    return {
        "anonymous": 302,
        "consumer_a": 403,
        "consumer_b": 403,
        "owner_a": ok,
        "staff_a": staff,
        "owner_b": owner_b,
        "admin": 403,
    }


def of_a(ok: int) -> dict[str, int]:
    return page(ok, owner_b=404)


def deal_pause(world) -> dict:
    return {**deal(world), "action": "pause"}


def deal(world) -> dict:
    return {"deal_id": world.deal_a.pk}


def customer(world) -> dict:
    return {"customer_id": world.customer_a.pk}


def plan(world) -> dict:
    return {"plan_id": world.plan_submitted_a.pk}


ROWS = [
    Row("dashboard:deals", "GET", page(200)),
    Row("dashboard:deal-new", "GET", page(200)),
    Row("dashboard:deal-audience", "POST", page(200)),
    Row("dashboard:deal", "GET", of_a(200), kwargs=deal),
    Row("dashboard:deal-publish", "POST", of_a(302), kwargs=deal),
    Row("dashboard:deal-transition", "POST", of_a(302), kwargs=deal_pause),
    Row("dashboard:deal-edit", "GET", of_a(200), kwargs=deal),
    Row("dashboard:deal-edit", "POST", of_a(422), kwargs=deal),  # posted empty: the errors
    Row("dashboard:customers", "GET", page(200)),
    Row("dashboard:customer", "GET", of_a(200), kwargs=customer),
    Row("dashboard:customer-contact", "POST", of_a(422), kwargs=customer),
    Row("dashboard:customer-callback", "POST", of_a(422), kwargs=customer),
    Row("dashboard:crm-today", "GET", page(200)),
    Row("dashboard:crm-roster", "GET", page(200)),
    Row("dashboard:crm-analytics", "GET", page(200)),
    Row("dashboard:crm-plans", "GET", page(200)),
    Row("dashboard:crm-plan-approve", "POST", of_a(302), kwargs=plan),
    Row("dashboard:crm-plan-return", "POST", of_a(422), kwargs=plan),
]
