"""Deciding what each parsed row does: new, updated, unchanged or error.

Everything a row is compared with is loaded once per import into dictionaries
(`ImportContext.load`, seven queries whatever the file's size); a row is then planned
without touching the database.

The natural key of a person within the organisation is the e-mail (case-insensitive), else
the full name with the date of birth. A row whose e-mail belongs to somebody with another
first name (or another last name and date of birth) is an error, not an update: e-mails
are sometimes shared or mistyped, and an import must never rename one person into another.
Empty cells never erase what is stored; nobody is deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from programmes.models import Organisation, Programme

from ..models import Competency, Person, ProgrammeRole, Specialty, StudyGroup
from ..resources import IMPORTABLE_ROLES, HeaderMap, PersonResource, normalise_key
from .files import FileRefused
from .rows import ParsedFile

# The person's columns an import may set, in the order of `ImportContext.people` tuples.
PERSON_FIELDS = ("email", "last_name", "first_name", "middle_name", "birth_date", "phone",
                 "category", "study_group_id", "course", "specialty_id", "employer_id",
                 "position", "hired_on")
_F = {name: i for i, name in enumerate(PERSON_FIELDS)}
_ANONYMISED = len(PERSON_FIELDS)
_TEXT_FIELDS = ("last_name", "first_name", "middle_name", "phone", "position", "category")
# Which column a changed field is reported under.
_FIELD_COLUMN = {"study_group_id": "study_group", "specialty_id": "specialty",
                 "employer_id": "employer"}

NEW = "new"
UPDATED = "updated"
UNCHANGED = "unchanged"
ERROR = "error"


@dataclass(frozen=True)
class Pending:
    """A study group, specialty, employer or competency the import will create."""

    kind: str
    key: str


@dataclass
class RoleOp:
    role: str
    role_id: int | None  # None: the role is created
    capacity: int | None = None
    activate: bool = False
    competencies: tuple[int | Pending, ...] | None = None  # None: left as stored


@dataclass
class PlannedRow:
    number: int
    label: str
    outcome: str
    errors: list[tuple[str, str]] = field(default_factory=list)
    person_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)  # person fields to write
    changed: list[str] = field(default_factory=list)  # column names, for the preview
    role_ops: list[RoleOp] = field(default_factory=list)


@dataclass
class Plan:
    rows: list[PlannedRow]
    new_groups: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    new_specialties: dict[str, str] = field(default_factory=dict)
    new_employers: dict[str, str] = field(default_factory=dict)
    new_competencies: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counts = {NEW: 0, UPDATED: 0, UNCHANGED: 0, ERROR: 0}
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def creations(self) -> dict[str, list[str]]:
        return {
            "groups": sorted(name for name, _course in self.new_groups.values()),
            "specialties": sorted(f"{code} {name}".strip()
                                  for code, name in self.new_specialties.items()),
            "employers": sorted(self.new_employers.values()),
            "competencies": sorted(self.new_competencies.values()),
        }


@dataclass
class ImportContext:
    organisation: Organisation
    programme: Programme | None
    people: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    by_email: dict[str, int] = field(default_factory=dict)
    by_name: dict[tuple[str, str, str, dt.date], int] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)
    specialties_by_code: dict[str, int] = field(default_factory=dict)
    specialties_by_name: dict[str, int] = field(default_factory=dict)
    employers: dict[str, int] = field(default_factory=dict)
    competencies: dict[str, int] = field(default_factory=dict)
    # (person id, role) -> (role id, capacity, is_active)
    roles: dict[tuple[int, str], tuple[int, int | None, bool]] = field(default_factory=dict)
    role_competencies: dict[int, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, *, organisation: Organisation, programme: Programme | None
             ) -> ImportContext:
        """Seven queries: people, groups, specialties, employers, competencies, roles and
        the mentors' competencies."""
        ctx = cls(organisation=organisation, programme=programme)
        rows = Person.objects.filter(organisation=organisation).values_list(
            "pk", *PERSON_FIELDS, "anonymised_at")
        for pk, *values in rows.iterator(chunk_size=5000):
            record = tuple(values)
            ctx.people[pk] = record
            email = record[_F["email"]]
            if email:
                ctx.by_email[email.lower()] = pk
            if record[_ANONYMISED] is None and record[_F["birth_date"]] is not None:
                ctx.by_name[_name_key(record[_F["last_name"]], record[_F["first_name"]],
                                      record[_F["middle_name"]],
                                      record[_F["birth_date"]])] = pk
        ctx.groups = {normalise_key(name): pk for pk, name in StudyGroup.objects.filter(
            organisation=organisation).values_list("pk", "name")}
        for pk, code, name in Specialty.objects.values_list("pk", "code", "name"):
            ctx.specialties_by_code[code] = pk
            ctx.specialties_by_name.setdefault(normalise_key(name), pk)
        ctx.employers = {normalise_key(name): pk for pk, name in Organisation.objects.filter(
            region_id=organisation.region_id).values_list("pk", "short_name")}
        ctx.competencies = {normalise_key(name): pk
                            for pk, name in Competency.objects.values_list("pk", "name")}
        if programme is not None:
            for pk, person_id, role, capacity, active in ProgrammeRole.objects.filter(
                programme=programme, role__in=IMPORTABLE_ROLES,
                person__organisation=organisation,
            ).values_list("pk", "person_id", "role", "capacity", "is_active"):
                ctx.roles[(person_id, role)] = (pk, capacity, active)
            through = ProgrammeRole.competencies.through
            pairs: dict[int, set[int]] = {}
            for role_id, competency_id in through.objects.filter(
                programmerole__programme=programme,
                programmerole__role=ProgrammeRole.Role.MENTOR,
            ).values_list("programmerole_id", "competency_id"):
                pairs.setdefault(role_id, set()).add(competency_id)
            ctx.role_competencies = {k: frozenset(v) for k, v in pairs.items()}
        return ctx


