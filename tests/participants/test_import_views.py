"""Import pages: the permission matrix, the journey through the client, polling, query
counts, escaping."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from participants.models import ImportBatch, Person

from ..conftest import ROLES, World
from .importfiles import HEADERS, preview, upload, xlsx_bytes

GOOD = ["Орлова", "Вера", "Павловна", "09.01.2006", "orlova@example.ru", "студент", "ПР-21", 2]
BAD = ["Лебедев", "Илья", "<b>Олегович</b>", "31.02.2006", "lebedev@example.ru", "студент",
       "ПР-21", 2]


@pytest.fixture
def batch(world: World) -> ImportBatch:
    return preview(world, xlsx_bytes([GOOD, BAD]), programme=world.programme)


UrlFor = Callable[[World, ImportBatch], str]
#                anonymous admin dir cur mentor mentee o_mentee o_cur coord
MATRIX: dict[str, tuple[UrlFor, tuple[int, ...]]] = {
    "import_list": (lambda w, b: reverse("participants:import_list"),
                    (302, 200, 200, 200, 403, 403, 403, 200, 403)),
    "import_new": (lambda w, b: reverse("participants:import_new"),
                   (302, 200, 403, 200, 403, 403, 403, 200, 403)),
    "import_template": (lambda w, b: reverse("participants:import_template"),
                        (302, 200, 403, 200, 403, 403, 403, 200, 403)),
    "import_detail": (lambda w, b: reverse("participants:import_detail", args=[b.pk]),
                      (302, 200, 200, 200, 404, 404, 404, 404, 404)),
    "import_report": (lambda w, b: reverse("participants:import_report", args=[b.pk]),
                      (302, 200, 403, 200, 404, 404, 404, 404, 404)),
    "import_file": (lambda w, b: reverse("participants:import_file", args=[b.pk]),
                    (302, 200, 403, 200, 404, 404, 404, 404, 404)),
    "export": (lambda w, b: reverse("participants:export", args=[w.programme.pk, "xlsx"]),
               (302, 200, 200, 200, 403, 403, 403, 404, 404)),
    "mentorship_export": (lambda w, b: reverse("pairing:mentorship_export",
                                               args=[w.programme.pk, "csv"]),
                          (302, 200, 200, 200, 403, 403, 403, 404, 404)),
    "request_export": (lambda w, b: reverse("pairing:request_export",
                                            args=[w.programme.pk, "xlsx"]),
                       (302, 200, 200, 200, 403, 403, 403, 404, 404)),
}
CASES = [pytest.param(view, role, expected, id=f"{view}-{role}")
         for view, (_url, statuses) in MATRIX.items()
         for role, expected in zip(ROLES, statuses, strict=True)]


@pytest.mark.django_db
@pytest.mark.parametrize(("view", "role", "expected"), CASES)
def test_permission_matrix(world: World, batch: ImportBatch, view: str, role: str,
                           expected: int) -> None:
    response = world.client_for(role).get(MATRIX[view][0](world, batch))
    assert response.status_code == expected
    if expected == 302:
        assert "login" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "expected"), list(zip(
    ROLES, (302, 302, 403, 302, 404, 404, 404, 404, 404), strict=True)))
def test_confirm_permission_matrix(world: World, batch: ImportBatch, role: str,
                                   expected: int) -> None:
    url = reverse("participants:import_confirm", args=[batch.pk])
    response = world.client_for(role).post(url)
    assert response.status_code == expected
    batch.refresh_from_db()
    if role in ("admin", "curator"):
        assert response["Location"] == reverse("participants:import_detail", args=[batch.pk])
        assert batch.status == ImportBatch.Status.DONE
    else:
        assert batch.status == ImportBatch.Status.PREVIEWED
        assert not Person.objects.filter(email="orlova@example.ru").exists()


@pytest.mark.django_db
def test_export_links_only_for_the_programme_staff(world: World) -> None:
    export = reverse("pairing:mentorship_export", args=[world.programme.pk, "xlsx"])
    page = reverse("pairing:mentorship_list", args=[world.programme.pk])
    assert export in world.client_for("curator").get(page).content.decode()
    assert export not in world.client_for("mentor").get(page).content.decode()


@pytest.mark.django_db
def test_confirm_needs_post(world: World, batch: ImportBatch) -> None:
    url = reverse("participants:import_confirm", args=[batch.pk])
    assert world.client_for("curator").get(url).status_code == 405


@pytest.mark.django_db
def test_journey_upload_check_confirm(world: World,
                                      django_capture_on_commit_callbacks: Any) -> None:
    client = world.client_for("curator")
    response = client.post(reverse("participants:import_new"), {
        "file": upload(xlsx_bytes([GOOD, BAD])), "organisation": world.org.pk,
        "programme": world.programme.pk})
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("participants:import_detail", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="previewed"' in page
    assert "Строка 3, столбец «Дата рождения»" in page
    assert "&lt;b&gt;Олегович&lt;/b&gt;" in page and "<b>Олегович" not in page
    assert 'id="confirm-form"' in page and 'id="error-report"' in page
    response = client.post(reverse("participants:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    people = client.get(reverse("participants:list", args=[world.programme.pk])).content
    assert "Орлова Вера Павловна" in people.decode()
    assert "Лебедев" not in people.decode()
    # A second click is harmless and says so.
    page = client.post(reverse("participants:import_confirm", args=[batch.pk]), follow=True)
    assert Person.objects.filter(email="orlova@example.ru").count() == 1
    assert "уже" in page.content.decode()


@pytest.mark.django_db
def test_refused_file_is_explained_on_the_form(world: World, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 1
    response = world.client_for("curator").post(reverse("participants:import_new"), {
        "file": upload(xlsx_bytes([GOOD, BAD])), "organisation": world.org.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_a_huge_upload_is_refused_before_it_is_read(world: World, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    response = world.client_for("curator").post(reverse("participants:import_new"), {
        "file": upload(b"x" * 1_200_000, "big.csv"), "organisation": world.org.pk})
    assert response.status_code == 413
    assert "1 MB" in response.content.decode() or "1 МБ" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_curator_cannot_import_into_another_organisation(world: World) -> None:
    response = world.client_for("curator").post(reverse("participants:import_new"), {
        "file": upload(xlsx_bytes([GOOD])), "organisation": world.other_org.pk,
        "programme": world.other_programme.pk})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"organisation", "programme"}
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_admin_chooses_organisation_and_a_matching_programme(world: World) -> None:
    client = world.client_for("admin")
    response = client.post(reverse("participants:import_new"), {
        "file": upload(xlsx_bytes([GOOD])), "organisation": world.org.pk,
        "programme": world.other_programme.pk})
    assert "programme" in response.context["form"].errors
    response = client.post(reverse("participants:import_new"), {
        "file": upload(xlsx_bytes([GOOD])), "organisation": world.other_org.pk,
        "programme": world.other_programme.pk, "strict": "on"})
    batch = ImportBatch.objects.get()
    assert (batch.organisation, batch.programme, batch.strict) == (
        world.other_org, world.other_programme, True)
    assert batch.status == ImportBatch.Status.PREVIEWED


@pytest.mark.django_db
def test_status_is_polled_while_running_and_the_page_reloads_at_the_end(
        world: World, batch: ImportBatch) -> None:
    client = world.client_for("curator")
    url = reverse("participants:import_detail", args=[batch.pk])
    ImportBatch.objects.filter(pk=batch.pk).update(status="importing", progress=40)
    page = client.get(url).content.decode()
    assert f'hx-get="{url}?poll=1"' in page and f'href="{url}"' in page
    partial = client.get(f"{url}?poll=1", HTTP_HX_REQUEST="true")
    assert "40%" in partial.content.decode() and "HX-Refresh" not in partial
    assert "<html" not in partial.content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(status="done", progress=100)
    partial = client.get(f"{url}?poll=1", HTTP_HX_REQUEST="true")
    assert partial["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_error_report_holds_the_bad_rows_and_can_be_uploaded_again(
        world: World, batch: ImportBatch) -> None:
    response = world.client_for("curator").get(
        reverse("participants:import_report", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0][1:9]) == HEADERS
    assert values[1][0] == 3 and values[1][1] == "Лебедев"
    assert "Дата рождения" in values[1][-1]
    fixed = [list(v) for v in values]
    fixed[1][4] = dt.datetime(2006, 2, 28)  # noqa: DTZ001
    again = preview(world, xlsx_bytes(fixed[1:], fixed[0]), programme=world.programme)
    assert again.status == ImportBatch.Status.PREVIEWED, again.error
    assert list(again.rows.values_list("outcome", flat=True)) == ["new"]


@pytest.mark.django_db
def test_original_file_is_streamed_with_its_name(world: World, batch: ImportBatch) -> None:
    response = world.client_for("curator").get(
        reverse("participants:import_file", args=[batch.pk]))
    assert b"".join(response.streaming_content) == batch.file.open("rb").read()
    assert "students.xlsx" in response["Content-Disposition"]


@pytest.mark.django_db
def test_director_sees_history_read_only(world: World, batch: ImportBatch) -> None:
    page = world.client_for("director").get(
        reverse("participants:import_detail", args=[batch.pk])).content.decode()
    assert 'id="import-rows"' in page
    assert 'id="confirm-form"' not in page and "errors.xlsx" not in page


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_import_list_query_count_does_not_grow(world: World) -> None:
    client = world.client_for("curator")
    url = reverse("participants:import_list")
    for _ in range(3):
        preview(world, xlsx_bytes([GOOD]))
    three = _queries(client, url)
    for _ in range(3):
        preview(world, xlsx_bytes([GOOD]))
    assert _queries(client, url) == three


@pytest.mark.django_db
def test_import_rows_query_count_does_not_grow(world: World) -> None:
    client = world.client_for("curator")
    rows = [[f"Фамилия{chr(1072 + i)}", "Имя", "", "01.01.2006", f"p{i}@example.ru",
             "студент", "", None] for i in range(6)]
    small = preview(world, xlsx_bytes(rows[:3]))
    large = preview(world, xlsx_bytes(rows))
    small_url = reverse("participants:import_detail", args=[small.pk])
    large_url = reverse("participants:import_detail", args=[large.pk])
    client.get(small_url)  # the user's access read once, then kept under the data version
    assert _queries(client, small_url) == _queries(client, large_url)


@pytest.mark.django_db
def test_navigation_and_home_link_to_imports(world: World) -> None:
    url = reverse("participants:import_list")
    for role in ("admin", "curator"):
        assert f'href="{url}"' in world.client_for(role).get(reverse("home")).content.decode()
    assert f'href="{url}"' not in world.client_for("mentor").get(
        reverse("home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["director", "curator", "mentor", "mentee"])
def test_outsiders_of_another_college_get_404(world: World, batch: ImportBatch,
                                              role: str) -> None:
    from django.test import Client

    from ..factories import PersonFactory, RoleFactory, UserFactory

    user = UserFactory(username=f"outsider_{role}")
    person = PersonFactory(organisation=world.other_org, user=user)
    RoleFactory(programme=world.other_programme, person=person, role=role)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    urls = [reverse(f"participants:{name}", args=[batch.pk])
            for name in ("import_detail", "import_report", "import_file")]
    urls += [reverse(name, args=[world.programme.pk, "xlsx"]) for name in (
        "participants:export", "pairing:mentorship_export", "pairing:request_export")]
    for url in urls:
        assert client.get(url).status_code == 404, url
    confirm_url = reverse("participants:import_confirm", args=[batch.pk])
    assert client.post(confirm_url).status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
