"""The weekly digest to curators and the reminders to mentors with no recent meeting.

Each letter is first claimed in `NotificationLog` (user, kind, period) and only then sent,
so a task that runs twice, or two workers at once, send nothing twice. A failed send gives
the claim back, so the next run retries. Nobody who turned reminders off
(`User.receive_reminders`) or has no valid consent to processing is written to.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from mentorship.models import User
from mentorship.services import audit_record
from pairing.models import Meeting, Mentorship, PlanItem
from participants.models import Person, ProgrammeRole
from participants.selectors import consented_person_ids
from programmes import roadmap
from programmes.models import Programme
from programmes.selectors import roadmap_rows

from .models import CycleSettings, NotificationLog
from .risk import NO_MEETING, AtRisk, mentorships_at_risk

logger = logging.getLogger(__name__)


def week_key(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def notification_claim(*, user: User, kind: str, period: str) -> NotificationLog | None:
    """Claim the right to send one letter; None when it was claimed (sent) already."""
    try:
        with transaction.atomic():
            return NotificationLog.objects.create(user=user, kind=kind, period=period)
    except IntegrityError:
        return None


def _send(*, claim: NotificationLog, to: str, subject: str, template: str,
          context: dict[str, Any]) -> int:
    text = render_to_string(f"cycle/email/{template}.txt", context)
    html = render_to_string(f"cycle/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, None, [to])
    message.attach_alternative(html, "text/html")
    try:
        return message.send()
    except Exception:
        claim.delete()  # give the claim back: the next run retries
        logger.exception("Could not send %s to user %s", claim.kind, claim.user_id)
        return 0


def _recipients(people: list[Person], today: dt.date) -> list[tuple[Person, User, str]]:
    """People with a login that wants reminders, a valid consent and an address."""
    allowed = consented_person_ids(person_ids=[p.pk for p in people], on=today)
    found = []
    for person in people:
        user = person.user
        address = person.email or (user.email if user else "")
        if user is None or not user.is_active or not user.receive_reminders:
            continue
        if person.pk in allowed and address:
            found.append((person, user, address))
    return found


# --------------------------------------------------------------------------- digest


@dataclass
class Digest:
    programme: Programme
    at_risk: list[AtRisk] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    overdue_tasks: list[PlanItem] = field(default_factory=list)
    overdue_activities: list[Any] = field(default_factory=list)
    # The letter lists at most DIGEST_LIST_LIMIT meetings and tasks; these are the full counts.
    meetings_total: int = 0
    overdue_tasks_total: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.at_risk or self.meetings or self.overdue_tasks
                    or self.overdue_activities)


DIGEST_LIST_LIMIT = 50


def digest_for(*, programme: Programme, today: dt.date) -> Digest:
    """What a curator of the programme reads on Monday: the pairs at risk, the meetings
    logged in the last seven days, the overdue plan tasks and roadmap activities."""
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=7), dt.time()))
    logged = Meeting.objects.filter(mentorship__programme=programme, created_at__gte=since)
    overdue_items = (PlanItem.objects.filter(mentorship__programme=programme,
                                             mentorship__status=Mentorship.Status.ACTIVE,
                                             due_on__lt=today)
                     .exclude(status__in=[PlanItem.Status.DONE, PlanItem.Status.CANCELLED]))
    meetings = list(logged.select_related("mentorship__mentor__person", "mentorship__form")
                    .order_by("-held_on", "pk")[:DIGEST_LIST_LIMIT])
    overdue = list(overdue_items.select_related("mentorship__mentor__person")
                   .order_by("due_on", "pk")[:DIGEST_LIST_LIMIT])
    year = roadmap.academic_year_for(programme.years, today)
    activities = [row for row in roadmap_rows(programme=programme, academic_year=year,
                                              today=today) if row.overdue]
    return Digest(programme=programme, at_risk=mentorships_at_risk(programme=programme,
                                                                   today=today),
                  meetings=meetings, overdue_tasks=overdue, overdue_activities=activities,
                  meetings_total=(len(meetings) if len(meetings) < DIGEST_LIST_LIMIT
                                  else logged.count()),
                  overdue_tasks_total=(len(overdue) if len(overdue) < DIGEST_LIST_LIMIT
                                       else overdue_items.count()))


def curator_digests_send(*, today: dt.date | None = None) -> int:
    """Send this week's digest to every curator of each programme whose digest weekday is
    today (Monday unless the curator chose another). Returns the number of letters sent;
    a second run the same week sends none."""
    today = today or timezone.localdate()
    sent = 0
    with scopes_disabled(), translation.override(settings.LANGUAGE_CODE):
        weekdays = dict(CycleSettings.objects.values_list("programme_id", "digest_weekday"))
        programmes = [p for p in Programme.objects.select_related("organisation")
                      if weekdays.get(p.pk, CycleSettings.Weekday.MONDAY) == today.weekday()
                      and p.start_year <= today.year <= p.end_year + 1]
        for programme in programmes:
            curators = [r.person for r in ProgrammeRole.objects.filter(
                programme=programme, role=ProgrammeRole.Role.CURATOR, is_active=True,
                person__anonymised_at__isnull=True).select_related("person__user")]
            recipients = _recipients(curators, today)
            if not recipients:
                continue
            digest = digest_for(programme=programme, today=today)
            period = f"{week_key(today)}:programme-{programme.pk}"
            for person, user, address in recipients:
                claim = notification_claim(user=user, kind=NotificationLog.Kind.DIGEST,
                                           period=period)
                if claim is None:
                    continue
                context = {"person": person, "digest": digest, "today": today,
                           "risk_url": site_url(reverse("cycle:risk", args=[programme.pk])),
                           "settings_url": site_url(reverse("cycle:notification_settings")),
                           "site_url": settings.SITE_URL}
                sent += _send(claim=claim, to=address, template="digest", context=context,
                              subject=_("Mentoring: the week in «%(programme)s»") % {
                                  "programme": programme.organisation.short_name})
    return sent


# --------------------------------------------------------------------------- reminders


def mentor_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind every mentor with a pair that has had no meeting for the programme's N weeks;
    one letter per mentor per ISO week at most, listing all such pairs. Returns the number
    of letters sent."""
    today = today or timezone.localdate()
    sent = 0
    with scopes_disabled(), translation.override(settings.LANGUAGE_CODE):
        by_mentor: dict[int, list[AtRisk]] = defaultdict(list)
        programmes = Programme.objects.filter(start_year__lte=today.year,
                                              end_year__gte=today.year - 1)
        for programme in programmes:
            for row in mentorships_at_risk(programme=programme, today=today,
                                           reason=NO_MEETING):
                by_mentor[row.mentorship.mentor.person_id].append(row)
        if not by_mentor:
            return 0
        people = list(Person.objects.filter(pk__in=by_mentor, anonymised_at__isnull=True)
                      .select_related("user"))
        for person, user, address in _recipients(people, today):
            claim = notification_claim(user=user, kind=NotificationLog.Kind.REMINDER,
                                       period=week_key(today))
            if claim is None:
                continue
            rows = by_mentor[person.pk]
            items = [(r, site_url(reverse("pairing:meeting_create", args=[r.mentorship.pk])))
                     for r in rows]
            context = {"person": person, "items": items, "today": today,
                       "settings_url": site_url(reverse("cycle:notification_settings")),
                       "site_url": settings.SITE_URL}
            sent += _send(claim=claim, to=address, template="reminder", context=context,
                          subject=_("Mentoring: time to meet your mentee"))
    return sent


# --------------------------------------------------------------------------- preferences


@transaction.atomic
def user_reminders_set(*, user: User, receive: bool) -> User:
    """Turn the user's e-mail reminders and digests on or off. Audited when it changes."""
    before = user.receive_reminders
    if before != receive:
        user.receive_reminders = receive
        user.save(update_fields=["receive_reminders"])
        audit_record(actor=user, verb="user.reminders_set", target=user,
                     changes={"receive_reminders": [before, receive]})
    return user
