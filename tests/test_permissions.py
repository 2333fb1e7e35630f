"""The permission matrix: every view, every role. 302 is the login redirect; 404 hides an
object of another organisation or pair; 403 is a page of one's own programme that the role
may not open."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from .conftest import ROLES, World

UrlFor = Callable[[World], str]

# view name -> (url builder, expected status per role in ROLES order)
MATRIX: dict[str, tuple[UrlFor, tuple[int, ...]]] = {
    #                anonymous admin dir cur mentor mentee o_mentee o_cur coord
    "home": (lambda w: reverse("home"),
             (302, 200, 200, 200, 200, 200, 200, 200, 200)),
    "programme_list": (lambda w: reverse("programme_list"),
                       (302, 200, 200, 200, 200, 200, 200, 200, 200)),
    "programme_detail": (lambda w: reverse("programme_detail", args=[w.programme.pk]),
                         (302, 200, 200, 200, 200, 200, 200, 404, 404)),
    "participants:list": (lambda w: reverse("participants:list", args=[w.programme.pk]),
                          (302, 200, 200, 200, 403, 403, 403, 404, 404)),
    "participants:detail": (lambda w: reverse("participants:detail",
                                              args=[w.people["mentee"].pk]),
                            (302, 200, 200, 200, 404, 200, 404, 404, 404)),
    "pairing:mentorship_list": (lambda w: reverse("pairing:mentorship_list",
                                                  args=[w.programme.pk]),
                                (302, 200, 200, 200, 200, 200, 200, 404, 404)),
    "pairing:mentorship_detail": (lambda w: reverse("pairing:mentorship_detail",
                                                    args=[w.pair.pk]),
                                  (302, 200, 200, 200, 200, 200, 404, 404, 404)),
    "pairing:request_list": (lambda w: reverse("pairing:request_list", args=[w.programme.pk]),
                             (302, 200, 200, 200, 403, 403, 403, 404, 404)),
    "user_list": (lambda w: reverse("user_list"),
                  (302, 200, 403, 403, 403, 403, 403, 403, 403)),
    "organisation_list": (lambda w: reverse("organisation_list"),
                          (302, 200, 403, 403, 403, 403, 403, 403, 403)),
    "monitoring:region": (lambda w: reverse("monitoring:region"),
                          (302, 403, 403, 403, 403, 403, 403, 403, 200)),
    "admin:index": (lambda w: reverse("admin:index"),
                    (302, 200, 302, 302, 302, 302, 302, 302, 302)),
}

CASES = [
    pytest.param(view, role, expected, id=f"{view}-{role}")
    for view, (_, statuses) in MATRIX.items()
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("view", "role", "expected"), CASES)
def test_permission_matrix(world: World, view: str, role: str, expected: int) -> None:
    url = MATRIX[view][0](world)
    response = world.client_for(role).get(url)
    assert response.status_code == expected
    if expected == 302 and role == "anonymous":
        assert "login" in response["Location"]


@pytest.mark.django_db
def test_foreign_mentorship_is_404_for_curator(world: World) -> None:
    url = reverse("pairing:mentorship_detail", args=[world.foreign_pair.pk])
    assert world.client_for("curator").get(url).status_code == 404
    assert world.client_for("other_curator").get(url).status_code == 200


@pytest.mark.django_db
def test_mentor_sees_only_own_mentorships(world: World) -> None:
    url = reverse("pairing:mentorship_list", args=[world.programme.pk])
    page = world.client_for("mentor").get(url).context["page_obj"]
    assert [m.pk for m in page] == [world.pair.pk]


@pytest.mark.django_db
def test_mentee_of_another_pair_does_not_see_the_pair(world: World) -> None:
    url = reverse("pairing:mentorship_list", args=[world.programme.pk])
    page = world.client_for("other_mentee").get(url).context["page_obj"]
    assert [m.pk for m in page] == [world.other_pair.pk]


@pytest.mark.django_db
def test_curator_sees_all_pairs_of_own_programme_only(world: World) -> None:
    url = reverse("pairing:mentorship_list", args=[world.programme.pk])
    page = world.client_for("curator").get(url).context["page_obj"]
    assert {m.pk for m in page} == {world.pair.pk, world.other_pair.pk}


@pytest.mark.django_db
def test_participant_list_shows_only_own_organisation(world: World) -> None:
    url = reverse("participants:list", args=[world.programme.pk])
    page = world.client_for("curator").get(url).context["page_obj"]
    assert {p.organisation_id for p in page} == {world.org.pk}
    names = {p.pk for p in page}
    assert world.people["other_curator"].pk not in names
    assert world.people["mentee"].pk in names


@pytest.mark.django_db
def test_coordinator_sees_counts_and_no_person(world: World) -> None:
    response = world.client_for("coordinator").get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-role="coordinator"' in content
    # The page body (the menu names the coordinator themself).
    main = content.split("<main", 1)[1]
    assert "Горный техникум" in main
    for person in world.people.values():
        assert person.full_name not in main
        assert person.last_name not in main


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "expected_role"), [
    ("admin", "admin"), ("director", "director"), ("curator", "curator"),
    ("mentor", "mentor"), ("mentee", "mentee"), ("coordinator", "coordinator"),
    ("other_curator", "curator"),
])
def test_each_role_lands_on_its_home(world: World, role: str, expected_role: str) -> None:
    response = world.client_for(role).get(reverse("home"))
    assert f'data-role="{expected_role}"' in response.content.decode()


@pytest.mark.django_db
def test_mentee_home_names_the_mentor(world: World) -> None:
    response = world.client_for("mentee").get(reverse("home"))
    assert world.people["mentor"].full_name in response.content.decode()
