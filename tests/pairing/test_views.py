"""Pages of pairing: the permission matrix of every view, the happy paths a curator and a
mentee rely on, and query counts of the lists."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from pairing import services
from pairing.models import (
    Exclusion,
    MatchRun,
    MatchSettings,
    MatchSuggestion,
    MentorshipMember,
    MentorshipRequest,
)
from pairing.selectors import (
    board_mentor_cards,
    board_unmatched,
    mentor_list_for_programme,
    request_list_for_programme,
)
from participants.models import ProgrammeRole
from tests.conftest import ROLES

from .conftest import Scene

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def board_scene(scene: Scene) -> dict[str, object]:
    """A finished run with a proposal, an unmatched mentee, an exclusion."""
    req = scene.mentee_with_request(comps=("Адаптация",))
    scene.mentee_with_request(consent=False)
    run = services.match_run_create(programme=scene.world.programme, form=scene.ts,
                                    acting_user=None)
    run = services.match_run_execute(run_id=run.pk)
    suggestion = MatchSuggestion.objects.get(run=run, mentee=req.mentee)
    exclusion = Exclusion.objects.create(programme=scene.world.programme,
                                         mentor=scene.mentor, mentee=req.mentee)
    member = MentorshipMember.objects.get(mentorship=scene.world.pair)
    return {"scene": scene, "run": run, "suggestion": suggestion, "exclusion": exclusion,
            "member": member, "request": scene.world.request_}


Url = Callable[[dict[str, object]], str]


def _p(b: dict[str, object]) -> int:
    return b["scene"].world.programme.pk  # type: ignore[attr-defined,no-any-return]


#                                       anon admin dir  cur  mentor mentee o_mentee o_cur coord
GET: dict[str, tuple[Url, tuple[int, ...], dict[str, str]]] = {
    "board": (lambda b: reverse("pairing:board", args=[_p(b)]),
              (302, 200, 200, 200, 403, 403, 403, 404, 404), {}),
    "run_status": (lambda b: reverse("pairing:run_status", args=[b["run"].pk]),  # type: ignore[attr-defined]
                   (302, 200, 200, 200, 404, 404, 404, 404, 404), HTMX),
    "reassign": (lambda b: reverse("pairing:suggestion_reassign",
                                   args=[b["suggestion"].pk]),  # type: ignore[attr-defined]
                 (302, 200, 403, 200, 404, 404, 404, 404, 404), {}),
    "request_list": (lambda b: reverse("pairing:request_list", args=[_p(b)]),
                     (302, 200, 200, 200, 403, 403, 403, 404, 404), {}),
    "request_create": (lambda b: reverse("pairing:request_create", args=[_p(b)]),
                       (302, 200, 403, 200, 403, 403, 403, 404, 404), {}),
    "my_requests": (lambda b: reverse("pairing:my_requests", args=[_p(b)]),
                    (302, 403, 403, 403, 403, 200, 200, 404, 404), {}),
    "request_edit": (lambda b: reverse("pairing:request_edit",
                                       args=[b["request"].pk]),  # type: ignore[attr-defined]
                     (302, 200, 403, 200, 404, 200, 404, 404, 404), {}),
    "mentor_list": (lambda b: reverse("pairing:mentor_list", args=[_p(b)]),
                    (302, 200, 200, 200, 403, 403, 403, 404, 404), {}),
    "mentor_add": (lambda b: reverse("pairing:mentor_add", args=[_p(b)]),
                   (302, 200, 403, 200, 403, 403, 403, 404, 404), {}),
    "mentor_edit": (lambda b: reverse("pairing:mentor_edit",
                                      args=[b["scene"].mentor.pk]),  # type: ignore[attr-defined]
                    (302, 200, 403, 200, 404, 404, 404, 404, 404), {}),
    "match_settings": (lambda b: reverse("pairing:match_settings", args=[_p(b)]),
                       (302, 200, 403, 200, 403, 403, 403, 404, 404), {}),
    "mentorship_create": (lambda b: reverse("pairing:mentorship_create", args=[_p(b)]),
                          (302, 200, 403, 200, 403, 403, 403, 404, 404), {}),
    "member_end": (lambda b: reverse("pairing:member_end",
                                     args=[b["member"].pk]),  # type: ignore[attr-defined]
                   (302, 200, 403, 200, 404, 404, 404, 404, 404), {}),
    "order_pdf": (lambda b: reverse("pairing:order_pdf", args=[_p(b)]),
                  (302, 200, 200, 200, 403, 403, 403, 404, 404), {}),
}
# A successful POST redirects back (302) to the page it came from.
POST: dict[str, tuple[Url, tuple[int, ...]]] = {
    "run_start": (lambda b: reverse("pairing:run_start", args=[_p(b)]),
                  (302, 302, 403, 302, 403, 403, 403, 404, 404)),
    "accept": (lambda b: reverse("pairing:suggestion_accept",
                                 args=[b["suggestion"].pk]),  # type: ignore[attr-defined]
               (302, 302, 403, 302, 404, 404, 404, 404, 404)),
    "reject": (lambda b: reverse("pairing:suggestion_reject",
                                 args=[b["suggestion"].pk]),  # type: ignore[attr-defined]
               (302, 302, 403, 302, 404, 404, 404, 404, 404)),
    "accept_all": (lambda b: reverse("pairing:run_accept_all",
                                     args=[b["run"].pk]),  # type: ignore[attr-defined]
                   (302, 302, 403, 302, 404, 404, 404, 404, 404)),
    "reassign_post": (lambda b: reverse("pairing:suggestion_reassign",
                                        args=[b["suggestion"].pk]),  # type: ignore[attr-defined]
                      (302, 302, 403, 302, 404, 404, 404, 404, 404)),
    "request_withdraw": (lambda b: reverse("pairing:request_withdraw",
                                           args=[b["request"].pk]),  # type: ignore[attr-defined]
                         (302, 302, 403, 302, 404, 302, 404, 404, 404)),
    "exclusion_delete": (lambda b: reverse("pairing:exclusion_delete",
                                           args=[b["exclusion"].pk]),  # type: ignore[attr-defined]
                         (302, 302, 403, 302, 404, 404, 404, 404, 404)),
}

GET_CASES = [pytest.param(v, r, e, id=f"{v}-{r}") for v, (_u, statuses, _h) in GET.items()
             for r, e in zip(ROLES, statuses, strict=True)]
POST_CASES = [pytest.param(v, r, e, id=f"{v}-{r}") for v, (_u, statuses) in POST.items()
              for r, e in zip(ROLES, statuses, strict=True)]


@pytest.mark.parametrize(("view", "role", "expected"), GET_CASES)
def test_get_permission_matrix(board_scene: dict[str, object], view: str, role: str,
                               expected: int) -> None:
    url_for, _statuses, headers = GET[view]
    response = board_scene["scene"].world.client_for(role).get(  # type: ignore[attr-defined]
        url_for(board_scene), **headers)
    assert response.status_code == expected
    if expected == 302:
        assert "login" in response["Location"]


@pytest.mark.parametrize(("view", "role", "expected"), POST_CASES)
def test_post_permission_matrix(board_scene: dict[str, object], view: str, role: str,
                                expected: int) -> None:
    scene: Scene = board_scene["scene"]  # type: ignore[assignment]
    data = {"form": scene.ts.pk, "mentor": scene.mentor.pk}
    response = scene.world.client_for(role).post(POST[view][0](board_scene), data)
    assert response.status_code == expected
    if expected == 302:
        assert ("login" in response["Location"]) == (role == "anonymous")


def test_curator_runs_reads_and_accepts_in_place(scene: Scene) -> None:
    req = scene.mentee_with_request(comps=("Математика", "Чемпионат"))
    client = scene.world.client_for("curator")
    programme = scene.world.programme
    response = client.post(reverse("pairing:run_start", args=[programme.pk]),
                           {"form": scene.ts.pk})
    run = MatchRun.objects.get(programme=programme)
    assert run.status == MatchRun.Status.DONE
    assert response["Location"].endswith(f"?form={scene.ts.pk}&run={run.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "Совпадение компетенций: 2 из 2 (+40)" in page
    assert req.mentee.person.full_name in page
    suggestion = MatchSuggestion.objects.get(run=run, mentee=req.mentee)
    partial = client.post(reverse("pairing:suggestion_accept", args=[suggestion.pk]), **HTMX)
    body = partial.content.decode()
    assert partial.status_code == 200
    assert body.lstrip().startswith('<div id="board-body">')
    assert "<html" not in body
    assert 'data-status="accepted"' in body
    suggestion.refresh_from_db()
    assert suggestion.status == MatchSuggestion.Status.ACCEPTED
    again = client.post(reverse("pairing:suggestion_accept", args=[suggestion.pk]), **HTMX)
    assert str(services.ALREADY_DECIDED) in again.content.decode()


def test_reassign_lists_ranked_candidates_and_moves_the_mentee(scene: Scene) -> None:
    req = scene.mentee_with_request(comps=("Адаптация",))
    run = services.match_run_execute(run_id=services.match_run_create(
        programme=scene.world.programme, form=scene.ts, acting_user=None).pk)
    suggestion = MatchSuggestion.objects.get(run=run, mentee=req.mentee)
    assert suggestion.mentor_id == scene.ivanova.pk
    client = scene.world.client_for("curator")
    url = reverse("pairing:suggestion_reassign", args=[suggestion.pk])
    listing = client.get(url, **HTMX)
    text = listing.content.decode()
    assert scene.mentor.person.full_name in text and "<html" not in text
    assert "свободных мест" in text or "свободное место" in text
    full_page = client.get(url)
    assert "<html" in full_page.content.decode()
    moved = client.post(url, {"mentor": scene.mentor.pk}, **HTMX)
    assert moved.status_code == 200
    suggestion.refresh_from_db()
    assert suggestion.mentor_id == scene.mentor.pk


def test_board_without_scripts_redirects_back_with_a_message(board_scene: dict) -> None:
    scene: Scene = board_scene["scene"]
    suggestion: MatchSuggestion = board_scene["suggestion"]
    client = scene.world.client_for("curator")
    response = client.post(reverse("pairing:suggestion_reject", args=[suggestion.pk]),
                           {"page": "1"}, follow=True)
    assert response.status_code == 200
    assert suggestion.mentee.person.short_name in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == MatchSuggestion.Status.REJECTED


def test_mentee_files_own_request(scene: Scene) -> None:
    client = scene.world.client_for("mentee")
    url = reverse("pairing:my_requests", args=[scene.world.programme.pk])
    page = client.get(url).content.decode()
    assert 'id="request-form"' in page
    employer = scene.mentor_role(forms=(scene.es,), category="employer")
    response = client.post(url, {
        "form": scene.es.pk, "category": "professional", "goal": "Практика на шахте",
        "competencies": [scene.comps["Охрана труда"].pk], "pref1": employer.pk})
    assert response.status_code == 302
    req = MentorshipRequest.objects.get(form=scene.es, mentee__person=scene.world.people["mentee"])
    assert req.created_by == scene.world.users["mentee"]
    assert [p.mentor_id for p in req.preferences.all()] == [employer.pk]
    # The same form again: the error is on the page, nothing is created.
    again = client.post(url, {"form": scene.es.pk, "category": "professional"})
    assert again.status_code == 200
    assert str(services.OPEN_REQUEST_EXISTS) in again.content.decode()


def test_curator_files_request_and_edits_a_mentor(scene: Scene) -> None:
    client = scene.world.client_for("curator")
    programme = scene.world.programme
    mentee = ProgrammeRole.objects.get(person=scene.world.people["other_mentee"],
                                       role=ProgrammeRole.Role.MENTEE)
    response = client.post(reverse("pairing:request_create", args=[programme.pk]), {
        "mentee": mentee.pk, "form": scene.ss.pk, "category": "adaptation",
        "pref1": "", "pref2": ""})
    assert response.status_code == 302
    assert MentorshipRequest.objects.filter(mentee=mentee, form=scene.ss).exists()
    edit = client.post(reverse("pairing:mentor_edit", args=[scene.ivanova.pk]), {
        "capacity": 4, "served_forms": [scene.ts.pk, scene.ss.pk],
        "competencies": [scene.comps["Адаптация"].pk], "trained_on": "2024-10-15",
        "is_active": "on", "pref1": mentee.pk})
    assert edit.status_code == 302
    scene.ivanova.refresh_from_db()
    assert scene.ivanova.capacity == 4 and scene.ivanova.trained_on == dt.date(2024, 10, 15)
    assert list(scene.ivanova.preferred_mentees.values_list("mentee_id", flat=True)) == [
        mentee.pk]
    listing = client.get(reverse("pairing:mentor_list", args=[programme.pk])).content.decode()
    assert "15.10.2024" in listing


def test_settings_are_saved_and_used_by_the_next_run(scene: Scene) -> None:
    client = scene.world.client_for("curator")
    url = reverse("pairing:match_settings", args=[scene.world.programme.pk])
    response = client.post(url, {
        "objective": "best_scores", "weight_competencies": 70, "weight_specialty": 0,
        "weight_employer": 0, "weight_mentee_preference": 10, "weight_mentor_preference": 5,
        "weight_load": 0, "group_mentees": "on"})
    assert response.status_code == 302
    settings = MatchSettings.objects.get(programme=scene.world.programme)
    assert (settings.weight_competencies, settings.require_training) == (70, False)
    run = services.match_run_create(programme=scene.world.programme, form=scene.ts,
                                    acting_user=None)
    assert run.params["weights"]["competencies"] == 70
    assert run.params["objective"] == "best_scores"
    bad = client.post(url, {"objective": "best_scores", "weight_competencies": 500})
    assert bad.status_code == 200


def test_order_pdf_lists_pairs_by_form(scene: Scene) -> None:
    response = scene.world.client_for("director").get(
        reverse("pairing:order_pdf", args=[scene.world.programme.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "ПРИКАЗ" in text
    assert "педагог – студент" in text
    assert scene.world.people["mentor"].full_name in text
    assert scene.world.people["mentee"].full_name in text


def test_curator_ends_a_membership_early(board_scene: dict) -> None:
    scene: Scene = board_scene["scene"]
    member: MentorshipMember = board_scene["member"]
    client = scene.world.client_for("curator")
    response = client.post(reverse("pairing:member_end", args=[member.pk]), {
        "left_on": "2024-12-01", "reason": "Не сложилось взаимодействие"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active and member.left_reason == "Не сложилось взаимодействие"
    detail = client.get(reverse("pairing:mentorship_detail", args=[member.mentorship_id]))
    assert "Не сложилось взаимодействие" in detail.content.decode()


def test_navigation_has_the_board_and_my_request(scene: Scene) -> None:
    board = reverse("pairing:board", args=[scene.world.programme.pk])
    mine = reverse("pairing:my_requests", args=[scene.world.programme.pk])
    assert board in scene.world.client_for("curator").get(reverse("home")).content.decode()
    assert mine in scene.world.client_for("mentee").get(reverse("home")).content.decode()


# --------------------------------------------------------------------------- query counts

def _queries(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_board_queries_do_not_grow(scene: Scene) -> None:
    for _ in range(3):
        scene.mentor_role(forms=(scene.ts,), capacity=2, comps=("Адаптация",))
        scene.mentee_with_request(comps=("Адаптация",))
        scene.mentee_with_request(consent=False)
    programme = scene.world.programme

    def read() -> None:
        run = services.match_run_execute(run_id=services.match_run_create(
            programme=programme, form=scene.ts, acting_user=None).pk)
        _page, cards = board_mentor_cards(run=run, page=1)
        for card in cards:
            _ = [(s.mentee.person.full_name, s.mentee.person.study_group, s.request.goal,
                  s.lines) for s in card.suggestions]
        for s in board_unmatched(run=run, page=1):
            _ = (s.mentee.person.full_name, s.reason_text, s.request.category)
        MatchRun.objects.filter(programme=programme).update(status=MatchRun.Status.DONE)

    small = _queries(read)
    for _ in range(4):
        scene.mentor_role(forms=(scene.ts,), capacity=2, comps=("Математика",))
        scene.mentee_with_request(comps=("Математика",))
        scene.mentee_with_request(consent=False)
    assert _queries(read) == small


def test_mentor_and_request_lists_queries_do_not_grow(scene: Scene) -> None:
    programme = scene.world.programme

    def read() -> None:
        for m in mentor_list_for_programme(programme=programme):
            _ = (m.person.full_name, m.load, list(m.forms.all()), list(m.competencies.all()),
                 [p.mentee.person.short_name for p in m.preferred_mentees.all()])
        for r in request_list_for_programme(programme=programme, with_preferences=True):
            _ = (r.form.name, r.mentee.person.study_group, list(r.competencies.all()),
                 [p.mentor.person.short_name for p in r.preferences.all()])

    for _ in range(3):
        scene.mentor_role(forms=(scene.ts,), comps=("Адаптация",))
        scene.mentee_with_request(comps=("Адаптация",))
    small = _queries(read)
    for _ in range(4):
        m = scene.mentor_role(forms=(scene.ts, scene.ss), comps=("Математика", "Адаптация"))
        r = scene.mentee_with_request(comps=("Математика",))
        services.request_update(request=r, form=scene.ts, category="academic",
                                acting_user=None, preferred_mentors=[m])
    assert _queries(read) == small == 7
