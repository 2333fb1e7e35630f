"""Reads of the privacy app: the audit trail (change log and events) filtered for the
user, the subject request register and the incident register."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from mentorship.models import AuditEntry

from .audit import AUDITED_MODELS
from .deadlines import NOTICE_TITLES, NoticeState, notice_state
from .models import Incident, SubjectRequest

# Russian names of the frequent events (also the choices of the event filter); other
# actions show their code.
EVENT_TITLES = {
    "auth.login": gettext_lazy("login"),
    "auth.login_failed": gettext_lazy("failed login"),
    "export.downloaded": gettext_lazy("file downloaded"),
}
KNOWN_EVENTS = tuple(EVENT_TITLES)


def event_title(entry: AuditEntry) -> str:
    """The event's Russian name, or "" for an action without one (the page shows its code)."""
    return str(EVENT_TITLES.get(entry.verb, ""))


# --------------------------------------------------------------------------- audit


def audit_kinds() -> list[tuple[str, str]]:
    """(content type id, Russian plural name) of every audited model, for the filter."""
    types = ContentType.objects.get_for_models(*[apps.get_model(label)
                                                 for label in AUDITED_MODELS])
    return sorted(((str(ct.pk), str(model._meta.verbose_name_plural).capitalize())
                   for model, ct in types.items()), key=lambda pair: pair[1])


def event_kinds() -> list[tuple[str, str]]:
    """(label_lower, name) of the object types AuditEntry rows refer to."""
    kinds = []
    for label in ("participants.person", "participants.programmerole",
                  "participants.consent", "participants.importbatch", "pairing.mentorship",
                  "pairing.mentorshiprequest", "monitoring.indicator", "monitoring.report",
                  "programmes.programme", "mentorship.user", "privacy.subjectrequest",
                  "privacy.incident"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        kinds.append((label, str(model._meta.verbose_name_plural).capitalize()))
    return sorted(kinds, key=lambda pair: pair[1])


def _date_range(qs: QuerySet, field: str, filters: dict[str, Any]) -> QuerySet:
    if "date_from" in filters:
        qs = qs.filter(**{f"{field}__date__gte": filters["date_from"]})
    if "date_to" in filters:
        qs = qs.filter(**{f"{field}__date__lte": filters["date_to"]})
    return qs


def _who(filters: dict[str, Any]) -> Q:
    who = filters["who"]
    return (Q(actor__username__icontains=who) | Q(actor__last_name__icontains=who)
            | Q(actor__first_name__icontains=who))


def audit_changes(*, organisation_id: int | None,
                  filters: dict[str, Any]) -> QuerySet[LogEntry]:
    """Change-log entries (django-auditlog), newest first: all for an administrator
    (organisation_id None), else only those of the organisation."""
    qs = LogEntry.objects.select_related("actor", "content_type")
    if organisation_id is not None:
        qs = qs.filter(additional_data__organisation_id=organisation_id)
    if "who" in filters:
        qs = qs.filter(_who(filters))
    if "kind" in filters:
        qs = qs.filter(content_type_id=filters["kind"])
    if "action" in filters:
        qs = qs.filter(action=int(filters["action"]))
    if "target" in filters:
        target = filters["target"]
        qs = qs.filter(Q(object_pk=target) if target.isdigit()
                       else Q(object_repr__icontains=target))
    return _date_range(qs, "timestamp", filters).order_by("-timestamp", "-id")


def audit_events(*, organisation_id: int | None,
                 filters: dict[str, Any]) -> QuerySet[AuditEntry]:
    """Events (logins, downloads, actions of the services), newest first, for the user."""
    qs = AuditEntry.objects.select_related("actor")
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if "who" in filters:
        who = filters["who"]
        qs = qs.filter(_who(filters) | Q(verb="auth.login_failed",
                                         changes__username__1__icontains=who))
    if "kind" in filters:
        qs = qs.filter(target_type=filters["kind"])
    if "action" in filters:
        action = filters["action"]
        qs = (qs.exclude(verb__in=KNOWN_EVENTS) if action == "other"
              else qs.filter(verb=action))
    if "target" in filters:
        target = filters["target"]
        qs = qs.filter(Q(target_id=target) if target.isdigit()
                       else Q(target_repr__icontains=target))
    return _date_range(qs, "created_at", filters).order_by("-created_at", "-id")


@dataclass(frozen=True)
class ChangeLine:
    field: str
    before: str
    after: str


def _display(field: Any, value: Any) -> str:
    if value is None or value == "None" or value == "":
        return "—"
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, bool) or value in ("True", "False"):
        return _("yes") if value in (True, "True") else _("no")
    internal = field.get_internal_type() if field is not None else ""
    if internal == "DateField" and isinstance(value, str) and (day := parse_date(value)):
        return day.strftime("%d.%m.%Y")
    if internal == "DateTimeField" and isinstance(value, str) and (
            moment := parse_datetime(value)):
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%d.%m.%Y %H:%M")
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


def kind_name(entry: LogEntry) -> str:
    model = entry.content_type.model_class()
    return str(model._meta.verbose_name).capitalize() if model is not None else ""


def change_lines(entry: LogEntry) -> list[ChangeLine]:
    """The entry's changes as (Russian field name, before, after), no database query."""
    model = entry.content_type.model_class()
    lines = []
    for name, values in (entry.changes if isinstance(entry.changes, dict) else {}).items():
        try:
            field = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            field = None
        label = str(getattr(field, "verbose_name", name)) if field is not None else name
        if isinstance(values, dict) and values.get("type") == "m2m":
            objects = ", ".join(str(o) for o in values.get("objects", []))
            before, after = ("—", objects) if values.get("operation") == "add" else (
                objects, "—")
        elif isinstance(values, list | tuple) and len(values) == 2:
            before, after = _display(field, values[0]), _display(field, values[1])
        else:
            before, after = "—", str(values)
        lines.append(ChangeLine(field=label, before=before, after=after))
    return lines


