"""Consent pages: who may see and change them, the printed forms (PDF text), the upload's
type and size checks, the register's filters, its query count and its export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mentorship.models import AuditEntry
from participants.models import Consent, Person, StudyGroup

from ..conftest import ROLES, World
from ..factories import ConsentFactory, PersonFactory, StudyGroupFactory
from .test_exports import csv_lines, xlsx_rows

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def consent_with_scan(world: World) -> Consent:
    """A consent of the first college's mentee with a stored scan (also used by the
    outsider walk)."""
    consent = ConsentFactory(person=world.people["mentee"], number="С-1")
    consent.document.save("scan.pdf", ContentFile(PDF), save=True)
    return consent


def consent_group(world: World) -> StudyGroup:
    """A study group of the first college with the mentee in it."""
    group = (StudyGroup.objects.filter(organisation=world.org, name="ТМ-21").first()
             or StudyGroupFactory(organisation=world.org, name="ТМ-21"))
    Person.objects.filter(pk=world.people["mentee"].pk).update(study_group=group)
    return group


def _urls(world: World) -> dict[str, str]:
    p, m = world.programme.pk, world.people["mentee"].pk
    return {
        "register": reverse("participants:consent_register", args=[p]),
        "export": reverse("participants:consent_export", args=[p, "csv"]),
        "form_person": reverse("participants:consent_form_person", args=[p, m]),
        "form_group": reverse("participants:consent_form_group",
                              args=[p, consent_group(world).pk]),
        "new": reverse("participants:consent_new", args=[m]),
        "revoke": reverse("participants:consent_revoke", args=[m]),
        "document": reverse("participants:consent_document", args=[consent_with_scan(world).pk]),
    }


# ROLES: anonymous admin director curator mentor mentee other_mentee other_curator coordinator
READ = (302, 200, 200, 200, 403, 403, 403, 404, 404)
MATRIX = {
    "register": READ,
    "export": READ,
    "form_person": READ,
    "form_group": READ,
    "new": (302, 200, 403, 200, 404, 404, 404, 404, 404),
    "revoke": (302, 200, 403, 200, 404, 404, 404, 404, 404),
    "document": (302, 200, 200, 200, 404, 404, 404, 404, 404),
}


@pytest.mark.parametrize(("view", "role", "expected"), [
    (view, role, status) for view, statuses in MATRIX.items()
    for role, status in zip(ROLES, statuses, strict=True)])
def test_permission_matrix(world: World, settings: Any, tmp_path: Any, view: str, role: str,
                           expected: int) -> None:
    settings.MEDIA_ROOT = tmp_path
    response = world.client_for(role).get(_urls(world)[view])
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/") or "login" in response[
            "Location"]


def _pdf_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_the_group_form_has_one_prefilled_form_per_person_with_the_right_lines(
        world: World) -> None:
    today = timezone.localdate()
    group = StudyGroupFactory(organisation=world.org, name="ЭЛ-11")
    adult = PersonFactory(organisation=world.org, study_group=group, last_name="Взрослов",
                          birth_date=today.replace(year=today.year - 19))
    teen = PersonFactory(organisation=world.org, study_group=group, last_name="Подростков",
                         birth_date=today.replace(year=today.year - 15))
    PersonFactory(organisation=world.org, study_group=group, last_name="Безданных",
                  birth_date=None)
    world.org.inn = "4205001234"
    world.org.save()
    response = world.client_for("curator").get(
        reverse("participants:consent_form_group", args=[world.programme.pk, group.pk]))
    assert response["Content-Type"] == "application/pdf"
    pages = _pdf_text(response.content)
    text = "\n".join(pages)
    assert text.count("СОГЛАСИЕ") == 3
    for name in ("Безданных", "Взрослов", "Подростков"):
        assert sum(name in page for page in pages) == 1  # each on its own page(s)
    assert "4205001234" in text and world.org.name.split()[0] in text
    assert f"31.12.{world.programme.end_year}" in text
    assert "отозвано" in text  # the right to revoke
    assert adult.birth_date.strftime("%d.%m.%Y") in text
    teen_page = next(p for p in pages if "Подростков" in p)
    adult_page = next(p for p in pages if "Взрослов" in p)
    unknown_page = next(p for p in pages if "Безданных" in p)
    assert "законный представитель" in teen_page.split("Субъект")[0] or (
        "Родитель или законный представитель" in teen_page)
    assert "Родитель или законный представитель" not in adult_page
    assert "Дата рождения не указана" in unknown_page
    assert teen.pk


def test_the_upload_checks_type_by_content_and_size(world: World, settings: Any,
                                                    tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    mentee = world.people["mentee"]
    url = reverse("participants:consent_new", args=[mentee.pk])
    client = world.client_for("curator")
    today = timezone.localdate().isoformat()

    def post(name: str, content: bytes, **extra: str) -> Any:
        data = {"signer": "self", "signed_on": today, "number": "", **extra,
                "document": SimpleUploadedFile(name, content)}
        return client.post(url, data)

    fake = post("scan.pdf", b"MZ\x90\x00 not a pdf at all")
    assert fake.status_code == 200
    assert "проверено содержимое" in fake.content.decode()
    renamed = post("scan.pdf", PNG)  # a PNG named .pdf
    assert renamed.status_code == 200
    settings_max = 10 * 1024 * 1024
    big = post("scan.pdf", b"%PDF-" + b"0" * settings_max)
    assert big.status_code == 200 and "больше 10 МБ" in big.content.decode()
    assert not Consent.objects.filter(person=mentee).exists()

    ok = post("Скан согласия.png", PNG)
    assert ok.status_code == 302
    consent = Consent.objects.get(person=mentee)
    assert consent.document.name.endswith(".png")
    assert "Скан" not in consent.document.name and len(consent.document.name) > 30
    assert consent.recorded_by == world.users["curator"]
    assert AuditEntry.objects.filter(verb="consent.recorded", target_id=str(consent.pk)).exists()
    served = client.get(reverse("participants:consent_document", args=[consent.pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PNG


def test_a_paper_consent_needs_a_number_and_the_wrong_signer_is_refused(world: World) -> None:
    mentee = world.people["mentee"]  # born 14.03.2005: an adult
    url = reverse("participants:consent_new", args=[mentee.pk])
    client = world.client_for("curator")
    today = timezone.localdate().isoformat()
    no_number = client.post(url, {"signer": "self", "signed_on": today})
    assert "номер бумажного согласия" in no_number.content.decode()
    wrong = client.post(url, {"signer": "representative", "signed_on": today, "number": "5",
                              "representative_name": "Иванова А. П."})
    assert "18 лет и старше" in wrong.content.decode()
    page = client.get(url)
    assert 'value="self" selected' in page.content.decode() or "selected" in page.content.decode()
    assert client.post(url, {"signer": "self", "signed_on": today, "number": "5"}
                       ).status_code == 302
    assert Consent.objects.filter(person=mentee, number="5").count() == 1
    again = client.post(url, {"signer": "self", "signed_on": today, "number": "5"})
    assert again.status_code == 200
    assert Consent.objects.filter(person=mentee, number="5").count() == 1


def test_revocation_needs_confirmation_and_records_who_and_when(world: World) -> None:
    mentee = world.people["mentee"]
    ConsentFactory(person=mentee, signed_on=dt.date(2024, 9, 1))
    url = reverse("participants:consent_revoke", args=[mentee.pk])
    client = world.client_for("curator")
    today = timezone.localdate()
    unconfirmed = client.post(url, {"revoked_on": today.isoformat()})
    assert unconfirmed.status_code == 200
    assert not Consent.objects.filter(person=mentee, revoked_on__isnull=False).exists()
    done = client.post(url, {"revoked_on": today.isoformat(), "confirm": "on"})
    assert done.status_code == 302
    consent = Consent.objects.get(person=mentee)
    assert consent.revoked_on == today and consent.revoked_by == world.users["curator"]
    register = client.get(reverse("participants:consent_register", args=[world.programme.pk]))
    assert 'id="flagged"' in register.content.decode()  # still in world.pair


def _register_names(world: World, **params: Any) -> list[str]:
    response = world.client_for("curator").get(
        reverse("participants:consent_register", args=[world.programme.pk]), params)
    assert response.status_code == 200
    return [p.last_name for p in response.context["page_obj"]]


def test_register_filters(world: World) -> None:
    today = timezone.localdate()
    end = dt.date(world.programme.end_year, 12, 31)
    group = StudyGroupFactory(organisation=world.org)
    valid = PersonFactory(organisation=world.org, last_name="Действующий", study_group=group)
    ConsentFactory(person=valid)
    expiring = PersonFactory(organisation=world.org, last_name="Истекающий")
    ConsentFactory(person=expiring, valid_until=end - dt.timedelta(days=100))
    revoked = PersonFactory(organisation=world.org, last_name="Отозвавший")
    ConsentFactory(person=revoked, revoked_on=today)
    PersonFactory(organisation=world.org, last_name="Безсогласия", category="teacher")
    PersonFactory(organisation=world.other_org, last_name="Чужой")

    assert _register_names(world, status="valid") == ["Действующий", "Истекающий"]
    assert _register_names(world, status="expiring") == ["Истекающий"]
    assert _register_names(world, status="revoked") == ["Отозвавший"]
    missing = _register_names(world, status="missing")
    assert "Безсогласия" in missing and "Действующий" not in missing
    assert "Чужой" not in _register_names(world)
    assert _register_names(world, group=group.pk) == ["Действующий"]
    assert "Безсогласия" in _register_names(world, status="missing", category="teacher")
    assert "Действующий" not in _register_names(world, category="teacher")


def test_register_query_count_does_not_grow(world: World) -> None:
    url = reverse("participants:consent_register", args=[world.programme.pk])
    client = world.client_for("curator")

    def grow() -> None:
        for n in range(3):
            person = PersonFactory(organisation=world.org, study_group=StudyGroupFactory(
                organisation=world.org))
            ConsentFactory(person=person, number=f"N{n}")
            ConsentFactory(person=person, signed_on=dt.date(2024, 10, 1),
                           revoked_on=dt.date(2024, 10, 2))

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    grow()
    before = count()
    grow()
    # Session, user, access (roles, coordinator), programme, groups for the filter, the
    # count, the page of people, their consents, the flagged count: fixed whatever the rows.
    assert count() == before


def test_export_is_formula_safe_filtered_and_audited(world: World) -> None:
    person = PersonFactory(organisation=world.org, last_name="=Формулов")
    ConsentFactory(person=person, number="+79130001122")
    client = world.client_for("director")
    url = reverse("participants:consent_export", args=[world.programme.pk, "csv"])
    lines = csv_lines(client.get(url, {"status": "valid"}).content)
    assert lines[0].startswith("ФИО;")
    assert len(lines) == 2
    assert lines[1].startswith("'=Формулов") and ";'+79130001122;" in lines[1]
    xlsx = client.get(reverse("participants:consent_export", args=[world.programme.pk,
                                                                   "xlsx"]))
    names = [r[0] for r in xlsx_rows(xlsx.content)[1:]]
    assert any(n.startswith("'=Формулов") for n in names)
    assert world.people["other_curator"].full_name not in names
    entry = AuditEntry.objects.filter(verb="consent.exported").first()
    assert entry is not None and entry.actor == world.users["director"]
    assert entry.organisation_id == world.org.pk
    # One record per download (with the filters), not a second one from the middleware.
    assert AuditEntry.objects.filter(verb="consent.exported").count() == 2
    assert not AuditEntry.objects.filter(verb="export.downloaded").exists()


def test_revocation_is_flagged_on_the_pair_page_home_and_person_page(world: World) -> None:
    mentee = world.people["mentee"]
    ConsentFactory(person=mentee, signed_on=dt.date(2024, 9, 1))
    curator = world.client_for("curator")
    person_page = curator.get(reverse("participants:detail", args=[mentee.pk])).content
    assert "действует" in person_page.decode()
    assert "Зарегистрировать отзыв" in person_page.decode()
    pair_url = reverse("pairing:mentorship_detail", args=[world.pair.pk])
    assert 'id="consent-revoked"' not in curator.get(pair_url).content.decode()

    Consent.objects.filter(person=mentee).update(revoked_on=timezone.localdate(),
                                                 revoked_by=world.users["curator"])

    page = curator.get(pair_url).content.decode()
    assert 'id="consent-revoked"' in page and mentee.full_name in page.split(
        'id="consent-revoked"')[1]
    # The mentor sees the pair but not the warning (it is for the curator).
    assert 'id="consent-revoked"' not in world.client_for("mentor").get(
        pair_url).content.decode()
    home = curator.get(reverse("home")).content.decode()
    flagged = home.split('id="home-consents"')[1].split("</a>")[0]
    assert "?status=flagged" in home and ">1</span>" in flagged
    person_page = curator.get(reverse("participants:detail", args=[mentee.pk])).content
    assert "нет действующего согласия" in person_page.decode()
    # The mentee's own page shows the consent but no link to the scan or the actions.
    own = world.client_for("mentee").get(reverse("participants:detail", args=[mentee.pk]))
    assert own.status_code == 200 and "Зарегистрировать отзыв" not in own.content.decode()
