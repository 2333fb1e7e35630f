"""Role-aware navigation for base.html."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access as roles
from .access import ROLE_TITLES, access_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from programmes.selectors import programme_current_for_user

    access = access_for(user)
    items: list[tuple[str, str]] = [(str(_("Home")), reverse("home"))]
    if access.is_admin:
        items += [
            (str(_("Users")), reverse("user_list")),
            (str(_("Organisations")), reverse("organisation_list")),
            (str(_("Programmes")), reverse("programme_list")),
            (str(_("Administration")), reverse("admin:index")),
        ]
    if access.has(roles.COORDINATOR):
        items.append((str(_("Region")), reverse("monitoring:region")))
    programme = programme_current_for_user(user)
    if programme is not None:
        if access.is_staff_of_organisation:
            items += [
                (str(_("Programme")), reverse("programme_detail", args=[programme.pk])),
                (str(_("Participants")), reverse("participants:list", args=[programme.pk])),
            ]
            if access.has(roles.CURATOR):
                items.append((str(_("Requests")),
                              reverse("pairing:request_list", args=[programme.pk])))
            items.append((str(_("Pairs and groups")),
                          reverse("pairing:mentorship_list", args=[programme.pk])))
        elif access.has(roles.MENTOR) or access.has(roles.MENTEE):
            items += [
                (str(_("My pairs")), reverse("pairing:mentorship_list", args=[programme.pk])),
                (str(_("Programme")), reverse("programme_detail", args=[programme.pk])),
            ]
    path = request.path
    nav_items = []
    for title, url in items:
        active = path == url if url == "/" else path.startswith(url)
        nav_items.append({"title": title, "url": url, "active": active})
    role = access.primary_role
    return {
        "nav_items": nav_items,
        "nav_role_title": ROLE_TITLES[role] if role else "",
        "access": access,
    }
