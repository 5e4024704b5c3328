from django.contrib.auth import login, logout
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.errors import LoginLocked
from accounts.services import user_login
from core.errors import DomainError
from core.throttling import sign_in_throttled
from merchants.selectors import merchant_of

from ..forms.auth import SignInForm


def next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("dashboard:home")


@sensitive_post_parameters("password")
@csrf_protect
@sign_in_throttled
@never_cache
def sign_in(request):
    """Phone and password through accounts.services.user_login, with django-axes' lockout;
    only merchant owners and staff may sign in here."""
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = user_login(request=request, **form.cleaned_data)
            merchant_of(user)  # NotAMerchant for consumers and admins
        except DomainError as error:
            form.add_domain_error(error)
            status = 429 if isinstance(error, LoginLocked) else 422
        else:
            login(request, user)
            return HttpResponseRedirect(next_url(request))
    elif request.method == "POST":
        status = 422
    context = {"form": form, "next": next_url(request)}
    return render(request, "dashboard/sign_in.html", context, status=status)


@require_POST
def sign_out(request):
    logout(request)
    return redirect("dashboard:login")
