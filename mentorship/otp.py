"""The optional second login step: a one-time code from an authenticator app (TOTP,
django-otp).

Admins and directors may enrol a device; the roles in settings.OTP_REQUIRED_FOR must. At
login the session is marked with the step the user still owes (`OTP_STEP_SESSION_KEY`:
"verify" for a user with a confirmed device, "enrol" for one who must enrol and has not);
`mentorship.middleware.OTPStepMiddleware` holds such a session on that step's page, so no
other page needs a query to know it.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import ADMIN, DIRECTOR, access_for
from .models import User
from .services import audit_record

OTP_STEP_SESSION_KEY = "otp_step"
STEP_VERIFY = "verify"
STEP_ENROL = "enrol"
# Roles offered the second factor (the issue: admins and directors).
OTP_ROLES = frozenset({ADMIN, DIRECTOR})
DEVICE_NAME = "authenticator"

WRONG_CODE = _("The code is wrong or out of date. Enter the current code from the app.")
ALREADY_ENROLLED = _("A second factor is already switched on for this account.")
# django-otp's own model names, translated in our catalogue (the admin lists them).
_MODEL_NAMES = (_("TOTP device"), _("TOTP devices"))


def otp_offered(user: User) -> bool:
    return bool(access_for(user).roles & OTP_ROLES)


def otp_required(user: User) -> bool:
    required = {role.strip() for role in settings.OTP_REQUIRED_FOR if role.strip()}
    return bool(required and access_for(user).roles & required)


def otp_device_confirmed(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def otp_login_step(*, request: HttpRequest, user: User) -> str | None:
    """Called right after a password login: marks the session with the step still owed
    and returns it (None: no second step)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        step: str | None = STEP_VERIFY
    elif otp_required(user):
        step = STEP_ENROL
    else:
        step = None
    if step:
        request.session[OTP_STEP_SESSION_KEY] = step
    else:
        request.session.pop(OTP_STEP_SESSION_KEY, None)
    return step


def otp_step_pending(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    return session.get(OTP_STEP_SESSION_KEY) if session is not None else None


def otp_step_passed(request: HttpRequest) -> None:
    request.session.pop(OTP_STEP_SESSION_KEY, None)


@transaction.atomic
def otp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device an enrolment shows (created once, reused on reload, so the
    QR code does not change under the user). Raises ValidationError when the user already
    has a confirmed device."""
    if otp_device_confirmed(user) is not None:
        raise ValidationError(ALREADY_ENROLLED)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def otp_device_confirm(*, user: User, token: str) -> TOTPDevice:
    """Confirm the pending device with a current code. Raises ValidationError (WRONG_CODE)
    if the code does not match; a second confirm of a confirmed device is refused with
    ALREADY_ENROLLED. Recorded in the audit log."""
    if otp_device_confirmed(user) is not None:
        raise ValidationError(ALREADY_ENROLLED)
    device = (TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False)
              .order_by("pk").first())
    if device is None or not device.verify_token(token.strip()):
        raise ValidationError(WRONG_CODE)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    audit_record(actor=user, verb="otp.enrolled", target=user)
    return device


def otp_verify(*, user: User, token: str) -> TOTPDevice:
    """Check a code against the user's confirmed device (django-otp throttles repeated
    failures). Raises ValidationError (WRONG_CODE)."""
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
                  .order_by("pk").first())
        if device is not None and device.verify_token(token.strip()):
            return device
    raise ValidationError(WRONG_CODE)


@transaction.atomic
def otp_device_reset(*, user: User, acting_user: User) -> int:
    """Remove every device of a user (a lost phone): their next login asks for no code, or
    for enrolment where it is required. Returns the number removed; safe to call twice."""
    removed, _details = TOTPDevice.objects.filter(user=user).delete()
    if removed:
        audit_record(actor=acting_user, verb="otp.reset", target=user,
                     changes={"devices": [removed, 0]})
    return removed


def otp_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG (no script, no external request)."""
    qr = segno.make(device.config_url, micro=False)
    return qr.svg_inline(scale=5, border=2, dark="#000", light="#fff")


def otp_secret_for_display(device: TOTPDevice) -> str:
    """The base32 key in groups of four, for typing into an app by hand."""
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def otp_context(user: User) -> dict[str, Any]:
    return {"device": otp_device_confirmed(user), "offered": otp_offered(user),
            "required": otp_required(user)}


def account_logged_in(sender: Any, request: HttpRequest | None, user: User,
                      **kwargs: Any) -> None:
    """user_logged_in receiver (connected in apps.py; every login path sends it: the login
    page, the admin's, tests' force_login): starts the session clock of
    SessionLimitMiddleware and marks the second step the user owes."""
    import time

    from .middleware import SessionLimitMiddleware

    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[SessionLimitMiddleware.STARTED_KEY] = now
    request.session[SessionLimitMiddleware.LAST_SEEN_KEY] = now
    otp_login_step(request=request, user=user)
