"""Wiring of the audit trail: which models django-auditlog follows, how each entry learns
its organisation (and person), and the login records.

Registration lives here, at the top of the app graph, so the lower apps need no change:
each registered model gets a `get_additional_data()` (auditlog's hook) that returns the
organisation id (a director sees only their organisation's entries) and, for a person's
own rows, the person id (their subject-access archive and erasure find them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist

# model label -> (path to the organisation id, path to the person id or None)
AUDITED_MODELS: dict[str, tuple[str, str | None]] = {
    "participants.Person": ("organisation_id", "pk"),
    "participants.ProgrammeRole": ("person.organisation_id", "person_id"),
    "participants.Consent": ("person.organisation_id", "person_id"),
    "pairing.Mentorship": ("programme.organisation_id", None),
    "pairing.MentorshipMember": ("mentorship.programme.organisation_id", "mentee.person_id"),
    "monitoring.Indicator": ("programme.organisation_id", None),
    "monitoring.IndicatorPlan": ("indicator.programme.organisation_id", None),
    "monitoring.IndicatorFact": ("indicator.programme.organisation_id", None),
    "monitoring.Headcount": ("organisation_id", None),
    "programmes.Programme": ("organisation_id", None),
    "programmes.Task": ("programme.organisation_id", None),
    "programmes.Activity": ("programme.organisation_id", None),
    "programmes.ActivityExecution": ("activity.programme.organisation_id", None),
    "programmes.ProgrammeForm": ("programme.organisation_id", None),
}
M2M_FIELDS: dict[str, set[str]] = {"participants.ProgrammeRole": {"forms", "competencies"}}
# Timestamps change on every save and say nothing the entry's own time does not.
EXCLUDED_FIELDS = ["created_at", "updated_at"]


def _resolve(instance: Any, path: str) -> Any:
    value = instance
    try:
        for part in path.split("."):
            value = getattr(value, part)
    except (ObjectDoesNotExist, AttributeError):
        return None
    return value


def _additional_data(organisation_path: str,
                     person_path: str | None) -> Callable[[Any], dict[str, Any]]:
    def get_additional_data(self: Any) -> dict[str, Any]:
        data: dict[str, Any] = {"organisation_id": _resolve(self, organisation_path)}
        if person_path is not None:
            data["person_id"] = _resolve(self, person_path)
        return data

    return get_additional_data


def register_models() -> None:
    from auditlog.registry import auditlog

    for label, (organisation_path, person_path) in AUDITED_MODELS.items():
        model = apps.get_model(label)
        model.get_additional_data = _additional_data(organisation_path, person_path)
        if not auditlog.contains(model):
            # Own columns only: the diff would otherwise list every reverse relation.
            fields = [f.name for f in model._meta.concrete_fields
                      if f.name not in EXCLUDED_FIELDS]
            auditlog.register(model, include_fields=fields,
                              m2m_fields=M2M_FIELDS.get(label, set()))


def connect_signals() -> None:
    from auditlog.signals import post_log
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    user_logged_in.connect(_on_login, dispatch_uid="privacy_login")
    user_login_failed.connect(_on_login_failed, dispatch_uid="privacy_login_failed")
    post_log.connect(_on_person_logged, sender=apps.get_model("participants.Person"),
                     dispatch_uid="privacy_person_anonymised")


def _address(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _on_login(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    from .services import login_record

    login_record(user=user, username=user.get_username(), success=True,
                 ip_address=_address(request))


def _on_login_failed(sender: Any, credentials: dict[str, Any] | None = None,
                     request: Any = None, **kwargs: Any) -> None:
    from .services import login_record

    username = str((credentials or {}).get("username", ""))
    login_record(user=None, username=username, success=False, ip_address=_address(request))


def _on_person_logged(sender: Any, instance: Any, instance_old: Any = None,
                      log_created: bool = False, **kwargs: Any) -> None:
    """However a person gets anonymised (on request, after a revocation, at the end of
    retention), the change log must not keep their former name: when the entry that sets
    `anonymised_at` is written, the person's values are blanked from the whole log."""
    if not log_created or instance_old is None:
        return
    if instance_old.anonymised_at is not None or getattr(instance, "anonymised_at",
                                                         None) is None:
        return
    from .services import audit_redact_person

    audit_redact_person(person_id=instance.pk,
                        names=[instance_old.full_name, instance_old.short_name])
