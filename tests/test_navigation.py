"""The menu: what each role is offered, and one active entry on every page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import World


def _flat(nav_items: list[dict]) -> list[dict]:
    return [c for item in nav_items for c in item.get("children", [item])]


@pytest.mark.django_db
def test_only_the_deepest_matching_entry_is_active(world: World) -> None:
    url = reverse("participants:list", args=[world.programme.pk])
    nav = world.client_for("curator").get(url).context["nav_items"]
    active = [e["url"] for e in _flat(nav) if e["active"]]
    assert active == [url]
    programme = next(i for i in nav if i["title"] == "Программа")
    assert not programme["active"]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "offered", "not_offered"), [
    ("curator", {"pairing:board", "participants:import_list", "monitoring:dashboard"}, set()),
    ("director", {"monitoring:dashboard", "participants:list"},
     {"pairing:board", "participants:import_list"}),
    ("mentor", {"pairing:mentorship_list"}, {"participants:list", "monitoring:dashboard"}),
    ("mentee", {"pairing:my_requests"}, {"participants:list", "pairing:board"}),
])
def test_menu_per_role(world: World, role: str, offered: set[str],
                       not_offered: set[str]) -> None:
    nav = world.client_for(role).get(reverse("home")).context["nav_items"]
    urls = {e["url"] for e in _flat(nav)}

    def url(name: str) -> str:
        args = [] if name == "participants:import_list" else [world.programme.pk]
        return reverse(name, args=args)

    assert {url(n) for n in offered} <= urls
    assert not ({url(n) for n in not_offered} & urls)
