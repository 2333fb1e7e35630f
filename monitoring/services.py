"""Writes for indicators, plans and facts, headcounts, regional plans and reports."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from decimal import Decimal
from functools import partial
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled

from mentorship.models import User
from mentorship.pdf import ForbiddenResourceError
from mentorship.services import audit_record
from programmes.models import Organisation, Programme, Region

from .indicators import form_catalogue, regional_catalogue
from .models import Headcount, Indicator, IndicatorFact, IndicatorPlan, RegionalPlan, Report

logger = logging.getLogger(__name__)

FACT_NEEDS_EVIDENCE = gettext_lazy(
    "A fact entered by hand needs evidence: attach a file or give a link.")
YEAR_OUTSIDE_PROGRAMME = gettext_lazy("The year %(year)s is outside the programme's period.")
EVIDENCE_TOO_LARGE = gettext_lazy("The evidence file is larger than %(limit)s MB.")
EVIDENCE_BAD_TYPE = gettext_lazy(
    "Attach a PDF, an image, a Word, Excel or OpenDocument file (not «%(ext)s»).")
UNKNOWN_REGIONAL_INDICATOR = gettext_lazy("Unknown regional indicator.")
REPORT_FAILED = gettext_lazy("The report could not be rendered: %(reason)s")

EVIDENCE_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".doc", ".docx", ".xls",
                                 ".xlsx", ".odt", ".ods"})
EVIDENCE_MAX_MB = 10
# A report claimed by a run that has given no sign of life for this long is claimed again
# (the worker died mid-render).
REPORT_STALE_AFTER = dt.timedelta(minutes=15)

# Indicators of the reference programme whose fact the product computes from live data
# (group, number) -> computation name (monitoring.indicators).
REFERENCE_COMPUTED: dict[tuple[str, int], str] = {
    (Indicator.Group.RESULT, 1): "pairs_formed_young_specialists",
    (Indicator.Group.RESULT, 4): "pairs_formed_students",
    (Indicator.Group.EFFICIENCY, 1): "share_students_mentees",
    (Indicator.Group.EFFICIENCY, 2): "share_students_mentors",
    (Indicator.Group.EFFICIENCY, 3): "share_young_specialists_mentored",
    (Indicator.Group.EFFICIENCY, 4): "share_enterprises_with_mentors",
    (Indicator.Group.EFFICIENCY, 5): "mentee_satisfaction",
    (Indicator.Group.EFFICIENCY, 6): "mentor_satisfaction",
}


@transaction.atomic
def indicators_create_from_reference(*, programme: Programme, data: Any) -> list[Indicator]:
    """Create (or refresh) the programme's result and efficiency indicators with their plan
    values from a reference data module (`RESULT_INDICATORS`, `EFFICIENCY_INDICATORS`).

    Result indicators have a baseline (the first year's value) and plans for the other
    years; efficiency indicators have a plan for every year of the period, as in seed 002.
    Idempotent."""
    created: list[Indicator] = []
    groups = (
        (Indicator.Group.RESULT, data.RESULT_INDICATORS, True),
        (Indicator.Group.EFFICIENCY, data.EFFICIENCY_INDICATORS, False),
    )
    for group, rows, has_baseline in groups:
        for row in rows:
            computation = REFERENCE_COMPUTED.get((group, row["number"]), "")
            values: dict[int, int] = row["values"]
            baseline_year = min(values)
            indicator, _ = Indicator.objects.update_or_create(
                programme=programme, group=group, number=row["number"],
                defaults={
                    "name": row["name"],
                    "unit": row["unit"],
                    "kind": row["kind"] or "",
                    "direction": row["direction"],
                    "baseline_year": baseline_year,
                    "baseline_value": Decimal(values[baseline_year]) if has_baseline else None,
                    "source": (Indicator.Source.COMPUTED if computation
                               else Indicator.Source.MANUAL),
                    "computation": computation,
                },
            )
            for year, value in values.items():
                if has_baseline and year == baseline_year:
                    continue
                IndicatorPlan.objects.update_or_create(
                    indicator=indicator, year=year, defaults={"value": Decimal(value)}
                )
            created.append(indicator)
    return created


# --------------------------------------------------------------------------- facts


def _plain(value: Any) -> Any:
    """A value as the audit log keeps it (JSON)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _evidence_name(upload: UploadedFile) -> str:
    """A random file name with the upload's extension: the stored name reveals nothing and
    cannot be guessed."""
    return f"{secrets.token_hex(16)}{PurePath(upload.name or '').suffix.lower()}"


def _check_evidence(upload: UploadedFile) -> None:
    ext = PurePath(upload.name or "").suffix.lower()
    if ext not in EVIDENCE_EXTENSIONS:
        raise ValidationError({"evidence": ValidationError(EVIDENCE_BAD_TYPE,
                                                           params={"ext": ext or "—"})})
    if (upload.size or 0) > EVIDENCE_MAX_MB * 1024 * 1024:
        raise ValidationError({"evidence": ValidationError(EVIDENCE_TOO_LARGE,
                                                           params={"limit": EVIDENCE_MAX_MB})})


def _delete_file_later(storage: Any, name: str) -> None:
    if name:
        transaction.on_commit(partial(storage.delete, name))


@transaction.atomic
def indicator_fact_set(*, indicator: Indicator, year: int, value: Decimal,
                       numerator: int | None = None, denominator: int | None = None,
                       evidence: UploadedFile | None = None, evidence_link: str = "",
                       comment: str = "", acting_user: User) -> IndicatorFact:
    """Enter (or correct) an indicator's fact for a year by hand, with evidence: a new file
    (stored under a random name, replacing the old one) or a link; a fact without either is
    refused. An entered fact takes precedence over a computed one. Records who and when,
    and the change with before and after values in the audit log, which is the fact's
    history. Raises ValidationError."""
    programme = indicator.programme
    if year not in programme.years:
        raise ValidationError({"year": ValidationError(YEAR_OUTSIDE_PROGRAMME,
                                                       params={"year": year})})
    if evidence is not None:
        _check_evidence(evidence)
    fact = (IndicatorFact.objects.select_for_update()
            .filter(indicator=indicator, year=year).first())
    created = fact is None
    if fact is None:
        fact = IndicatorFact(indicator=indicator, year=year)
    fields = ("value", "numerator", "denominator", "evidence_link", "comment")
    before = {name: _plain(getattr(fact, name)) for name in fields}
    before["evidence"] = fact.evidence.name or ""
    old_file = fact.evidence.name or ""
    fact.value = value
    fact.numerator = numerator
    fact.denominator = denominator
    fact.evidence_link = evidence_link.strip()
    fact.comment = comment.strip()
    fact.entered_by = acting_user
    if evidence is None and not old_file and not fact.evidence_link:
        raise ValidationError(FACT_NEEDS_EVIDENCE)
    if evidence is not None:
        fact.evidence.save(_evidence_name(evidence), evidence, save=False)
        _delete_file_later(fact.evidence.storage, old_file)
    try:
        fact.full_clean(exclude=["indicator"])
    except ValidationError:
        if evidence is not None:
            fact.evidence.storage.delete(fact.evidence.name)
        raise
    if created:
        fact.save()
    else:
        fact.save(update_fields=[*fields, "evidence", "entered_by", "updated_at"])
    after = {name: _plain(getattr(fact, name)) for name in fields}
    after["evidence"] = fact.evidence.name or ""
    changes: dict[str, Any] = {"year": year}
    for name, old in before.items():
        if old != after[name] or created:
            changes[name] = [None if created else old, after[name]]
    if evidence is not None:
        changes["evidence_name"] = evidence.name
    audit_record(actor=acting_user, verb="indicator.fact_set", target=indicator,
                 organisation_id=programme.organisation_id, changes=changes)
    return fact


@transaction.atomic
def indicator_fact_clear(*, indicator: Indicator, year: int, acting_user: User) -> None:
    """Remove an entered fact (a computed indicator shows its computed figure again), with
    its evidence file; the audit log keeps what it was."""
    fact = (IndicatorFact.objects.select_for_update()
            .filter(indicator=indicator, year=year).first())
    if fact is None:
        return
    changes = {"year": year, "value": [_plain(fact.value), None],
               "evidence": [fact.evidence.name or "", ""],
               "evidence_link": [fact.evidence_link, ""]}
    _delete_file_later(fact.evidence.storage, fact.evidence.name or "")
    fact.delete()
    audit_record(actor=acting_user, verb="indicator.fact_cleared", target=indicator,
                 organisation_id=indicator.programme.organisation_id, changes=changes)


# --------------------------------------------------------------------------- headcounts


HEADCOUNT_FIELDS = ("students", "young_specialists", "teachers", "partner_enterprises")


@transaction.atomic
def headcount_set(*, organisation: Organisation, year: int, acting_user: User,
                  **values: int | None) -> Headcount:
    """Enter an organisation's totals for a year (used as denominators instead of the
    people on record); an empty value falls back to the records. Audited."""
    headcount = (Headcount.objects.select_for_update()
                 .filter(organisation=organisation, year=year).first())
    created = headcount is None
    if headcount is None:
        headcount = Headcount(organisation=organisation, year=year)
    changes: dict[str, Any] = {"year": year}
    for name in HEADCOUNT_FIELDS:
        new = values.get(name)
        old = getattr(headcount, name)
        if new != old:
            changes[name] = [old, new]
        setattr(headcount, name, new)
    headcount.full_clean(exclude=["organisation"])
    if created:
        headcount.save()
    else:
        headcount.save(update_fields=list(HEADCOUNT_FIELDS))
    audit_record(actor=acting_user, verb="headcount.set", target=headcount,
                 organisation_id=organisation.pk, changes=changes)
    return headcount


# --------------------------------------------------------------------------- region


@transaction.atomic
def regional_plan_set(*, region: Region, code: str, year: int, value: Decimal | None,
                      acting_user: User) -> RegionalPlan | None:
    """Enter a regional indicator's plan for a year (None removes it). Audited. Raises
    ValidationError for a code outside the regional catalogue."""
    names = {ind.code: ind.name for ind in regional_catalogue(form_catalogue())}
    if code not in names:
        raise ValidationError({"code": ValidationError(UNKNOWN_REGIONAL_INDICATOR)})
    plan = RegionalPlan.objects.select_for_update().filter(region=region, code=code,
                                                           year=year).first()
    before = _plain(plan.value) if plan is not None else None
    if value is None:
        if plan is not None:
            plan.delete()
            audit_record(actor=acting_user, verb="regional_plan.cleared", target=region,
                         changes={"code": code, "year": year, "value": [before, None]})
        return None
    if plan is None:
        plan = RegionalPlan(region=region, code=code, year=year)
    plan.name = names[code][:300]
    plan.value = value
    plan.full_clean(exclude=["region"])
    plan.save()
    audit_record(actor=acting_user, verb="regional_plan.set", target=region,
                 changes={"code": code, "year": year, "value": [before, _plain(value)]})
    return plan


# --------------------------------------------------------------------------- reports


@transaction.atomic
def report_request(*, programme: Programme, year: int, acting_user: User,
                   language: str | None = None) -> Report:
    """Queue the annual monitoring report of a programme for a year; it is rendered in the
    background (monitoring.tasks.report_render_task) after the transaction commits. Raises
    ValidationError for a year outside the programme."""
    from .tasks import report_render_task

    if year not in programme.years:
        raise ValidationError({"year": ValidationError(YEAR_OUTSIDE_PROGRAMME,
                                                       params={"year": year})})
    report = Report(programme=programme, year=year, kind=Report.Kind.ANNUAL,
                    requested_by=acting_user,
                    language=language or translation.get_language() or "ru")
    report.full_clean()
    report.save()
    audit_record(actor=acting_user, verb="report.requested", target=report,
                 organisation_id=programme.organisation_id, changes={"year": year})
    transaction.on_commit(partial(report_render_task.delay, report.pk))
    return report


def _failure_reason(exc: Exception) -> str:
    if isinstance(exc, ForbiddenResourceError):
        return _("the document refers to a file outside the project's static files.")
    if isinstance(exc, OSError):
        return _("the file could not be written (%(error)s).") % {
            "error": exc.strerror or exc.__class__.__name__}
    return _("an unexpected error (%(error)s); the administrator can see it in the log.") % {
        "error": exc.__class__.__name__}


def report_render(*, report_id: int, take_over: bool = False) -> Report | None:
    """Render a queued report to PDF and keep the file. Safe to run twice: the run claims
    the report with a conditional update, so a report that is done, or being rendered by a
    live run, is left alone. `take_over=True` (the task was redelivered because the worker
    that ran it died) also claims a report still marked running. Only the first run to
    finish stores its file (a conditional update again); a slower duplicate deletes its
    own. Progress is saved as it goes; a failure ends in the `failed` status with a
    readable reason in the report's language."""
    from . import reports

    now = timezone.now()
    claimable = Q(status=Report.Status.QUEUED) | Q(
        status=Report.Status.RUNNING, updated_at__lt=now - REPORT_STALE_AFTER)
    if take_over:
        claimable |= Q(status=Report.Status.RUNNING)
    claimed = Report.objects.filter(pk=report_id).filter(claimable).update(
        status=Report.Status.RUNNING, progress=5, error="", updated_at=now)
    report = Report.objects.select_related("programme__organisation").filter(
        pk=report_id).first()
    if not claimed or report is None:
        return report

    def progress(percent: int) -> None:
        Report.objects.filter(pk=report_id).update(progress=percent,
                                                   updated_at=timezone.now())

    with translation.override(report.language):
        try:
            with scopes_disabled():
                pdf = reports.render_annual_report(report=report, progress=progress)
            name = f"{secrets.token_hex(16)}.pdf"
            report.file.save(name, ContentFile(pdf), save=False)
        except Exception as exc:
            logger.exception("Report %s failed", report_id)
            report.error = str(REPORT_FAILED % {"reason": _failure_reason(exc)})
            report.finished_at = timezone.now()
            Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).update(
                status=Report.Status.FAILED, error=report.error,
                finished_at=report.finished_at, updated_at=report.finished_at)
            report.refresh_from_db()
            return report
    finished_at = timezone.now()
    stored = Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).update(
        status=Report.Status.DONE, progress=100, file=report.file.name,
        finished_at=finished_at, updated_at=finished_at)
    if not stored:  # a duplicate run finished first and keeps its file
        report.file.delete(save=False)
    report.refresh_from_db()
    return report
