from django.shortcuts import render
from django.views.decorators.http import require_POST

from core.errors import DomainError
from merchants.models import StaffPermission

from ..access import shop_page
from ..counter import scan_handle, scan_read
from ..forms.counter import LookupForm

REDEEM = StaffPermission.REDEEM


@shop_page(permission=REDEEM)
def counter(request, shop):
    """The cashier's page: the camera (jsQR in the browser), a photo, or a typed code."""
    return render(request, "dashboard/counter/page.html", {"shop": shop, "form": LookupForm()})


@shop_page(permission=REDEEM)
@require_POST
def counter_lookup(request, shop):
    """A decoded QR or a typed code -> a partial: what it is (dashboard.counter.HANDLERS)."""
    form = LookupForm(request.POST)
    if form.is_valid():
        try:
            fields = form.cleaned_data
            scan = scan_read(code=fields["code"], typed_kind=fields["kind"] or "C")
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return scan_handle(request, shop, scan)
    context = {"shop": shop, "form": form}
    return render(request, "dashboard/counter/_error.html", context, status=422)
