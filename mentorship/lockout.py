"""Login throttling on top of django-axes.

Axes locks a username at an address after AXES_FAILURE_LIMIT failures (the whole college
sits behind one address, so one student's mistakes must not lock out the class). This
handler adds a looser limit per address alone (LOGIN_ADDRESS_FAILURE_LIMIT failures of any
usernames within the cool-off period), which stops password spraying from one address.
The selectors and the unlock service below serve the administrators' lockout page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone

from .models import User
from .services import audit_record


def _cool_off() -> timedelta:
    return get_cool_off() or timedelta(hours=1)


def _recent_attempts(now: datetime | None = None) -> Any:
    return AccessAttempt.objects.filter(
        attempt_time__gte=(now or timezone.now()) - _cool_off())


def address_failures(ip_address: str | None) -> int:
    """Failures of every username from one address within the cool-off period."""
    if not ip_address:
        return 0
    total = _recent_attempts().filter(ip_address=ip_address).aggregate(
        n=Sum("failures_since_start"))["n"]
    return total or 0


def address_is_locked(ip_address: str | None) -> bool:
    return address_failures(ip_address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


class AddressAwareHandler(AxesDatabaseHandler):
    """Axes' database handler, also locked when the address as a whole passed its limit.
    Axes compares `get_failures` with the (username+address) limit, so an address past its
    own limit reports at least that limit."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        ip_address = getattr(request, "axes_ip_address", None) or get_client_ip_address(
            request)
        if address_is_locked(ip_address):
            return max(failures, get_failure_limit(request, credentials))
        return failures


@dataclass(frozen=True)
class Lockout:
    """One current lockout: a username at an address, or (username empty) a whole address."""

    username: str
    ip_address: str
    failures: int
    last_failure: datetime
    until: datetime

    @property
    def is_address(self) -> bool:
        return not self.username


def lockout_list() -> list[Lockout]:
    """Current lockouts, newest first: pairs past AXES_FAILURE_LIMIT and addresses past
    LOGIN_ADDRESS_FAILURE_LIMIT. Two queries whatever the number of rows."""
    cool_off = _cool_off()
    recent = _recent_attempts()
    limit = settings.AXES_FAILURE_LIMIT if isinstance(settings.AXES_FAILURE_LIMIT, int) else 5
    rows: list[Lockout] = []
    pairs = (recent.exclude(username__isnull=True).values("username", "ip_address")
             .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
             .filter(failures__gte=limit))
    for row in pairs:
        rows.append(Lockout(username=row["username"], ip_address=row["ip_address"] or "",
                            failures=row["failures"], last_failure=row["last"],
                            until=row["last"] + cool_off))
    addresses = (recent.exclude(ip_address__isnull=True).values("ip_address")
                 .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
                 .filter(failures__gte=settings.LOGIN_ADDRESS_FAILURE_LIMIT))
    for row in addresses:
        rows.append(Lockout(username="", ip_address=row["ip_address"],
                            failures=row["failures"], last_failure=row["last"],
                            until=row["last"] + cool_off))
    rows.sort(key=lambda r: r.last_failure, reverse=True)
    return rows


def lockout_until(*, username: str | None, ip_address: str | None) -> datetime | None:
    """When the lockout of this username at this address (or of the address) ends."""
    recent = _recent_attempts()
    last = None
    if address_is_locked(ip_address):
        last = recent.filter(ip_address=ip_address).aggregate(t=Max("attempt_time"))["t"]
    if last is None:
        last = recent.filter(ip_address=ip_address, username=username).aggregate(
            t=Max("attempt_time"))["t"]
    return last + _cool_off() if last is not None else None


@transaction.atomic
def lockout_release(*, username: str, ip_address: str, acting_user: User) -> int:
    """Unlock a username at an address (or, with an empty username, the whole address) by
    deleting axes' failure records. Returns the number of records removed; 0 when the
    lockout had already ended (safe to call twice). Recorded in the audit log."""
    if not ip_address:  # axes would read "no address" as "every address"
        return 0
    removed = reset(ip=ip_address, username=username or None)
    audit_record(actor=acting_user, verb="login.unlocked",
                 changes={"username": [username, None], "ip_address": [ip_address, None],
                          "records": [removed, 0]})
    return removed
