"""Privacy objects of the first college, for the outsider walk and the view tests."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from privacy.models import Incident, SubjectArchive, SubjectRequest
from tests.conftest import World


def subject_request(w: World, *, kind: str = "access", person_key: str = "mentee"
                    ) -> SubjectRequest:
    key = f"privacy_request_{kind}_{person_key}"
    if key not in w.extra:
        person = w.people[person_key]
        w.extra[key] = SubjectRequest.objects.create(
            organisation=w.org, person=person, subject_label=f"Субъект №{person.pk}",
            kind=kind, received_on=dt.date(2026, 3, 2), received_from="лично",
            deadline=dt.date(2026, 3, 16))
    return w.extra[key]


def done_archive(w: World) -> SubjectArchive:
    if "privacy_archive" not in w.extra:
        archive = SubjectArchive(request=subject_request(w), status=SubjectArchive.Status.DONE,
                                 progress=100)
        archive.file.save("a.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
        archive.save()
        w.extra["privacy_archive"] = archive
    return w.extra["privacy_archive"]


def request_with_act(w: World) -> SubjectRequest:
    request = subject_request(w)
    if not request.act:
        request.act.save("act.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return request


def incident(w: World) -> Incident:
    if "privacy_incident" not in w.extra:
        w.extra["privacy_incident"] = Incident.objects.create(
            organisation=w.org, detected_at=timezone.now() - dt.timedelta(hours=2),
            description="Утерян ноутбук", data_categories="ФИО, группа", subjects_count=30)
    return w.extra["privacy_incident"]
