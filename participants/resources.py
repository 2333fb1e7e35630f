"""The participant spreadsheet format: columns, header variants and cell parsing.

`PersonResource` (django-import-export) is the single description of the file: the import
template, the participant export and the importer all use its fields, their Russian column
names and their widgets. The importer (`participants.imports`) maps headers with
`PersonResource.map_headers` and parses every cell with the field's widget; matching people
and writing them is done in bulk by the import service, not row by row by the engine (see
`participants/imports/__init__.py` for why).

Widgets raise `CellError` with a translated message; they never touch the database. Values
that name other rows (study group, specialty, employer, competencies) are returned as
normalised text and resolved against dictionaries loaded once per import.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.validators import EmailValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from import_export import resources, widgets
from import_export.fields import Field

from mentorship.spreadsheets import FORMULA_PREFIXES
from programmes.models import Programme

from .models import Person, ProgrammeRole


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the user as is."""


_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_text(value: Any) -> str:
    """A cell as trimmed text: whitespace runs (including non-breaking spaces and line
    breaks) become one space, control characters go, whole floats lose their `.0`, and the
    apostrophe our exports put before formula-like text is removed again."""
    if value is None:
        return ""
    if value.__class__ is str:
        text = value
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, dt.date) and (not isinstance(value, dt.datetime)
                                         or value.time() == dt.time()):
        text = value.strftime("%d.%m.%Y")
    else:
        text = str(value)
    # The common case (printable, single spaces) needs no regular expression.
    if not text.isprintable() or "  " in text:
        text = _SPACES.sub(" ", _CONTROL.sub("", text))
    text = text.strip()
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


def normalise_key(text: str) -> str:
    """A comparison key for names of things: lower case, `ё` as `е`, single spaces."""
    return _SPACES.sub(" ", text.lower().replace("ё", "е")).strip()


class TextWidget(widgets.CharWidget):
    def __init__(self, max_length: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value)
        if len(text) > self.max_length:
            raise CellError(_("longer than %(limit)d characters") % {"limit": self.max_length})
        return text


_DIGIT = re.compile(r"\d")
_PARTICLES = frozenset({"оглы", "кызы", "улы", "уулу", "гызы"})


def normalise_name(text: str) -> str:
    """A name part in the usual case: «ИВАНОВ» and «иванов» become «Иванов», double names
    keep both capitals («Петрова-Водкина»), mixed case as written is kept, `ё` is kept."""
    if not (text.isupper() or text.islower()):
        return text
    words = []
    for word in text.split(" "):
        if word.lower() in _PARTICLES:
            words.append(word.lower())
            continue
        words.append("-".join(p[:1].upper() + p[1:].lower() for p in word.split("-")))
    return " ".join(words)


class NameWidget(TextWidget):
    def __init__(self, max_length: int = 100) -> None:
        super().__init__(max_length=max_length)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        if _DIGIT.search(text):
            raise CellError(_("a name must not contain digits: «%(value)s»") % {"value": text})
        return normalise_name(text)


class FullNameWidget(widgets.Widget):
    """«ФИО» in one column: last name, first name, then the rest as the middle name."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> tuple[str, str, str]:
        text = cell_text(value)
        if not text:
            return ("", "", "")
        parts = text.split(" ", 2)
        if len(parts) < 2:
            raise CellError(_("give the last name and the first name, e.g. «Иванов Иван "
                              "Иванович»"))
        name = NameWidget()
        last = name.clean(parts[0])
        first = name.clean(parts[1])
        middle = name.clean(parts[2]) if len(parts) > 2 else ""
        return (last, first, middle)


_DAY_FIRST = re.compile(
    r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:\s*г\.?)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_today_cache: list[Any] = [0.0, None]


def _today() -> dt.date:
    """Today's date, looked up at most once a minute (a file has thousands of dates)."""
    now = time.monotonic()
    if _today_cache[1] is None or now - _today_cache[0] > 60:
        _today_cache[:] = [now, timezone.localdate()]
    return _today_cache[1]  # type: ignore[no-any-return]


