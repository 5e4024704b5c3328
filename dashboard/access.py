"""Who may open a dashboard page, and the shop it acts on.

Every view is wrapped in `merchant_page` or `shop_page`. Both send anonymous visitors to the
sign-in page, refuse accounts that belong to no merchant (consumers, admins), and turn the
merchants app's answers into pages: a shop the user cannot see (another merchant's, or a
staff member's unassigned shop) is 404, a missing staff permission is 403.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from accounts.api import lockout_response as api_lockout_response
from accounts.models import Role
from core.errors import DomainError, NotFound
from merchants.errors import NotAMerchant, StaffPermissionMissing
from merchants.selectors import merchant_of, merchant_permission_check, shop_for_edit
from privacy.services.consents import consents_missing


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def sign_in_redirect(request: HttpRequest) -> HttpResponse:
    login_url = reverse("dashboard:login")
    if is_htmx(request):  # a partial request: send the whole page to the sign-in form
        return HttpResponse(status=204, headers={"HX-Redirect": login_url})
    return redirect_to_login(request.get_full_path(), login_url)


def consents_redirect(request: HttpRequest) -> HttpResponse:
    target = f"{reverse('dashboard:consents')}?{urlencode({'next': request.get_full_path()})}"
    if is_htmx(request):
        return HttpResponse(status=204, headers={"HX-Redirect": target})
    return redirect(target)


def forbidden(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "dashboard/forbidden.html", {"message": error.detail}, status=403)


def merchant_page(
    view: Callable | None = None, *, permission: str | None = None, owner_only: bool = False
):
    """A page of the signed-in merchant (owner or staff).

    `permission`: staff need this StaffPermission (owners have every one); `owner_only`: staff
    never. The merchant is on `request.merchant`.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return sign_in_redirect(request)
            try:
                request.merchant = merchant_of(request.user)
                if consents_missing(request.user):  # the current documents come first
                    return consents_redirect(request)
                if owner_only and request.user.role != Role.MERCHANT_OWNER:
                    raise StaffPermissionMissing()
                if permission:
                    merchant_permission_check(user=request.user, permission=permission)
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404(str(error.detail)) from error
            except (NotAMerchant, StaffPermissionMissing) as error:
                return forbidden(request, error)

        return wrapper

    return decorator(view) if view is not None else decorator


def shop_page(*, permission: str) -> Callable:
    """A page acting on one shop (`shop_id` in the URL): the view receives the Shop, checked
    by merchants.selectors.shop_for_edit for this user and permission."""

    def decorator(view: Callable) -> Callable:
        @merchant_page
        @wraps(view)
        def wrapper(request: HttpRequest, shop_id: int, *args, **kwargs) -> HttpResponse:
            shop = shop_for_edit(user=request.user, shop_id=shop_id, permission=permission)
            request.shop = shop
            return view(request, shop, *args, **kwargs)

        return wrapper

    return decorator


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """django-axes' lockout answer: the dashboard's sign-in page already says, in its form,
    that the phone is locked; everything else gets the API's error body."""
    if response is not None and request.path == reverse("dashboard:login"):
        return response
    return api_lockout_response(request, response, credentials, *args, **kwargs)


def may(user, permission: str) -> bool:
    """Whether the user holds a staff permission (owners hold them all); for showing a block."""
    try:
        merchant_permission_check(user=user, permission=permission)
    except (NotAMerchant, StaffPermissionMissing):
        return False
    return True


def shops_in_view(request: HttpRequest, shops):
    """The shops a page shows: all the user's, or the one `?shop=` names (another's is 404).
    Returns (shops queryset, the chosen shop or None)."""
    raw = request.GET.get("shop", "")
    if not raw:
        return shops, None
    if not raw.isdigit() or not (chosen := shops.filter(pk=raw).first()):
        raise Http404()
    return shops.filter(pk=chosen.pk), chosen
