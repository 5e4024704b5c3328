from django.contrib.auth import login, logout
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.errors import LoginLocked
from accounts.services import user_login
from core.errors import DomainError
from core.throttling import sign_in_throttled
from merchants.errors import NotAMerchant
from merchants.selectors import merchant_of
from privacy.errors import PolicyVersionOutdated
from privacy.services.consents import consent_grant, consents_missing, policy_document

from ..access import forbidden
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
            if consents_missing(user):  # a new version of the documents: accept it first
                return redirect(consents_url(next_url(request)))
            return HttpResponseRedirect(next_url(request))
    elif request.method == "POST":
        status = 422
    context = {"form": form, "next": next_url(request)}
    return render(request, "dashboard/sign_in.html", context, status=status)


def consents_url(target: str) -> str:
    return f"{reverse('dashboard:consents')}?{urlencode({'next': target})}"


@csrf_protect
@never_cache
def consents(request):
    """After sign-in, when the account has not accepted the current privacy policy or terms:
    the documents to read and accept (recorded with version, time and channel `dashboard`).
    Every other page sends here until they are accepted (dashboard.access)."""
    if not request.user.is_authenticated:
        return redirect("dashboard:login")
    try:
        merchant_of(request.user)
    except NotAMerchant as error:
        return forbidden(request, error)
    missing = consents_missing(request.user)
    if not missing:
        return HttpResponseRedirect(next_url(request))
    error, status = "", 200
    if request.method == "POST":
        if request.POST.get("agree") != "on":
            error, status = _("请勾选“我已阅读并同意”。"), 422
        else:
            shown = {item["kind"]: item["version"] for item in missing}
            try:
                with transaction.atomic():  # all the documents shown, or none
                    for kind, version in shown.items():
                        if request.POST.get(f"version_{kind}") != str(version):
                            raise PolicyVersionOutdated()  # the page read is not current now
                        consent_grant(
                            user=request.user, kind=kind, version=version, channel="dashboard"
                        )
            except DomainError as failure:
                error, status = failure.detail, 409
            else:
                return HttpResponseRedirect(next_url(request))
    language = translation.get_language() or "zh-hans"
    documents = [
        {"item": item, "document": policy_document(kind=item["kind"], language=language)}
        for item in missing
    ]
    context = {"documents": documents, "error": error, "next": next_url(request)}
    return render(request, "dashboard/consents.html", context, status=status)


@require_POST
def sign_out(request):
    logout(request)
    return redirect("dashboard:login")
