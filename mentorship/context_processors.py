"""Role-aware navigation for base.html."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from . import access as roles
from .access import ROLE_TITLES, access_for

Link = tuple[str, str]
Item = tuple[str, str | list[Link]]


def _mark_active(items: list[Item], path: str, home: str) -> list[dict[str, Any]]:
    """Menu entries for the template; the one active entry is the link whose URL is the
    longest prefix of the current path (the home page only when it is the page itself)."""
    urls = [url for _, target in items
            for url in ([target] if isinstance(target, str) else [u for _, u in target])]
    matching = [u for u in urls if (path == u if u == home else path.startswith(u))]
    active = max(matching, key=len, default=None)
    entries: list[dict[str, Any]] = []
    for title, target in items:
        if isinstance(target, str):
            entries.append({"title": title, "url": target, "active": target == active})
        else:
            children = [{"title": t, "url": u, "active": u == active} for t, u in target]
            entries.append({"title": title, "children": children,
                            "active": any(c["active"] for c in children)})
    return entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from participants.imports.permissions import IMPORT_NAV_TITLE
    from programmes.selectors import programme_current_for_user

    access = access_for(user)
    home = reverse("home")
    items: list[Item] = [(str(_("Home")), home)]
    if access.is_admin:
        items += [
            (str(_("Users")), [
                (str(_("Users")), reverse("user_list")),
                (str(_("Login lockouts")), reverse("lockout_list")),
            ]),
            # One dropdown for the reference data keeps the admin's menu on one line.
            (str(pgettext("menu", "Data")), [
                (str(_("Organisations")), reverse("organisation_list")),
                (str(_("Programmes")), reverse("programme_list")),
                (str(IMPORT_NAV_TITLE), reverse("participants:import_list")),
                (str(_("Administration")), reverse("admin:index")),
            ]),
        ]
    if access.has(roles.COORDINATOR):
        items.append((str(_("Region")), reverse("monitoring:region")))
    programme = programme_current_for_user(user)
    if programme is not None:
        pk = programme.pk
        if access.is_staff_of_organisation:
            curator = access.has(roles.CURATOR)
            people: list[Link] = [
                (str(_("Participants")), reverse("participants:list", args=[pk])),
                (str(_("Consents")), reverse("participants:consent_register", args=[pk]))]
            pairs: list[Link] = []
            if curator:
                people += [
                    (str(_("Requests")), reverse("pairing:request_list", args=[pk])),
                    (str(_("Mentor base")), reverse("pairing:mentor_list", args=[pk])),
                    (str(IMPORT_NAV_TITLE), reverse("participants:import_list")),
                ]
                pairs.append((str(_("Matching")), reverse("pairing:board", args=[pk])))
            pairs.append((str(_("Pairs and groups")),
                          reverse("pairing:mentorship_list", args=[pk])))
            pairs.append((str(_("Pairs at risk")), reverse("cycle:risk", args=[pk])))
            pairs.append((str(_("Best mentors")), reverse("cycle:best_mentors", args=[pk])))
            if curator:
                pairs.append((str(_("Finished mentees")),
                              reverse("pairing:invite_list", args=[pk])))
            items += [
                (str(_("Programme")), [
                    (str(_("The year")), reverse("cycle:year", args=[pk])),
                    (str(_("Programme and its versions")),
                     reverse("programme_detail", args=[pk])),
                    (str(_("Roadmap execution")), reverse("programmes:roadmap", args=[pk])),
                ]),
                (str(_("Participants")), people),
                (str(_("Pairs and groups")), pairs),
                (str(_("Monitoring")), [
                    (str(_("Indicators")), reverse("monitoring:dashboard", args=[pk])),
                    (str(_("Surveys")), reverse("monitoring:surveys", args=[pk])),
                    (str(_("Reports")), reverse("monitoring:reports", args=[pk])),
                ]),
            ]
        elif access.has(roles.MENTOR) or access.has(roles.MENTEE):
            items += [
                (str(_("My pairs")), reverse("pairing:mentorship_list", args=[pk])),
                (str(_("Programme")), reverse("programme_detail", args=[pk])),
            ]
            if pk in access.programme_ids(roles.MENTEE):
                items.append((str(_("My request")),
                              reverse("pairing:my_requests", args=[pk])))
    if access.is_admin or access.has(roles.DIRECTOR):
        items.append((str(_("Personal data")), [
            (str(_("Audit trail")), reverse("privacy:audit")),
            (str(_("Subject requests")), reverse("privacy:request_list")),
            (str(_("Incidents")), reverse("privacy:incident_list")),
        ]))
    nav_items = _mark_active(items, request.path, home)
    role = access.primary_role
    return {
        "nav_items": nav_items,
        "nav_role_title": ROLE_TITLES[role] if role else "",
        "access": access,
    }