def _name_key(last: str, first: str, middle: str, birth: dt.date
              ) -> tuple[str, str, str, dt.date]:
    return (last.lower(), first.lower(), (middle or "").lower(), birth)


class _Planner:
    def __init__(self, ctx: ImportContext, header_map: HeaderMap) -> None:
        self.ctx = ctx
        self.plan = Plan(rows=[])
        self.columns = {name: header_map.header_of(name) for name in PersonResource.fields}
        if "full_name" in header_map.fields:
            for name in ("last_name", "first_name", "middle_name"):
                self.columns[name] = header_map.header_of("full_name")
        self.titles = {name: str(column) for name, column in
                       PersonResource.column_names().items()}
        self.seen_email: dict[str, int] = {}
        self.seen_name: dict[tuple[str, str, str, dt.date], int] = {}
        self.seen_person: dict[int, int] = {}

    # Resolution of names of other rows -------------------------------------------------

    def group(self, name: str, course: int | None) -> int | Pending:
        key = normalise_key(name)
        found = self.ctx.groups.get(key)
        if found is not None:
            return found
        self.plan.new_groups.setdefault(key, (name, course))
        return Pending("group", key)

    def specialty(self, value: tuple[str, str], errors: list[tuple[str, str]]
                  ) -> int | Pending | None:
        code, name = value
        if code:
            found = self.ctx.specialties_by_code.get(code)
            if found is not None:
                return found
            if not name:
                errors.append((self.columns["specialty"], _(
                    "unknown specialty code %(code)s; write its name after the code to add "
                    "it") % {"code": code}))
                return None
            self.plan.new_specialties.setdefault(code, name)
            return Pending("specialty", code)
        found = self.ctx.specialties_by_name.get(normalise_key(name))
        if found is None:
            errors.append((self.columns["specialty"], _(
                "unknown specialty «%(name)s»; write it with its code, e.g. «21.02.15 "
                "Открытые горные работы»") % {"name": name}))
        return found

    def employer(self, name: str) -> int | Pending:
        key = normalise_key(name)
        found = self.ctx.employers.get(key)
        if found is not None:
            return found
        self.plan.new_employers.setdefault(key, name)
        return Pending("employer", key)

    def competency(self, name: str) -> int | Pending:
        key = normalise_key(name)
        found = self.ctx.competencies.get(key)
        if found is not None:
            return found
        self.plan.new_competencies.setdefault(key, name)
        return Pending("competency", key)

    # One row ----------------------------------------------------------------------------

    def target(self, values: dict[str, Any], errors: list[tuple[str, str]]) -> dict[str, Any]:
        """The person's fields the row sets (only what the row gives)."""
        target: dict[str, Any] = {}
        for name in ("email", "last_name", "first_name", "middle_name", "birth_date", "phone",
                     "category", "course", "position", "hired_on"):
            if name in values:
                target[name] = values[name]
        if "study_group" in values:
            target["study_group_id"] = self.group(values["study_group"], values.get("course"))
        if "specialty" in values:
            specialty = self.specialty(values["specialty"], errors)
            if specialty is not None:
                target["specialty_id"] = specialty
        if "employer" in values:
            target["employer_id"] = self.employer(values["employer"])
        return target

    def match(self, values: dict[str, Any], errors: list[tuple[str, str]]) -> int | None:
        ctx = self.ctx
        email = values.get("email", "")
        birth = values.get("birth_date")
        name_key = (_name_key(values.get("last_name", ""), values.get("first_name", ""),
                              values.get("middle_name", ""), birth) if birth else None)
        by_email = ctx.by_email.get(email) if email else None
        by_name = ctx.by_name.get(name_key) if name_key else None
        if by_email is not None:
            record = ctx.people[by_email]
            if record[_ANONYMISED] is not None:
                errors.append((self.columns["email"], _(
                    "the e-mail %(email)s belonged to a person whose personal data were "
                    "deleted") % {"email": email}))
                return None
            same_first = record[_F["first_name"]].lower() == values.get(
                "first_name", "").lower()
            same_last = record[_F["last_name"]].lower() == values.get("last_name", "").lower()
            same_birth = birth is None or record[_F["birth_date"]] in (None, birth)
            if (by_name is not None and by_name != by_email) or not same_first or not (
                    same_last or same_birth):
                errors.append((self.columns["email"], _(
                    "the e-mail %(email)s already belongs to another person: %(name)s")
                    % {"email": email, "name": _short_name(record)}))
                return None
            return by_email
        return by_name

    def duplicate(self, number: int, values: dict[str, Any],
                  errors: list[tuple[str, str]]) -> bool:
        email = values.get("email")
        if email:
            first = self.seen_email.setdefault(email, number)
            if first != number:
                errors.append((self.columns["email"], _(
                    "the same e-mail as in row %(row)d: the person is twice in the file")
                    % {"row": first}))
                return True
        birth = values.get("birth_date")
        if birth and values.get("last_name") and values.get("first_name"):
            key = _name_key(values["last_name"], values["first_name"],
                            values.get("middle_name", ""), birth)
            first = self.seen_name.setdefault(key, number)
            if first != number:
                errors.append((self.columns["last_name"], _(
                    "the same full name and date of birth as in row %(row)d: the person is "
                    "twice in the file") % {"row": first}))
                return True
        return False

    def roles(self, person_id: int | None, values: dict[str, Any],
              errors: list[tuple[str, str]]) -> list[RoleOp]:
        wanted = values.get("roles", ())
        capacity = values.get("capacity")
        competencies = values.get("competencies")
        mentor = ProgrammeRole.Role.MENTOR
        if mentor not in wanted and (capacity is not None or competencies):
            hint = _("only for mentors: add «наставник» to the «%(column)s» column") % {
                "column": self.titles["roles"]}
            if capacity is not None:
                errors.append((self.columns["capacity"], hint))
            if competencies:
                errors.append((self.columns["competencies"], hint))
        ops: list[RoleOp] = []
        for role in wanted:
            stored = self.ctx.roles.get((person_id, role)) if person_id else None
            op = RoleOp(role=role, role_id=stored[0] if stored else None)
            if role == mentor:
                stored_capacity = stored[1] if stored else None
                if capacity is None and stored_capacity is None:
                    errors.append((self.columns["capacity"], _(
                        "give the number of mentees this mentor can take")))
                    continue
                if stored is None or (capacity is not None and capacity != stored_capacity):
                    op.capacity = capacity
                if competencies:
                    ids = tuple(self.competency(name) for name in competencies)
                    current = self.ctx.role_competencies.get(op.role_id or 0, frozenset())
                    if stored is None or any(isinstance(i, Pending) for i in ids) or (
                            frozenset(ids) != current):
                        op.competencies = ids
            if stored is None or not stored[2] or op.capacity is not None or (
                    op.competencies is not None):
                op.activate = stored is not None and not stored[2]
                ops.append(op)
        return ops

    def row(self, number: int, label: str, values: dict[str, Any],
            errors: list[tuple[str, str]]) -> PlannedRow:
        errors = list(errors)
        self.duplicate(number, values, errors)
        person_id = None if errors else self.match(values, errors)
        if person_id is not None and not errors:
            first = self.seen_person.setdefault(person_id, number)
            if first != number:
                errors.append((self.columns["last_name"], _(
                    "this is the same person as in row %(row)d") % {"row": first}))
        target = self.target(values, errors)
        role_ops = self.roles(person_id, values, errors)
        if errors:
            return PlannedRow(number=number, label=label, outcome=ERROR, errors=errors,
                              person_id=person_id)
        if person_id is None:
            return PlannedRow(number=number, label=label, outcome=NEW, values=target,
                              role_ops=role_ops)
        changes = _changes(self.ctx.people[person_id], target)
        changed = [self.titles[_FIELD_COLUMN.get(name, name)] for name in changes]
        changed += [self.titles["roles"]] if role_ops else []
        outcome = UPDATED if (changes or role_ops) else UNCHANGED
        return PlannedRow(number=number, label=label, outcome=outcome, person_id=person_id,
                          values=changes, changed=changed, role_ops=role_ops)