class RuDateWidget(widgets.DateWidget):
    """A date as `дд.мм.гггг`, ISO `гггг-мм-дд`, an Excel date cell or an Excel day number.
    `earliest` and `latest_days` (from today) bound what is plausible."""

    def __init__(self, *, earliest: dt.date, latest_days: int) -> None:
        super().__init__(format="%d.%m.%Y", coerce_to_string=False)
        self.earliest = earliest
        self.latest_days = latest_days

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> dt.date | None:
        day = self._parse(value)
        if day is None:
            return None
        latest = _today() + dt.timedelta(days=self.latest_days)
        if not self.earliest <= day <= latest:
            raise CellError(_("impossible date %(value)s") % {"value": day.strftime("%d.%m.%Y")})
        return day

    def _parse(self, value: Any) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            # An Excel day number in a cell without a date format.
            if 10_000 <= value <= 80_000:
                return _EXCEL_EPOCH + dt.timedelta(days=int(value))
            raise CellError(_("not a date: «%(value)s» (expected дд.мм.гггг)")
                            % {"value": cell_text(value)})
        text = cell_text(value)
        if not text:
            return None
        if match := _DAY_FIRST.match(text):
            day, month, year = (int(g) for g in match.groups())
        elif match := _ISO.match(text):
            year, month, day = (int(g) for g in match.groups())
        else:
            raise CellError(_("not a date: «%(value)s» (expected дд.мм.гггг)") % {"value": text})
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise CellError(_("impossible date «%(value)s»") % {"value": text}) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return value


_email_validator = EmailValidator()


class EmailWidget(TextWidget):
    def __init__(self) -> None:
        super().__init__(max_length=254)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = super().clean(value).lower()
        if text.startswith("mailto:"):
            text = text[7:]
        if not text:
            return ""
        try:
            _email_validator(text)
        except Exception:  # noqa: BLE001 - any failure is "not an e-mail"
            raise CellError(_("invalid e-mail «%(value)s»") % {"value": text}) from None
        return text


class PhoneWidget(TextWidget):
    def __init__(self) -> None:
        super().__init__(max_length=32)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = super().clean(value)
        if text and len(_DIGIT.findall(text)) < 5:
            raise CellError(_("not a phone number: «%(value)s»") % {"value": text})
        return text


CATEGORY_WORDS: dict[str, str] = {
    "студент": Person.Category.STUDENT,
    "студентка": Person.Category.STUDENT,
    "обучающийся": Person.Category.STUDENT,
    "обучающаяся": Person.Category.STUDENT,
    "student": Person.Category.STUDENT,
    "преподаватель": Person.Category.TEACHER,
    "педагог": Person.Category.TEACHER,
    "педагогический работник": Person.Category.TEACHER,
    "мастер производственного обучения": Person.Category.TEACHER,
    "учитель": Person.Category.TEACHER,
    "teacher": Person.Category.TEACHER,
    "молодой специалист": Person.Category.YOUNG_SPECIALIST,
    "молодой педагог": Person.Category.YOUNG_SPECIALIST,
    "young specialist": Person.Category.YOUNG_SPECIALIST,
    "young_specialist": Person.Category.YOUNG_SPECIALIST,
    "представитель работодателя": Person.Category.EMPLOYER,
    "представитель предприятия": Person.Category.EMPLOYER,
    "работодатель": Person.Category.EMPLOYER,
    "employer": Person.Category.EMPLOYER,
    "employer representative": Person.Category.EMPLOYER,
    "школьник": Person.Category.PUPIL,
    "школьница": Person.Category.PUPIL,
    "ученик": Person.Category.PUPIL,
    "ученица": Person.Category.PUPIL,
    "учащийся": Person.Category.PUPIL,
    "pupil": Person.Category.PUPIL,
}
# How an export writes each category (the first word the importer accepts for it).
CATEGORY_LABELS: dict[str, str] = {
    Person.Category.STUDENT: "студент",
    Person.Category.TEACHER: "преподаватель",
    Person.Category.YOUNG_SPECIALIST: "молодой специалист",
    Person.Category.EMPLOYER: "представитель работодателя",
    Person.Category.PUPIL: "школьник",
}


class CategoryWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value)
        if not text:
            return ""
        category = CATEGORY_WORDS.get(normalise_key(text).rstrip(".;,"))
        if category is None:
            raise CellError(_("unknown category «%(value)s»; expected one of: %(allowed)s")
                            % {"value": text, "allowed": ", ".join(CATEGORY_LABELS.values())})
        return category

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return CATEGORY_LABELS.get(value, "")


ROLE_WORDS: dict[str, str] = {
    "наставник": ProgrammeRole.Role.MENTOR,
    "наставница": ProgrammeRole.Role.MENTOR,
    "mentor": ProgrammeRole.Role.MENTOR,
    "наставляемый": ProgrammeRole.Role.MENTEE,
    "наставляемая": ProgrammeRole.Role.MENTEE,
    "mentee": ProgrammeRole.Role.MENTEE,
    "куратор": ProgrammeRole.Role.CURATOR,
    "curator": ProgrammeRole.Role.CURATOR,
}
ROLE_LABELS: dict[str, str] = {
    ProgrammeRole.Role.MENTOR: "наставник",
    ProgrammeRole.Role.MENTEE: "наставляемый",
    ProgrammeRole.Role.CURATOR: "куратор",
}
IMPORTABLE_ROLES = tuple(ROLE_LABELS)
_LIST_SPLIT = re.compile(r"\s*[;\n]\s*")
_ROLE_SPLIT = re.compile(r"\s*[,;/\n]\s*")


class RolesWidget(widgets.Widget):
    """«наставник», «наставляемый», «куратор», several separated by commas."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> tuple[str, ...]:
        text = cell_text(value)
        roles: list[str] = []
        for word in _ROLE_SPLIT.split(text):
            if not word:
                continue
            role = ROLE_WORDS.get(normalise_key(word).rstrip("."))
            if role is None:
                raise CellError(_("unknown role «%(value)s»; expected: %(allowed)s")
                                % {"value": word, "allowed": ", ".join(ROLE_LABELS.values())})
            if role not in roles:
                roles.append(role)
        return tuple(roles)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return ", ".join(ROLE_LABELS[r] for r in value or () if r in ROLE_LABELS)


class NumberRangeWidget(widgets.IntegerWidget):
    def __init__(self, low: int, high: int) -> None:
        super().__init__(coerce_to_string=False)
        self.low, self.high = low, high

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = cell_text(value)
            if not text:
                return None
            match = re.match(r"^(\d{1,3})(?:\s*[-\w.]*)?$", text)
            if match is None:
                raise CellError(_("not a whole number: «%(value)s»") % {"value": text})
            number = int(match.group(1))
        if not self.low <= number <= self.high:
            raise CellError(_("must be from %(low)d to %(high)d, not %(value)d")
                            % {"low": self.low, "high": self.high, "value": number})
        return number

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return value


_SPECIALTY = re.compile(r"^(\d{2}\.\d{2}\.\d{2})\.?\s*[-–—]?\s*(.*)$")


class SpecialtyWidget(widgets.Widget):
    """A specialty as «21.02.15 Открытые горные работы», its code or its name."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> tuple[str, str] | None:
        text = cell_text(value)
        if not text:
            return None
        if len(text) > 320:
            raise CellError(_("longer than %(limit)d characters") % {"limit": 320})
        if match := _SPECIALTY.match(text):
            return (match.group(1), match.group(2)[:300])
        return ("", text[:300])

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(value) if value is not None else ""


