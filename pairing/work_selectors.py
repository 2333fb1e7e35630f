"""Reads of the pairs' work: the plan with its progress, the meeting log, the next meeting's
suggested type."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import ProgrammeRole
from programmes.models import MentoringForm

from .models import Meeting, Mentorship, MentorshipMember, PlanItem

PLAN_TITLE = _("Individual plan")
# The «педагог–педагог» form calls the plan by the name the target model gives it.
PLAN_TITLE_YOUNG_SPECIALIST = _("Personalised mentoring programme of a young specialist")

# The target model's typical sequence; after it, regular meetings.
MEETING_SEQUENCE = (Meeting.Type.ACQUAINTANCE, Meeting.Type.TRIAL, Meeting.Type.PLANNING)


@dataclass(frozen=True)
class PlanProgress:
    total: int
    done: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def plan_title(form: MentoringForm) -> str:
    teachers = {MentoringForm.Side.TEACHER, MentoringForm.Side.YOUNG_SPECIALIST}
    if form.mentor_category == MentoringForm.Side.TEACHER and form.mentee_category in teachers:
        return str(PLAN_TITLE_YOUNG_SPECIALIST)
    return str(PLAN_TITLE)


def plan_item_is_overdue(item: PlanItem, today: dt.date) -> bool:
    return (item.due_on is not None and item.due_on < today
            and item.status not in (PlanItem.Status.DONE, PlanItem.Status.CANCELLED))


def plan_progress(items: list[PlanItem], today: dt.date) -> PlanProgress:
    """Progress over the items that count (cancelled ones do not)."""
    counted = [i for i in items if i.status != PlanItem.Status.CANCELLED]
    return PlanProgress(total=len(counted),
                        done=sum(i.status == PlanItem.Status.DONE for i in counted),
                        overdue=sum(plan_item_is_overdue(i, today) for i in counted))


def mentorship_work_detail(*, mentorship: Mentorship) -> Mentorship:
    """The mentorship with members, plan items in order and meetings with attendees, for
    the pair page: six queries (mentorship, members with people, plan, meetings, attendees
    with people)."""
    return Mentorship.objects.filter(pk=mentorship.pk).select_related(
        "form", "mentor__person", "programme__organisation").prefetch_related(
        Prefetch("members", queryset=MentorshipMember.objects.select_related("mentee__person")
                 .order_by("id")),
        Prefetch("plan_items", queryset=PlanItem.objects.order_by("position", "due_on", "id")),
        Prefetch("meetings", queryset=Meeting.objects.order_by("-held_on", "-id")
                 .prefetch_related(Prefetch("attendees",
                                            queryset=ProgrammeRole.objects.select_related(
                                                "person")))),
    ).get()


def meeting_next_type(*, mentorship: Mentorship) -> str:
    """The type the next meeting most likely has: acquaintance first, then the step of the
    sequence after the last meeting's, then regular meetings."""
    last = (Meeting.objects.filter(mentorship=mentorship).order_by("-held_on", "-pk")
            .values_list("meeting_type", flat=True).first())
    if last is None:
        return MEETING_SEQUENCE[0]
    if last in MEETING_SEQUENCE[:-1]:
        return MEETING_SEQUENCE[MEETING_SEQUENCE.index(last) + 1]
    return Meeting.Type.REGULAR


def mentorship_roles(*, mentorship: Mentorship) -> list[ProgrammeRole]:
    """Who can attend: the mentor and the active mentees (then the ones who left)."""
    members = (ProgrammeRole.objects.filter(memberships__mentorship=mentorship)
               .select_related("person").order_by("-memberships__is_active",
                                                  "person__last_name"))
    mentor = ProgrammeRole.objects.select_related("person").get(pk=mentorship.mentor_id)
    return [mentor, *members]


def today() -> dt.date:
    return timezone.localdate()