# What an event's changes may hold besides fields of its object.
EVENT_KEYS = {
    "username": pgettext_lazy("audit", "login"),
    "path": pgettext_lazy("audit", "address"),
    "ip_address": pgettext_lazy("audit", "IP address"),
    "format": pgettext_lazy("audit", "format"),
    "filters": pgettext_lazy("audit", "filters"),
    "rows": pgettext_lazy("audit", "rows"),
    "errors": pgettext_lazy("audit", "errors"),
    "invitations": pgettext_lazy("audit", "invitations"),
    "devices": pgettext_lazy("audit", "devices"),
    "source": pgettext_lazy("audit", "source"),
    "strict": pgettext_lazy("audit", "strict check"),
    "from_mentorship": pgettext_lazy("audit", "from the pair or group"),
    "mentor": pgettext_lazy("audit", "mentor"),
    "mentee": pgettext_lazy("audit", "mentee"),
    "mentees": pgettext_lazy("audit", "mentees"),
    "attendees": pgettext_lazy("audit", "attended"),
    "year": pgettext_lazy("audit", "year"),
    "academic_year": pgettext_lazy("audit", "academic year"),
    "version": pgettext_lazy("audit", "version"),
    "deadline": pgettext_lazy("audit", "deadline"),
    "file": pgettext_lazy("audit", "file"),
    "kind": pgettext_lazy("audit", "kind"),
    "reason": pgettext_lazy("audit", "reason"),
    "status": pgettext_lazy("audit", "status"),
    "title": pgettext_lazy("audit", "title"),
    "value": pgettext_lazy("audit", "value"),
    "code": pgettext_lazy("audit", "code"),
}


def _event_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{key}: {item}" for key, item in value.items()) or "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)


def event_lines(entry: AuditEntry) -> list[ChangeLine]:
    """An event's changes as (Russian name, before, after; an empty `before` when there was
    none): the field's name when the event's object has such a field, else the name of
    what the event records. No database query."""
    try:
        model = apps.get_model(entry.target_type) if entry.target_type else None
    except (LookupError, ValueError):
        model = None
    lines = []
    for name, values in (entry.changes if isinstance(entry.changes, dict) else {}).items():
        label = EVENT_KEYS.get(name, name)
        if model is not None:
            with contextlib.suppress(FieldDoesNotExist):
                label = model._meta.get_field(name).verbose_name
        if isinstance(values, list | tuple) and len(values) == 2:
            before, after = _event_value(values[0]), _event_value(values[1]) or "—"
        else:
            before, after = "", _event_value(values) or "—"
        lines.append(ChangeLine(field=str(label), before=before, after=after))
    return lines


# --------------------------------------------------------------------------- requests


def subject_request_list(*, organisation_id: int | None,
                         filters: dict[str, Any]) -> QuerySet[SubjectRequest]:
    qs = SubjectRequest.objects.select_related("organisation", "handled_by")
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if "kind" in filters:
        qs = qs.filter(kind=filters["kind"])
    status = filters.get("status")
    if status == "overdue":
        qs = qs.filter(status=SubjectRequest.Status.OPEN, deadline__lt=timezone.localdate())
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_on", "-id")


# --------------------------------------------------------------------------- incidents


@dataclass(frozen=True)
class IncidentRow:
    incident: Incident
    notices: tuple[NoticeState, NoticeState]

    @property
    def needs_attention(self) -> bool:
        return any(n.needs_attention for n in self.notices)


def incident_row(incident: Incident, *, now: dt.datetime | None = None) -> IncidentRow:
    now = now or timezone.now()
    return IncidentRow(incident=incident, notices=(
        notice_state(title=str(NOTICE_TITLES["notify"]), deadline=incident.notify_deadline,
                     sent_at=incident.notified_at, now=now),
        notice_state(title=str(NOTICE_TITLES["investigation"]),
                     deadline=incident.investigation_deadline,
                     sent_at=incident.investigation_reported_at, now=now),
    ))


def incident_list(*, organisation_id: int | None) -> QuerySet[Incident]:
    qs = Incident.objects.select_related("organisation")
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.order_by("-detected_at", "-id")


def incidents_needing_attention(*, organisation_id: int | None) -> list[IncidentRow]:
    """Incidents with a notice not sent whose deadline is near or past (home banner).
    One query."""
    qs = incident_list(organisation_id=organisation_id).filter(
        Q(notified_at__isnull=True) | Q(investigation_reported_at__isnull=True))
    rows = [incident_row(i) for i in qs[:20]]
    return [row for row in rows if row.needs_attention]


@dataclass(frozen=True)
class HomeWarnings:
    incidents: list[IncidentRow]
    overdue_requests: int

    def __bool__(self) -> bool:
        return bool(self.incidents or self.overdue_requests)


def privacy_home_warnings(*, organisation_id: int | None) -> HomeWarnings:
    """What the admin's or director's home page warns about: incidents whose notice is
    near or past its deadline, and open subject requests past theirs. Two queries."""
    overdue = subject_request_list(organisation_id=organisation_id,
                                   filters={"status": "overdue"}).count()
    return HomeWarnings(incidents=incidents_needing_attention(organisation_id=organisation_id),
                        overdue_requests=overdue)
