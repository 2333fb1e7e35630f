"""Project-level pages: home per role, the programme page (it composes programmes and
monitoring), users and organisations for admins, health and error pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from monitoring.plans import indicator_plans_snapshot
from monitoring.selectors import indicator_table_for_programme
from programmes.forms import ApproveForm
from programmes.models import Organisation, Programme
from programmes.permissions import programme_get_for_approval, programme_get_for_user
from programmes.selectors import (
    programme_get_detail,
    programme_list_for_user,
    programme_version_info,
)
from programmes.services import programme_snapshot, programme_version_approve

from . import access as roles
from .access import access_for
from .health import health_checks
from .home import home_context
from .models import User
from .pagecache import cached_page
from .types import AppRequest

PAGE_SIZE = 50


@login_required
@cached_page
def home(request: AppRequest) -> HttpResponse:
    access = access_for(request.user)
    role, context = home_context(user=request.user, access=access)
    template = f"home/{role}.html" if role else "home/no_role.html"
    return render(request, template, {"role": role, **context})


@login_required
def programme_list(request: AppRequest) -> HttpResponse:
    page = Paginator(programme_list_for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "programmes/programme_list.html", {"page_obj": page})


@login_required
def programme_detail(request: AppRequest, pk: int) -> HttpResponse:
    programme = programme_get_for_user(request.user, pk)
    context = programme_get_detail(programme=programme)
    context["indicators"] = indicator_table_for_programme(programme=programme)
    access = access_for(request.user)
    staff = access.is_admin or programme.pk in access.programme_ids(roles.DIRECTOR,
                                                                     roles.CURATOR)
    context["can_edit"] = access.is_admin or programme.pk in access.programme_ids(
        roles.CURATOR)
    context["can_approve"] = access.is_admin or programme.pk in access.programme_ids(
        roles.DIRECTOR)
    context["version_info"] = programme_version_info(
        programme=programme, current=_snapshot(programme) if staff else None)
    return render(request, "programmes/programme_detail.html", context)


def _snapshot(programme: Programme) -> dict[str, object]:
    """The programme's live content with its indicator plans (owned by monitoring)."""
    return programme_snapshot(
        programme=programme,
        extra={"indicator_plans": indicator_plans_snapshot(programme=programme)})


@login_required
def programme_approve(request: AppRequest, pk: int) -> HttpResponse:
    """The director confirms the current content as a new approved version (POST); a
    second submit returns the same version."""
    programme = programme_get_for_approval(request.user, pk)
    person = getattr(request.user, "person", None)
    initial = {
        "approver_name": (person.full_name if person is not None else "")
        or request.user.get_full_name() or programme.approved_by,
        "approver_position": (person.position if person is not None else "")
        or programme.approved_position,
    }
    form = ApproveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = programme_version_approve(
            programme=programme, acting_user=request.user,
            approver_name=form.cleaned_data["approver_name"],
            approver_position=form.cleaned_data["approver_position"],
            extra={"indicator_plans": indicator_plans_snapshot(programme=programme)})
        messages.success(request, _("Version %(number)s of the programme is approved.") % {
            "number": version.number})
        return redirect("programme_detail", programme.pk)
    info = programme_version_info(programme=programme, current=_snapshot(programme))
    return render(request, "programmes/programme_approve.html",
                  {"programme": programme, "form": form, "version_info": info})


def _require_admin(request: AppRequest) -> None:
    if not access_for(request.user).is_admin:
        raise PermissionDenied(_("This page is for administrators."))


@login_required
def user_list(request: AppRequest) -> HttpResponse:
    _require_admin(request)
    qs = User.objects.order_by("username")
    search = request.GET.get("q", "").strip()
    if search:
        qs = qs.filter(username__icontains=search) | qs.filter(last_name__icontains=search)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mentorship/user_list.html", {"page_obj": page, "q": search})


@login_required
def organisation_list(request: AppRequest) -> HttpResponse:
    _require_admin(request)
    qs = (Organisation.objects.select_related("region", "municipality")
          .annotate(programmes_count=Count("programmes")).order_by("region__name", "short_name"))
    kind = request.GET.get("kind", "")
    if kind in Organisation.Kind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mentorship/organisation_list.html",
                  {"page_obj": page, "kind": kind, "kinds": Organisation.Kind.choices})


@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness of the database, the cache, the broker and the workers. 503 when the database,
    cache or a configured broker is down; a missing worker is reported (the web still serves,
    background work waits in the queue)."""
    checks = health_checks()
    essential = ("database", "cache", "broker")
    healthy = all(checks[name] in ("ok", "not configured") for name in essential)
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks},
                        status=200 if healthy else 503)


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = str(exception) if exception is not None and str(exception) else ""
    return _error(request, 403, _("Access denied"),
                  detail or _("You do not have permission to open this page."))


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, _("Page not found"),
                  _("The page does not exist or you do not have access to it."))


def error_500(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, _("Something went wrong"),
                  _("The error has been logged. Please try again later."))
