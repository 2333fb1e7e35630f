"""Who the user is in the product: their person, organisation, region and roles.

Roles are data (participants.ProgrammeRole); this module only reads them, once per request
(the result is cached on the user object), and between requests keeps what it read in the
Django cache under the data version (mentorship.dataversion): one query while no data
changes, three when any did. Views ask `access_for(user)` and the
`<entity>_get_for_user` helpers of each app; they never look at roles themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from . import dataversion

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from mentorship.models import User
    from participants.models import Person
    from programmes.models import Region

ADMIN = "admin"
COORDINATOR = "coordinator"
DIRECTOR = "director"
CURATOR = "curator"
MENTOR = "mentor"
MENTEE = "mentee"

# The order decides which home page a person with several roles lands on.
ROLE_ORDER = (ADMIN, COORDINATOR, DIRECTOR, CURATOR, MENTOR, MENTEE)
ROLE_TITLES = {
    ADMIN: _("Administrator"),
    COORDINATOR: _("Regional coordinator"),
    DIRECTOR: _("Director"),
    CURATOR: _("Curator"),
    MENTOR: _("Mentor"),
    MENTEE: _("Mentee"),
}
STAFF_ROLES = frozenset({DIRECTOR, CURATOR})
ACCESS_CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class Access:
    user_id: int | None
    roles: frozenset[str] = frozenset()
    person_id: int | None = None
    organisation_id: int | None = None
    region_id: int | None = None
    # Programme ids per role, e.g. {"curator": {3}, "mentor": {3}}.
    programmes: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def primary_role(self) -> str | None:
        return next((r for r in ROLE_ORDER if r in self.roles), None)

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles

    @property
    def is_staff_of_organisation(self) -> bool:
        """Director or curator: sees the organisation's participants and pairs."""
        return bool(self.roles & STAFF_ROLES)

    def has(self, role: str) -> bool:
        return role in self.roles

    def programme_ids(self, *roles: str) -> frozenset[int]:
        ids: set[int] = set()
        for role in roles:
            ids |= self.programmes.get(role, frozenset())
        return frozenset(ids)


ANONYMOUS = Access(user_id=None)


def access_for(user: User | AnonymousUser) -> Access:
    if not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_access", None)
    if cached is not None:
        return cached
    version = dataversion.current()
    key = f"access:{version}:{user.pk}" if version else None
    access = cache.get(key) if key else None
    if access is None:
        access = _compute_access(user)
        if key:
            cache.set(key, access, ACCESS_CACHE_SECONDS)
    user._access = access  # type: ignore[union-attr]
    return access


def _compute_access(user: User) -> Access:
    from participants.models import Person, ProgrammeRole
    from programmes.models import RegionalCoordinator

    roles: set[str] = set()
    if user.is_superuser:
        roles.add(ADMIN)
    with scopes_disabled():
        region: Region | None = None
        coordinator = RegionalCoordinator.objects.filter(user=user).select_related(
            "region").first()
        if coordinator is not None:
            roles.add(COORDINATOR)
            region = coordinator.region
        person: Person | None = Person.objects.filter(user=user, anonymised_at__isnull=True).first()
        programmes: dict[str, set[int]] = {}
        if person is not None:
            for role, programme_id in ProgrammeRole.objects.filter(
                person=person, is_active=True
            ).values_list("role", "programme_id"):
                roles.add(role)
                programmes.setdefault(role, set()).add(programme_id)
    return Access(
        user_id=user.pk,
        roles=frozenset(roles),
        person_id=person.pk if person else None,
        organisation_id=person.organisation_id if person else None,
        region_id=region.pk if region else None,
        programmes={k: frozenset(v) for k, v in programmes.items()},
    )


def user_organisation_ids(user: User | AnonymousUser) -> list[int]:
    """The organisations whose personal data the user's requests may touch at all (the
    django-scopes dimension). Finer rules (a mentor sees only own pairs) are in selectors."""
    access = access_for(user)
    return [access.organisation_id] if access.organisation_id is not None else []
