"""Exports: as on screen, own organisation only, formula-safe, CSV for Russian Excel, and a
number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from pairing.models import Mentorship

from ..conftest import World
from ..factories import MemberFactory, MentorshipFactory, PersonFactory, RoleFactory


def xlsx_rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    return list(sheet.iter_rows(values_only=True))


def csv_lines(content: bytes) -> list[str]:
    assert content.startswith(b"\xef\xbb\xbf")
    return content.decode("utf-8-sig").splitlines()


@pytest.mark.django_db
def test_participant_export_is_formula_safe_in_both_formats(world: World) -> None:
    PersonFactory(organisation=world.org, last_name="Формулов", position="=HYPERLINK(\"x\")",
                  phone="+7 913 000-11-22", email="f@example.ru")
    client = world.client_for("curator")
    xlsx = client.get(reverse("participants:export", args=[world.programme.pk, "xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    row = next(r for r in xlsx_rows(xlsx.content) if r[0] == "Формулов")
    assert "'=HYPERLINK(\"x\")" in row and "'+7 913 000-11-22" in row
    csv = client.get(reverse("participants:export", args=[world.programme.pk, "csv"]))
    line = next(r for r in csv_lines(csv.content) if r.startswith("Формулов;"))
    assert "'=HYPERLINK" in line and ";'+7 913 000-11-22;" in line
    assert "attachment" in csv["Content-Disposition"]


@pytest.mark.django_db
def test_participant_export_follows_the_filters_and_the_organisation(world: World) -> None:
    PersonFactory(organisation=world.org, last_name="Наставникова", category="employer",
                  email="n@example.ru")
    url = reverse("participants:export", args=[world.programme.pk, "xlsx"])
    rows = xlsx_rows(world.client_for("director").get(url).content)
    emails = {r[4] for r in rows[1:]}
    assert world.people["mentee"].email in emails
    assert world.people["other_curator"].email not in emails
    filtered = xlsx_rows(world.client_for("curator").get(url, {"category": "employer"}).content)
    assert [r[0] for r in filtered[1:]] == ["Наставникова"]
    by_role = xlsx_rows(world.client_for("curator").get(url, {"role": "mentor"}).content)
    assert {r[13] for r in by_role[1:]} == {"наставник"}


@pytest.mark.django_db
def test_unknown_format_is_404(world: World) -> None:
    url = reverse("participants:export", args=[world.programme.pk, "pdf"])
    assert world.client_for("curator").get(url).status_code == 404


@pytest.mark.django_db
def test_mentorship_export_lists_pairs_and_groups_with_members(world: World) -> None:
    group = MentorshipFactory(programme=world.programme, started_on=dt.date(2024, 11, 20))
    members = [MemberFactory(mentorship=group) for _ in range(2)]
    url = reverse("pairing:mentorship_export", args=[world.programme.pk, "xlsx"])
    rows = xlsx_rows(world.client_for("curator").get(url).content)
    assert len(rows) == 1 + Mentorship.objects.filter(programme=world.programme).count()
    row = next(r for r in rows if r[1] == group.mentor.person.full_name)
    assert row[2] == "; ".join(m.mentee.person.full_name for m in members)
    assert row[4] == dt.datetime(2024, 11, 20)  # noqa: DTZ001 - a date cell
    foreign = world.foreign_pair.mentor.person.full_name
    assert foreign not in {r[1] for r in rows}
    mentor = world.people["mentor"]
    mentor.last_name = "Уникальнов"
    mentor.save()
    csv = world.client_for("curator").get(
        reverse("pairing:mentorship_export", args=[world.programme.pk, "csv"]),
        {"q": "Уникальнов"})
    lines = csv_lines(csv.content)
    assert len(lines) == 2 and mentor.full_name in lines[1]
    assert "20.11.2024" not in lines[1] and "15.11.2024" in lines[1]


@pytest.mark.django_db
def test_request_export(world: World) -> None:
    url = reverse("pairing:request_export", args=[world.programme.pk, "csv"])
    lines = csv_lines(world.client_for("curator").get(url).content)
    assert len(lines) == 2
    assert lines[1].startswith(world.people["mentee"].full_name + ";")
    assert "Подтянуть успеваемость" in lines[1]
    assert len(csv_lines(world.client_for("curator").get(url, {"status": "withdrawn"})
                         .content)) == 1


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["participants:export", "pairing:mentorship_export",
                                  "pairing:request_export"])
def test_export_query_count_does_not_grow(world: World, name: str) -> None:
    from ..factories import RequestFactory

    def grow() -> None:
        for _ in range(3):
            mentor = RoleFactory(programme=world.programme, role="mentor")
            mentor.competencies.create(name=f"Компетенция {mentor.pk}")
            pair = MentorshipFactory(programme=world.programme, mentor=mentor)
            member = MemberFactory(mentorship=pair)
            request = RequestFactory(programme=world.programme, mentee=member.mentee)
            request.competencies.add(*mentor.competencies.all())

    client = world.client_for("curator")
    url = reverse(name, args=[world.programme.pk, "xlsx"])
    grow()
    before = _queries(client, url)
    grow()
    assert _queries(client, url) == before
