"""Account security pages: the lockout response and the administrators' unlock page,
password change and reset, and the second login step (one-time code)."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address, get_client_username
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import otp
from .access import access_for
from .forms import (
    LockoutReleaseForm,
    OTPResetForm,
    OTPTokenForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from .lockout import address_is_locked, lockout_list, lockout_release, lockout_until
from .models import User
from .services import audit_record
from .types import AppRequest

RESET_THROTTLED = gettext_lazy(
    "Too many password reset requests from your address. Try again in an hour.")


# --- Lockout -------------------------------------------------------------------------------

def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """What axes answers a locked-out login with (settings.AXES_LOCKOUT_CALLABLE): a
    Russian page saying until when, and that the administrator can unlock sooner."""
    ip_address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    username = get_client_username(request, credentials)
    context = {
        "until": lockout_until(username=username, ip_address=ip_address),
        "by_address": address_is_locked(ip_address),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def _require_admin(request: AppRequest) -> None:
    if not access_for(request.user).is_admin:
        raise PermissionDenied(_("This page is for administrators."))


@login_required
def lockout_list_view(request: AppRequest) -> HttpResponse:
    _require_admin(request)
    page = Paginator(lockout_list(), 50).get_page(request.GET.get("page"))
    return render(request, "registration/lockout_list.html", {
        "page_obj": page, "otp_form": OTPResetForm(),
        "pair_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
    })


@login_required
@require_POST
def lockout_release_view(request: AppRequest) -> HttpResponse:
    _require_admin(request)
    form = LockoutReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The lockout to release was not understood."))
        return redirect("lockout_list")
    username = form.cleaned_data["username"]
    ip_address = form.cleaned_data["ip_address"]
    lockout_release(username=username, ip_address=ip_address, acting_user=request.user)
    if username:
        messages.success(request, _("Login «%(username)s» from %(ip)s is unlocked.")
                         % {"username": username, "ip": ip_address})
    else:
        messages.success(request, _("Address %(ip)s is unlocked.") % {"ip": ip_address})
    return redirect("lockout_list")


@login_required
@require_POST
def otp_reset_view(request: AppRequest) -> HttpResponse:
    _require_admin(request)
    form = OTPResetForm(request.POST)
    if form.is_valid():
        user = User.objects.filter(username=form.cleaned_data["username"]).first()
        if user is None:
            messages.error(request, _("There is no user with this login."))
        elif otp.otp_device_reset(user=user, acting_user=request.user):
            messages.success(request, _("The second factor of «%(username)s» is switched "
                                        "off; they can enrol again.") % {
                                            "username": user.username})
        else:
            messages.info(request, _("«%(username)s» has no second factor.") % {
                "username": user.username})
    else:
        messages.error(request, _("Enter the user's login."))
    return redirect("lockout_list")


# --- Password change and reset ------------------------------------------------------------

class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=self.request.user, verb="user.password_changed",
                     target=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


def _reset_throttled(request: HttpRequest) -> bool:
    """Counts reset requests per address for an hour; True past the limit."""
    key = f"password-reset:{get_client_ip_address(request) or 'unknown'}"
    cache.add(key, 0, timeout=60 * 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60 * 60)
        count = 1
    return count > settings.PASSWORD_RESET_ADDRESS_LIMIT


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        if _reset_throttled(self.request):
            form.add_error(None, RESET_THROTTLED)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "registration/password_reset_confirm.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=form.user, verb="user.password_reset", target=form.user,
                     ip_address=get_client_ip_address(self.request))
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


# --- Second factor (one-time code) --------------------------------------------------------

def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("home")


@login_required
def otp_verify_view(request: AppRequest) -> HttpResponse:
    """The second login step: the current code from the user's app."""
    if otp.otp_step_pending(request) != otp.STEP_VERIFY:
        return redirect(_next_url(request))
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp.otp_verify(user=request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error)
        else:
            otp.otp_step_passed(request)
            return redirect(_next_url(request))
    return render(request, "registration/otp_verify.html",
                  {"form": form, "next": request.GET.get("next", "")})


@login_required
def otp_enrol_view(request: AppRequest) -> HttpResponse:
    """The user's second-factor page: status, or enrolment with a QR code and a code."""
    user = request.user
    step = otp.otp_step_pending(request)
    if not otp.otp_offered(user) and step != otp.STEP_ENROL:
        raise PermissionDenied(_("The second factor is for administrators and directors."))
    device = otp.otp_device_confirmed(user)
    if device is not None:
        return render(request, "registration/otp_enrol.html",
                      {"device": device, "disable_form": OTPTokenForm(),
                       "required": otp.otp_required(user)})
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp.otp_device_confirm(user=user, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error)
        else:
            otp.otp_step_passed(request)
            messages.success(request, _("The second factor is switched on. From now on the "
                                        "login asks for a code from the app."))
            return redirect(_next_url(request) if step else reverse("otp_enrol"))
    pending = otp.otp_device_start(user=user)
    return render(request, "registration/otp_enrol.html", {
        "form": form, "qr_svg": otp.otp_qr_svg(pending),
        "secret": otp.otp_secret_for_display(pending), "step": step,
        "next": request.GET.get("next", ""),
    })


@login_required
@require_POST
def otp_disable_view(request: AppRequest) -> HttpResponse:
    """The user switches their own second factor off, proving it with a current code."""
    form = OTPTokenForm(request.POST)
    if otp.otp_required(request.user):
        messages.error(request, _("The second factor is required for your role."))
    elif form.is_valid():
        try:
            otp.otp_verify(user=request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            otp.otp_device_reset(user=request.user, acting_user=request.user)
            messages.success(request, _("The second factor is switched off."))
    else:
        messages.error(request, _("Enter the six-digit code from the app."))
    return redirect("otp_enrol")