class NamesListWidget(widgets.Widget):
    """Several names in one cell: separated by semicolons or line breaks, or by commas when
    the cell has neither."""

    def __init__(self, max_length: int) -> None:
        super().__init__()
        self.max_length = max_length

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> tuple[str, ...]:
        raw = "" if value is None else str(value)
        parts = (_LIST_SPLIT.split(raw) if (";" in raw or "\n" in raw)
                 else raw.split(","))
        names: list[str] = []
        seen: set[str] = set()
        for part in parts:
            name = cell_text(part)
            if not name:
                continue
            if len(name) > self.max_length:
                raise CellError(_("«%(value)s» is longer than %(limit)d characters")
                                % {"value": name[:40], "limit": self.max_length})
            key = normalise_key(name)
            if key not in seen:
                seen.add(key)
                names.append(name)
        return tuple(names)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "; ".join(value or ())


# Header variants, compared after `header_key`: lower case, `ё` as `е`, only letters and
# digits. «Е-mail» with a Cyrillic «Е» is listed as such.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("фио", "фамилияимяотчество", "фиополностью", "фиоучастника",
                  "фиообучающегося", "фиостудента", "fullname", "name"),
    "last_name": ("фамилия", "lastname", "surname"),
    "first_name": ("имя", "firstname"),
    "middle_name": ("отчество", "отчествоприналичии", "middlename", "patronymic"),
    "birth_date": ("датарождения", "датарожд", "деньрождения", "дата рождения",
                   "birthdate", "dateofbirth"),
    "email": ("email", "еmail", "еmаil", "электроннаяпочта", "элпочта", "эпочта", "почта",
              "адресэлектроннойпочты", "emailадрес", "mail", "емейл", "емайл"),
    "phone": ("телефон", "тел", "номертелефона", "мобильныйтелефон", "контактныйтелефон",
              "phone"),
    "category": ("категория", "категорияучастника", "category"),
    "study_group": ("группа", "учебнаягруппа", "номергруппы", "nгруппы", "group",
                    "studygroup"),
    "course": ("курс", "course"),
    "specialty": ("специальность", "специальностьпрофессия", "профессия",
                  "специальностьпрофессиякоднаименование", "specialty"),
    "employer": ("работодатель", "предприятие", "организацияработодатель",
                 "предприятиеработодатель", "employer"),
    "position": ("должность", "position"),
    "hired_on": ("датаприеманаработу", "датаприема", "принятнаработу", "hiredon"),
    "roles": ("роль", "роли", "рольвпрограмме", "рольвпрограмменаставничества", "role",
              "roles"),
    "capacity": ("числонаставляемых", "количествонаставляемых", "вместимость",
                 "максимумнаставляемых", "capacity"),
    "competencies": ("компетенции", "компетенциинаставника", "навыки", "competencies"),
}
# Columns that are recognised and skipped: row numbers, notes, our own error report's
# columns (so that a fixed error report can be uploaded again).
IGNORED_HEADERS = frozenset({"", "n", "no", "номер", "пп", "nпп", "ошибки", "errors", "row",
                             "строка", "строкаисходногофайла", "примечание", "комментарий"})


def header_key(header: Any) -> str:
    text = cell_text(header).lower().replace("ё", "е").replace("№", "n")
    return "".join(ch for ch in text if ch.isalnum())


@dataclass
class HeaderMap:
    """Which column holds which field; what could not be understood."""

    columns: dict[int, str] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def fields(self) -> set[str]:
        return set(self.columns.values())

    def header_of(self, field_name: str) -> str:
        for index, name in self.columns.items():
            if name == field_name:
                return self.headers[index]
        return str(PersonResource.column_names().get(field_name, field_name))


