"""Project-wide services: the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEntry, User


def audit_record(
    *,
    actor: User | None,
    verb: str,
    target: models.Model | None = None,
    organisation_id: int | None = None,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit log. `verb` is `<entity>.<action>` (e.g.
    `mentorship.created`); `changes` maps a field to `[before, after]`. Never raises for a
    missing target; the entry keeps a text copy of the target so it survives deletion."""
    entry = AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        verb=verb,
        organisation_id=organisation_id,
        changes=changes or {},
        ip_address=ip_address,
    )
    if target is not None:
        entry.target_type = target._meta.label_lower
        entry.target_id = str(target.pk)
        entry.target_repr = str(target)[:255]
    entry.save()
    return entry