def _changes(record: tuple[Any, ...], target: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, value in target.items():
        current = record[_F[name]]
        if name == "email":
            if (current or "").lower() != value:
                changes[name] = value
        elif current != value:
            changes[name] = value
    return changes


def _short_name(record: tuple[Any, ...]) -> str:
    last, first, middle = (record[_F["last_name"]], record[_F["first_name"]],
                           record[_F["middle_name"]])
    initials = "".join(f"{p[0]}." for p in (first, middle) if p)
    return f"{last} {initials}".strip()


def uses_roles(parsed: ParsedFile) -> bool:
    return any(row.values.get(name) for row in parsed.rows
               for name in ("roles", "capacity", "competencies"))


def plan_rows(parsed: ParsedFile, ctx: ImportContext) -> Plan:
    """Plan every row. Raises FileRefused when the file assigns roles but no programme was
    chosen."""
    if ctx.programme is None and uses_roles(parsed):
        raise FileRefused(_("The file assigns roles in the programme (columns «%(roles)s», "
                            "«%(capacity)s», «%(competencies)s»). Choose the programme on the "
                            "upload page and upload the file again.") % {
            "roles": PersonResource.fields["roles"].column_name,
            "capacity": PersonResource.fields["capacity"].column_name,
            "competencies": PersonResource.fields["competencies"].column_name})
    planner = _Planner(ctx, parsed.header_map)
    for row in parsed.rows:
        planner.plan.rows.append(planner.row(row.number, row.label, row.values, row.errors))
    _keep_used_creations(planner.plan)
    return planner.plan


def _keep_used_creations(plan: Plan) -> None:
    """Only what valid rows refer to is created (an error row creates nothing)."""
    used: set[Pending] = set()
    for row in plan.rows:
        if row.outcome == ERROR:
            continue
        used.update(_pending(row.values.values()))
        for op in row.role_ops:
            used.update(_pending(op.competencies or ()))
    keys = {(p.kind, p.key) for p in used}
    plan.new_groups = {k: v for k, v in plan.new_groups.items() if ("group", k) in keys}
    plan.new_specialties = {k: v for k, v in plan.new_specialties.items()
                            if ("specialty", k) in keys}
    plan.new_employers = {k: v for k, v in plan.new_employers.items()
                          if ("employer", k) in keys}
    plan.new_competencies = {k: v for k, v in plan.new_competencies.items()
                             if ("competency", k) in keys}


def _pending(values: Iterable[Any]) -> list[Pending]:
    return [v for v in values if isinstance(v, Pending)]