class PersonResource(resources.ModelResource):
    """A person as one spreadsheet row. `programme` (for export) decides which roles the
    «Роль», «Число наставляемых» and «Компетенции» columns show."""

    last_name = Field(attribute="last_name", widget=NameWidget(),
                      column_name=pgettext_lazy("spreadsheet column", "Last name"))
    first_name = Field(attribute="first_name", widget=NameWidget(),
                       column_name=pgettext_lazy("spreadsheet column", "First name"))
    middle_name = Field(attribute="middle_name", widget=NameWidget(),
                        column_name=pgettext_lazy("spreadsheet column", "Middle name"))
    birth_date = Field(attribute="birth_date",
                       column_name=pgettext_lazy("spreadsheet column", "Date of birth"),
                       widget=RuDateWidget(earliest=dt.date(1900, 1, 1), latest_days=0))
    email = Field(attribute="email", widget=EmailWidget(),
                  column_name=pgettext_lazy("spreadsheet column", "E-mail"))
    phone = Field(attribute="phone", widget=PhoneWidget(),
                  column_name=pgettext_lazy("spreadsheet column", "Phone"))
    category = Field(attribute="category", widget=CategoryWidget(),
                     column_name=pgettext_lazy("spreadsheet column", "Category"))
    study_group = Field(attribute="study_group__name", widget=TextWidget(max_length=50),
                        column_name=pgettext_lazy("spreadsheet column", "Group"))
    course = Field(attribute="course", widget=NumberRangeWidget(1, 6),
                   column_name=pgettext_lazy("spreadsheet column", "Course"))
    specialty = Field(attribute="specialty", widget=SpecialtyWidget(),
                      column_name=pgettext_lazy("spreadsheet column", "Specialty"))
    employer = Field(attribute="employer__short_name", widget=TextWidget(max_length=200),
                     column_name=pgettext_lazy("spreadsheet column", "Employer"))
    position = Field(attribute="position", widget=TextWidget(max_length=200),
                     column_name=pgettext_lazy("spreadsheet column", "Position"))
    hired_on = Field(attribute="hired_on",
                     column_name=pgettext_lazy("spreadsheet column", "Hired on"),
                     widget=RuDateWidget(earliest=dt.date(1940, 1, 1), latest_days=366))
    # Role columns: read by the import service, written by the export; no model attribute.
    roles = Field(column_name=pgettext_lazy("spreadsheet column", "Role"), readonly=True,
                  widget=RolesWidget(), dehydrate_method="dehydrate_roles")
    capacity = Field(column_name=pgettext_lazy("spreadsheet column", "Number of mentees"),
                     widget=NumberRangeWidget(1, 30), dehydrate_method="dehydrate_capacity",
                     readonly=True)
    competencies = Field(column_name=pgettext_lazy("spreadsheet column", "Competencies"),
                         widget=NamesListWidget(max_length=200), readonly=True,
                         dehydrate_method="dehydrate_competencies")
    # Import only: «ФИО» in one column instead of three.
    full_name = Field(column_name=pgettext_lazy("spreadsheet column", "Full name"),
                      widget=FullNameWidget(), readonly=True)

    EXPORT_FIELDS = ("last_name", "first_name", "middle_name", "birth_date", "email", "phone",
                     "category", "study_group", "course", "specialty", "employer", "position",
                     "hired_on", "roles", "capacity", "competencies")
    REQUIRED = ("last_name", "first_name", "category")

    class Meta:
        model = Person
        fields = ("last_name", "first_name", "middle_name", "birth_date", "email", "phone",
                  "category", "study_group", "course", "specialty", "employer", "position",
                  "hired_on", "roles", "capacity", "competencies", "full_name")
        export_order = ("last_name", "first_name", "middle_name", "birth_date", "email",
                        "phone", "category", "study_group", "course", "specialty", "employer",
                        "position", "hired_on", "roles", "capacity", "competencies")

    def __init__(self, *, programme_id: int | None = None) -> None:
        super().__init__()
        self.programme_id = programme_id

    # Header mapping ---------------------------------------------------------------------

    @classmethod
    def column_names(cls) -> dict[str, Any]:
        return {name: f.column_name for name, f in cls.fields.items()}

    @classmethod
    def _header_index(cls) -> dict[str, str]:
        index: dict[str, str] = {}
        for name, aliases in HEADER_ALIASES.items():
            for alias in aliases:
                index[header_key(alias)] = name
        for name, column in cls.column_names().items():
            index.setdefault(header_key(str(column)), name)
        return index

    @classmethod
    def map_headers(cls, headers: Sequence[Any]) -> HeaderMap:
        """Which field each column holds. Three name columns win over «ФИО»; a column whose
        header is not recognised is listed in `unknown`, a field given twice in
        `duplicated`, a required field absent in `missing`."""
        index = cls._header_index()
        result = HeaderMap(headers=[cell_text(h) for h in headers])
        for position, header in enumerate(result.headers):
            key = header_key(header)
            if key in IGNORED_HEADERS:
                continue
            name = index.get(key)
            if name is None:
                result.unknown.append(header)
            elif name in result.fields:
                result.duplicated.append(header)
            else:
                result.columns[position] = name
        present = result.fields
        if "full_name" in present and {"last_name", "first_name"} & present:
            result.columns = {i: n for i, n in result.columns.items() if n != "full_name"}
            present = result.fields
        for name in cls.REQUIRED:
            if name not in present and not (name != "category" and "full_name" in present):
                result.missing.append(str(cls.column_names()[name]))
        return result

    @classmethod
    def header_score(cls, headers: Sequence[Any]) -> int:
        """How many cells of a row are known headers (to find the header row)."""
        index = cls._header_index()
        return sum(1 for h in headers if header_key(h) in index)

    # Export -----------------------------------------------------------------------------

    def _role(self, person: Person, role: str) -> ProgrammeRole | None:
        for item in getattr(person, "programme_roles", ()):
            if item.role == role and item.is_active:
                return item
        return None

    def dehydrate_roles(self, person: Person) -> str:
        roles = [r.role for r in getattr(person, "programme_roles", ()) if r.is_active]
        return RolesWidget().render([r for r in IMPORTABLE_ROLES if r in roles])

    def dehydrate_capacity(self, person: Person) -> int | str:
        mentor = self._role(person, ProgrammeRole.Role.MENTOR)
        return mentor.capacity if mentor is not None and mentor.capacity else ""

    def dehydrate_competencies(self, person: Person) -> str:
        mentor = self._role(person, ProgrammeRole.Role.MENTOR)
        if mentor is None:
            return ""
        return NamesListWidget(200).render([c.name for c in mentor.competencies.all()])

    def dehydrate_category(self, person: Person) -> str:
        return CATEGORY_LABELS.get(person.category, "")

    def dehydrate_specialty(self, person: Person) -> str:
        return str(person.specialty) if person.specialty_id else ""

    def export_headers(self) -> list[str]:
        return [str(self.fields[name].column_name) for name in self.EXPORT_FIELDS]

    def export_row(self, person: Person) -> list[Any]:
        return [self.export_field(self.fields[name], person) for name in self.EXPORT_FIELDS]

    def template_example(self) -> list[Any]:
        """The example row of the import template."""
        return ["Иванова", "Мария", "Сергеевна", dt.date(2006, 3, 14), "ivanova@example.ru",
                "+7 913 000-00-00", "студент", "ПР-22", 2, "21.02.15 Открытые горные работы",
                "", "", None, "наставляемый", None, ""]


EXPORT_CHUNK = 2000


def export_people(people: QuerySet[Person], *, programme: Programme | None
                  ) -> tuple[list[str], Iterator[list[Any]]]:
    """Headers and rows of a participant export in the import format (an export can be
    imported back unchanged). `people` should come with `programme_roles` prefetched (as
    `person_list_for_programme` gives them); their competencies are prefetched here. Rows
    are produced in chunks, so memory does not grow with the list: three queries per
    chunk of 2,000 people."""
    resource = PersonResource(programme_id=programme.pk if programme else None)
    qs = people.select_related("study_group", "specialty", "employer")
    if "programme_roles" in {getattr(p, "to_attr", p) for p in qs._prefetch_related_lookups}:
        qs = qs.prefetch_related("programme_roles__competencies")

    def rows() -> Iterator[list[Any]]:
        for person in qs.iterator(chunk_size=EXPORT_CHUNK):
            yield resource.export_row(person)

    return resource.export_headers(), rows()
