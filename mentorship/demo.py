"""Demo data: the seed-002 mining college with its reference programme and a realistic
population, a second college of the same region, and seven logins with the password «demo».

Organisation 1 is the college of `programmes.reference.seed_002` with the programme exactly as
the seed states it (loaded by the programme and monitoring services). Its people are
described as in the academic year 2024/25, the last year of that programme: groups «ПР-21» …
«ПР-24» are courses 4 … 1, completed pairs and groups belong to 2020/21 … 2023/24, active ones
were formed in November 2024 and have kept their plans and meeting logs up to a few days or
weeks before today. Organisation 2 is a smaller college with its own 2024–2028 programme.

`demo_load` is idempotent: once the demo population exists (a person with a demo e-mail in
the seed college) it creates no people again; it re-applies the reference programme and makes
sure the demo users exist, have the password «demo» and are linked to their people. People
are drawn from `random.Random(2020)`, so two loads of one size give the same names; the work
log is placed relative to `timezone.localdate()`. Everything runs in one transaction with
organisation scopes disabled.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from mentorship.models import User
from monitoring.services import indicators_create_from_reference
from pairing.models import (
    Meeting,
    Mentorship,
    MentorshipMember,
    MentorshipRequest,
    PlanItem,
    RequestPreference,
)
from participants.models import (
    Competency,
    Consent,
    MentorTraining,
    Person,
    ProgrammeRole,
    Recognition,
    Specialty,
    StudyGroup,
)
from participants.selectors import consent_required_signer
from programmes.models import (
    MentoringForm,
    Organisation,
    Programme,
    ProgrammeForm,
    RegionalCoordinator,
)
from programmes.reference import seed_002
from programmes.services import (
    forms_ensure_catalogue,
    organisation_ensure,
    programme_create_from_reference,
)

SEED = 2020
DEMO_PASSWORD = "demo"  # noqa: S105 (the published password of the demo logins)
EMAIL_DOMAIN = "demo.example"
POPULATION_YEAR = 2024  # the academic year 2024/25 the population is described in
REFERENCE_DAY = dt.date(POPULATION_YEAR, 9, 1)

TT, TS, ES, SS = "teacher_teacher", "teacher_student", "employer_student", "student_student"
STUDENT_FORMS = (TS, ES, SS)
# Past academic years with completed pairs, per form: students' forms start with the first
# cohort now enrolled (entered 2021); the student mentors of 2023/24 are today's 4th course.
PAST_YEARS = {TT: (2020, 2021, 2022, 2023), TS: (2021, 2022, 2023), ES: (2021, 2022, 2023),
              SS: (2023,)}

ORG2 = {
    "name": "Государственное профессиональное образовательное учреждение «Прокопьевский "
            "промышленно-экономический техникум»",
    "short_name": "ГПОУ ППЭТ",
    "city": "Прокопьевск",
    "municipality": "Прокопьевский городской округ",
}
ORG2_PROGRAMME_TITLE = ("Программа наставничества ГПОУ «Прокопьевский промышленно-экономический "
                        "техникум» на 2024–2028 гг.")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    sees: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "администратор",
              "все организации и людей, пользователей, импорт списков, справочники"),
    DemoLogin("director", "директор ГБПОУ ПГТ",
              "показатели программы (план и факт по годам), отчёты в PDF"),
    DemoLogin("curator", "куратор ГБПОУ ПГТ",
              "участников, запросы, подбор наставников, пары и группы, встречи, опросы"),
    DemoLogin("mentor", "наставник (педагог – студент)",
              "своих наставляемых, индивидуальные планы, журнал встреч"),
    DemoLogin("mentee", "наставляемый (студент)", "своего наставника, свой план и встречи"),
    DemoLogin("coordinator", "региональный координатор",
              "сводные показатели организаций Кузбасса без персональных данных"),
    DemoLogin("curator2", "куратор ГПОУ ППЭТ", "участников и пары только своего техникума"),
)


@dataclass
class DemoSummary:
    created: bool
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        head = ("Демонстрационные данные созданы" if self.created
                else "Демонстрационные данные уже были загружены: люди не создавались")
        width = max(len(label) for label in self.counts) if self.counts else 0
        return [f"{head} за {self.seconds:.1f} с.",
                *(f"  {label:<{width}}  {value}" for label, value in self.counts.items())]


# --------------------------------------------------------------------------- names


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Men's names with the patronymics they give: (name, son's, daughter's).
_MALE = _words("""
    Александр Александрович Александровна  Алексей Алексеевич Алексеевна
    Анатолий Анатольевич Анатольевна  Андрей Андреевич Андреевна  Артём Артёмович Артёмовна
    Борис Борисович Борисовна  Вадим Вадимович Вадимовна  Валерий Валерьевич Валерьевна
    Василий Васильевич Васильевна  Виктор Викторович Викторовна
    Владимир Владимирович Владимировна  Вячеслав Вячеславович Вячеславовна
    Геннадий Геннадьевич Геннадьевна  Григорий Григорьевич Григорьевна
    Даниил Даниилович Данииловна  Денис Денисович Денисовна  Дмитрий Дмитриевич Дмитриевна
    Евгений Евгеньевич Евгеньевна  Егор Егорович Егоровна  Иван Иванович Ивановна
    Игорь Игоревич Игоревна  Илья Ильич Ильинична  Кирилл Кириллович Кирилловна
    Константин Константинович Константиновна  Леонид Леонидович Леонидовна
    Максим Максимович Максимовна  Михаил Михайлович Михайловна  Николай Николаевич Николаевна
    Олег Олегович Олеговна  Павел Павлович Павловна  Пётр Петрович Петровна
    Роман Романович Романовна  Семён Семёнович Семёновна  Сергей Сергеевич Сергеевна
    Станислав Станиславович Станиславовна  Степан Степанович Степановна
    Фёдор Фёдорович Фёдоровна  Эдуард Эдуардович Эдуардовна  Юрий Юрьевич Юрьевна
    Ярослав Ярославович Ярославовна""")
MALE_NAMES: tuple[tuple[str, str, str], ...] = tuple(zip(_MALE[::3], _MALE[1::3], _MALE[2::3],
                                                           strict=True))
BOY_NAMES = _words("""Александр Максим Артём Дмитрий Никита Иван Кирилл Даниил Егор Илья Михаил
    Андрей Алексей Матвей Тимофей Роман Владислав Денис Евгений Ярослав Глеб Сергей Вадим Степан
    Фёдор Павел Арсений Константин Семён Богдан""")
GIRL_NAMES = _words("""Анастасия Мария Дарья Анна Полина Екатерина Виктория Елизавета Алина Ксения
    Софья Валерия Юлия Алёна Арина Вероника Кристина Ольга Татьяна Ангелина Диана Карина Милана
    Ульяна Варвара Маргарита Яна Александра Олеся Ева""")
WOMEN_NAMES = _words("""Елена Ольга Татьяна Наталья Ирина Светлана Марина Людмила Галина Надежда
    Любовь Оксана Юлия Анна Екатерина Валентина Лариса Вера Нина Анастасия Евгения Алла Жанна Инна
    Лидия Тамара Ксения Дарья Елизавета Мария""")
# Men's surnames; women's forms follow `feminine_surname`.
SURNAMES = _words("""Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков
    Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов
    Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв
    Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков
    Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров
    Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов
    Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Савельев
    Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин Исаев
    Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв Голубев
    Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев Ермаков
    Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов Громов
    Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов Ерёмин
    Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов Прокофьев Харитонов Князев
    Цветков Левин Митрофанов Аксёнов Мальцев Логинов Горшков Савин Краснов Демидов Елисеев
    Рыбаков Плотников Дёмин Хохлов Фадеев Молчанов Игнатов Литвинов Ершов Ушаков Рябов Мухин
    Калашников Лобанов Вишневский Покровский Успенский Островский Луговской Шевченко Ткаченко
    Бондаренко Коваленко Кравчук Савчук Черных Седых Белых Шмидт Вагнер Миллер""")

_TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    _words("a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e iu ia"),
    strict=True,
))


def feminine_surname(surname: str) -> str:
    """The woman's form of a man's surname (Петров → Петрова, Вишневский → Вишневская,
    Луговской → Луговская; Шевченко, Черных, Шмидт do not change)."""
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ский", "цкий", "ской", "цкой")):
        return surname[:-2] + "ая"
    return surname


def translit(text: str) -> str:
    """Lower-case Latin spelling for e-mail addresses (ICAO style, ё as e)."""
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower()).replace("-", "")


# --------------------------------------------------------------------------- catalogues

C_DEMO_EXAM = "Подготовка к демонстрационному экзамену"
C_CHAMPIONSHIP = "Чемпионат «Профессионалы»"
C_ADAPTATION = "Адаптация в группе"
C_PROJECTS = "Проектная деятельность"
C_SAFETY = "Охрана труда"
C_METHODS = "Методическая работа"
C_STUDIES = "Учебная успеваемость"
C_OLYMPIADS = "Олимпиады и конкурсы профмастерства"
C_CAREER = "Профориентация и трудоустройство"
C_TUTORING = "Классное руководство и воспитательная работа"
C_TEACHING = "Современные образовательные технологии"
C_MINING = "Горное дело и подземные работы"
C_ELECTRIC = "Электрооборудование и электроснабжение"
C_AUTO = "Ремонт и диагностика автомобилей"
C_PROCESSING = "Обогащение полезных ископаемых"
C_INDUSTRIAL = "Монтаж и ремонт промышленного оборудования"
C_BUILDING = "Строительное производство и сметное дело"
C_LAND = "Кадастр и оценка недвижимости"
COMPETENCIES = (C_DEMO_EXAM, C_CHAMPIONSHIP, C_ADAPTATION, C_PROJECTS, C_SAFETY, C_METHODS,
                C_STUDIES, C_OLYMPIADS, C_CAREER, C_TUTORING, C_TEACHING, C_MINING, C_ELECTRIC,
                C_AUTO, C_PROCESSING, C_INDUSTRIAL, C_BUILDING, C_LAND)


@dataclass(frozen=True)
class _Spec:
    code: str
    name: str
    prefix: str
    female_share: float
    competency: str | None


ORG1_SPECIALTIES = (
    _Spec("21.02.17", "Подземная разработка месторождений полезных ископаемых", "ПР", 0.04,
          C_MINING),
    _Spec("13.02.11", "Техническая эксплуатация и обслуживание электрического и "
          "электромеханического оборудования (по отраслям)", "ЭМ", 0.08, C_ELECTRIC),
    _Spec("23.02.07", "Техническое обслуживание и ремонт двигателей, систем и агрегатов "
          "автомобилей", "АТ", 0.05, C_AUTO),
    _Spec("21.02.18", "Обогащение полезных ископаемых", "ОП", 0.3, C_PROCESSING),
    _Spec("15.02.12", "Монтаж, техническое обслуживание и ремонт промышленного оборудования "
          "(по отраслям)", "МО", 0.04, C_INDUSTRIAL),
    _Spec("08.02.01", "Строительство и эксплуатация зданий и сооружений", "СЗ", 0.4, C_BUILDING),
    _Spec("21.02.05", "Земельно-имущественные отношения", "ЗИ", 0.75, C_LAND),
)
ORG2_SPECIALTIES = (
    _Spec("09.02.07", "Информационные системы и программирование", "ИС", 0.25, C_PROJECTS),
    _Spec("38.02.01", "Экономика и бухгалтерский учет (по отраслям)", "ЭБ", 0.8, None),
    _Spec("43.02.15", "Поварское и кондитерское дело", "ПК", 0.6, None),
    _Spec("22.02.06", "Сварочное производство", "СВ", 0.03, C_INDUSTRIAL),
)
# Organisation 2 has one group per line (prefix, year of entry): courses 1–4 are all present.
ORG2_GROUPS = (("ИС", 2024), ("ЭБ", 2024), ("ПК", 2023), ("СВ", 2023), ("ИС", 2022),
               ("ЭБ", 2021))


@dataclass(frozen=True)
class _Enterprise:
    name: str
    short_name: str
    municipality: str
    prefixes: tuple[str, ...]
    positions: tuple[str, ...]


_CITY = "Прокопьевский городской округ"
_DISTRICT = "Прокопьевский муниципальный округ"
# Invented enterprises with names typical of the Prokopyevsk coal basin.
ENTERPRISES = (
    _Enterprise("Акционерное общество «Шахтоуправление «Прокопьевское»»",
                "АО «ШУ «Прокопьевское»»", _CITY, ("ПР", "ЭМ"),
                ("Начальник участка", "Горный мастер", "Механик участка",
                 "Заместитель главного инженера по охране труда", "Маркшейдер")),
    _Enterprise("Общество с ограниченной ответственностью «Шахта «Зенковская-Южная»»",
                "ООО «Шахта «Зенковская-Южная»»", _CITY, ("ПР", "ЭМ", "МО"),
                ("Горный мастер", "Электромеханик участка", "Начальник смены",
                 "Главный механик")),
    _Enterprise("Общество с ограниченной ответственностью «Разрез «Тырганский»»",
                "ООО «Разрез «Тырганский»»", _DISTRICT, ("ПР", "АТ", "ЭМ"),
                ("Начальник участка горных работ", "Механик автоколонны", "Горный мастер")),
    _Enterprise("Общество с ограниченной ответственностью «Обогатительная фабрика «Красная "
                "Горка»»", "ООО «ОФ «Красная Горка»»", _CITY, ("ОП", "ЭМ"),
                ("Начальник смены", "Технолог", "Мастер ОТК")),
    _Enterprise("Акционерное общество «Прокопьевский завод горно-шахтного оборудования»",
                "АО «ПЗГШО»", _CITY, ("МО", "ЭМ"),
                ("Главный механик", "Мастер механосборочного цеха", "Инженер-конструктор")),
    _Enterprise("Общество с ограниченной ответственностью «Кузбасская энергоремонтная "
                "компания»", "ООО «КЭРК»", _CITY, ("ЭМ",),
                ("Главный энергетик", "Мастер электроцеха", "Инженер релейной защиты")),
    _Enterprise("Общество с ограниченной ответственностью «Автоколонна «Рудничная»»",
                "ООО «Автоколонна «Рудничная»»", _CITY, ("АТ",),
                ("Механик автоколонны", "Мастер-диагност", "Начальник ремонтной зоны")),
    _Enterprise("Общество с ограниченной ответственностью «Строительно-монтажное управление "
                "«Горстрой»»", "ООО «СМУ «Горстрой»»", _DISTRICT, ("СЗ", "ЗИ"),
                ("Прораб", "Инженер ПТО", "Инженер-сметчик")),
)
EMPLOYER_REPS_PER_ENTERPRISE = (5, 4, 3, 3, 3, 3, 2, 2)

TEACHER_POSITIONS = ("Преподаватель", "Преподаватель", "Преподаватель",
                     "Преподаватель специальных дисциплин", "Мастер производственного обучения",
                     "Методист", "Заведующий отделением", "Педагог-психолог",
                     "Социальный педагог", "Руководитель физического воспитания")

# Request categories per form and what a mentee with that request wants.
CATEGORIES = MentorshipRequest.Category
GOALS: dict[str, tuple[str, ...]] = {
    CATEGORIES.ADAPTATION: (
        "Быстрее освоиться в группе и в техникуме, разобраться в расписании и требованиях",
        "Привыкнуть к жизни в общежитии и к учёбе в городе после переезда из посёлка",
        "Научиться распределять время между учёбой, секцией и подработкой",
        "Найти своё место в группе и включиться в студенческую жизнь",
    ),
    CATEGORIES.ACADEMIC: (
        "Закрыть задолженности по математике и выйти на оценки не ниже «4»",
        "Подтянуть инженерную графику и техническую механику, сдать сессию без пересдач",
        "Разобраться в электротехнике и подготовиться к экзамену по МДК",
        "Выполнить курсовой проект в срок и защитить его на «хорошо»",
    ),
    CATEGORIES.GIFTED: (
        "Подготовить исследовательский проект к студенческой научно-практической конференции",
        "Подготовиться к региональной олимпиаде профессионального мастерства",
        "Разработать рационализаторское предложение для предприятия-партнёра",
    ),
    CATEGORIES.PROFESSIONAL: (
        "Получить практический опыт работы на участке до производственной практики",
        "Разобраться в устройстве и обслуживании оборудования и выбрать место работы",
        "Подготовиться к трудоустройству на предприятие по целевому договору",
        "Освоить требования охраны труда и промышленной безопасности на производстве",
    ),
    CATEGORIES.CHAMPIONSHIP: (
        "Подготовиться к региональному этапу чемпионата «Профессионалы»",
        "Успешно сдать демонстрационный экзамен профильного уровня",
        "Войти в сборную техникума на чемпионат «Профессионалы» по своей компетенции",
    ),
    CATEGORIES.YOUNG_SPECIALIST: (
        "Освоить ведение учебной документации, разработку КОС и рабочих программ",
        "Выстроить дисциплину и мотивацию на занятиях в группах первого курса",
        "Подготовиться к аттестации на первую квалификационную категорию",
        "Освоить классное руководство и работу с родителями студентов",
    ),
}
WANTED: dict[str, tuple[str, ...]] = {
    CATEGORIES.ADAPTATION: (C_ADAPTATION, C_STUDIES),
    CATEGORIES.ACADEMIC: (C_STUDIES,),
    CATEGORIES.GIFTED: (C_OLYMPIADS, C_PROJECTS),
    CATEGORIES.PROFESSIONAL: (C_SAFETY, C_CAREER),
    CATEGORIES.CHAMPIONSHIP: (C_CHAMPIONSHIP, C_DEMO_EXAM),
    CATEGORIES.YOUNG_SPECIALIST: (C_METHODS, C_TUTORING, C_TEACHING),
}
TASKS: dict[str, tuple[str, ...]] = {
    CATEGORIES.ADAPTATION: (
        "Познакомиться с куратором группы и старостой", "Записаться в спортивную секцию",
        "Составить личное расписание недели", "Сходить на экскурсию по техникуму и музею",
        "Принять участие в общем мероприятии группы", "Разобрать правила внутреннего распорядка",
        "Подготовить рассказ о себе для «Посвящения в студенты»",
    ),
    CATEGORIES.ACADEMIC: (
        "Разобрать темы контрольной работы", "Сдать долг по лабораторным работам",
        "Решить сборник задач по технической механике", "Подготовить конспект по МДК",
        "Выполнить чертежи по инженерной графике", "Пройти промежуточное тестирование",
        "Подготовиться к экзамену по электротехнике",
    ),
    CATEGORIES.GIFTED: (
        "Выбрать тему исследования", "Собрать и обработать данные", "Написать тезисы доклада",
        "Подготовить презентацию", "Выступить на предзащите в техникуме",
        "Отправить заявку на конференцию",
    ),
    CATEGORIES.PROFESSIONAL: (
        "Пройти вводный инструктаж по охране труда", "Изучить схему участка и оборудование",
        "Отработать под руководством наставника типовую операцию",
        "Оформить дневник практики", "Посетить смежный участок предприятия",
        "Подготовить отчёт по итогам стажировки", "Пройти собеседование в отделе кадров",
    ),
    CATEGORIES.CHAMPIONSHIP: (
        "Изучить конкурсное задание прошлого года", "Отработать модуль А на время",
        "Отработать модуль Б на время", "Пройти пробный демонстрационный экзамен",
        "Разобрать ошибки пробного экзамена с экспертом", "Выступить на отборочном этапе",
    ),
    CATEGORIES.YOUNG_SPECIALIST: (
        "Разработать рабочую программу дисциплины", "Посетить 5 занятий наставника",
        "Провести открытое занятие", "Подготовить фонд оценочных средств",
        "Оформить журнал и отчётность за семестр", "Пройти курсы повышения квалификации",
        "Провести родительское собрание группы",
    ),
}
TOPICS: dict[str, tuple[str, ...]] = {
    CATEGORIES.ADAPTATION: ("Как прошла неделя: трудности и успехи", "Жизнь в общежитии",
                            "Кружки и секции техникума", "Подготовка к первой сессии"),
    CATEGORIES.ACADEMIC: ("Разбор трудных тем по математике", "Подготовка к контрольной",
                          "Проверка выполненных заданий", "План ликвидации задолженностей"),
    CATEGORIES.GIFTED: ("Обсуждение темы исследования", "Работа с источниками",
                        "Репетиция выступления", "Разбор замечаний рецензента"),
    CATEGORIES.PROFESSIONAL: ("Экскурсия по участку", "Разбор технологической карты",
                              "Требования охраны труда на участке", "Работа с документацией",
                              "Разговор о трудоустройстве"),
    CATEGORIES.CHAMPIONSHIP: ("Тренировка модуля конкурсного задания", "Разбор ошибок",
                              "Пробный прогон на время", "Критерии оценки экспертов"),
    CATEGORIES.YOUNG_SPECIALIST: ("Разбор посещённого занятия", "Подготовка рабочей программы",
                                  "Работа с трудной группой", "Оформление документации",
                                  "Подготовка открытого урока"),
}
MEETING_NOTES = ("Договорились о следующих шагах.", "Задание выполнено частично, перенесли срок.",
                 "Наставляемый подготовил вопросы заранее.", "Разобрали ошибки, есть прогресс.",
                 "Встреча прошла продуктивно.")
END_REASONS = ("Наставник перешёл на другой участок", "Длительная болезнь наставника",
               "Наставляемый по собственному желанию вышел из программы")
REFLECTIONS_MENTOR = ("Наставляемый заметно вырос за год, стал самостоятельнее.",
                      "Цели достигнуты не полностью, но появился интерес к профессии.",
                      "Хорошая пара, рекомендую продолжить работу на следующий год.")
REFLECTIONS_MENTEE = ("Было полезно, стал увереннее на практике.",
                      "Спасибо наставнику за терпение и помощь.",
                      "Хотелось бы встречаться чаще.")


# --------------------------------------------------------------------------- sizes


@dataclass(frozen=True)
class Scale:
    students: int
    specialties: int
    teachers: int  # with the director, the curator, the mentor and the young specialists
    young_specialists: int
    former_young_specialists: int  # now teachers, mentored in 2020/21
    employer_reps: int
    ts_mentors: int  # teachers mentoring students (with the `mentor` user)
    tt_mentors: int  # teachers mentoring young specialists
    tt_overlap: int  # how many of the tt mentors also mentor students
    student_mentors: int
    student_mentees: int
    open_student_requests: int
    open_ys_requests: int
    org2_students: int
    org2_teachers: int  # with curator2
    org2_young_specialists: int
    org2_ts_mentors: int
    org2_student_mentors: int
    org2_student_mentees: int


FULL = Scale(students=800, specialties=7, teachers=60, young_specialists=12,
             former_young_specialists=4, employer_reps=25, ts_mentors=16, tt_mentors=6,
             tt_overlap=2, student_mentors=40, student_mentees=350, open_student_requests=45,
             open_ys_requests=2, org2_students=150, org2_teachers=15, org2_young_specialists=2,
             org2_ts_mentors=4, org2_student_mentors=6, org2_student_mentees=28)
SMALL = Scale(students=120, specialties=3, teachers=20, young_specialists=4,
              former_young_specialists=2, employer_reps=8, ts_mentors=6, tt_mentors=3,
              tt_overlap=1, student_mentors=8, student_mentees=50, open_student_requests=8,
              open_ys_requests=1, org2_students=40, org2_teachers=8, org2_young_specialists=1,
              org2_ts_mentors=2, org2_student_mentors=3, org2_student_mentees=12)


def _spread(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder), exactly."""
    raw = [total * w / sum(weights) for w in weights]
    sizes = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - sizes[i], reverse=True)
    for i in by_remainder[: total - sum(sizes)]:
        sizes[i] += 1
    return sizes


def _weekday(day: dt.date) -> dt.date:
    """The Friday before a weekend day, else the day itself."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


@cache
def _password_hash(hashers: tuple[str, ...]) -> str:
    return make_password(DEMO_PASSWORD)


def demo_password_hash() -> str:
    """One hash of «demo» for every demo user (hashing is deliberately slow)."""
    return _password_hash(tuple(settings.PASSWORD_HASHERS))


# --------------------------------------------------------------------------- people


@dataclass(eq=False)
class _P:
    """A person being built, with what the builder needs to know about them."""

    person: Person
    female: bool
    spec: _Spec | None = None
    entry_year: int | None = None
    parents: tuple[str, str] = ("", "")
    since: int = POPULATION_YEAR  # first academic year as a mentor
    mentor_role: ProgrammeRole | None = None
    mentee_role: ProgrammeRole | None = None
    load: int = 0  # active mentees

    @property
    def course(self) -> int | None:
        return None if self.entry_year is None else POPULATION_YEAR - self.entry_year + 1

    @property
    def as_mentor(self) -> ProgrammeRole:
        if self.mentor_role is None:
            raise ValueError(f"{self.person} is not a mentor")
        return self.mentor_role

    @property
    def as_mentee(self) -> ProgrammeRole:
        if self.mentee_role is None:
            raise ValueError(f"{self.person} is not a mentee")
        return self.mentee_role

    @property
    def room(self) -> int:
        return (self.as_mentor.capacity or 0) - self.load


Categorise = Callable[[_P, "int | None"], str]


class _Builder:
    def __init__(self, *, scale: Scale, today: dt.date, forms: dict[str, MentoringForm],
                 competencies: dict[str, Competency], specialties: dict[str, Specialty]) -> None:
        self.scale = scale
        self.today = today
        self.forms = forms
        self.comp = competencies
        self.specialties = specialties
        self.rng = random.Random(SEED)  # noqa: S311 (reproducible fake data, not secrets)
        # The work log depends on today's date; its own generator keeps everything else
        # (who mentors whom, when) the same whatever the day of the load.
        self.log_rng = random.Random(SEED + 1)  # noqa: S311
        self.emails: set[str] = set()
        self.people: list[_P] = []
        self.groups: list[StudyGroup] = []
        self.special: dict[str, _P] = {}
        # Rows to save, in dependency order.
        self.consents: list[Consent] = []
        self.roles: list[ProgrammeRole] = []
        self.role_forms: list[tuple[ProgrammeRole, MentoringForm]] = []
        self.role_comps: list[tuple[ProgrammeRole, Competency]] = []
        self.trainings: list[MentorTraining] = []
        self.recognitions: list[Recognition] = []
        self.mentorships: list[tuple[Mentorship, dt.datetime]] = []
        self.requests: list[tuple[MentorshipRequest, dt.datetime]] = []
        self.request_comps: list[tuple[MentorshipRequest, Competency]] = []
        self.preferences: list[RequestPreference] = []
        self.members: list[MentorshipMember] = []
        self.plan_items: list[PlanItem] = []
        self.meetings: list[tuple[Meeting, dt.datetime]] = []
        self.attendees: list[tuple[Meeting, ProgrammeRole]] = []
        self.curator_user: User | None = None

    # ---- identities

    def _email(self, rng: random.Random, last: str, first: str) -> str:
        while True:
            email = f"{translit(last)}.{translit(first)}.{rng.randint(100, 999)}@{EMAIL_DOMAIN}"
            if email not in self.emails:
                self.emails.add(email)
                return email

    def _birth(self, rng: random.Random, age_on_reference: tuple[int, int]) -> dt.date:
        age = rng.randint(*age_on_reference)
        return dt.date(REFERENCE_DAY.year - age, 9, 1) - dt.timedelta(days=rng.randint(0, 364))

    def new_person(self, *, organisation: Organisation, category: str, female: bool,
                   young: bool, birth_date: dt.date, rng: random.Random | None = None,
                   **fields: Any) -> _P:
        """A person with a Russian name whose patronymic comes from the father's name; a
        student (`young`) also gets the names of both parents for consents."""
        rng = rng or self.rng
        surname = rng.choice(SURNAMES)
        father, son_of, daughter_of = rng.choice(MALE_NAMES)
        if young:
            first = rng.choice(GIRL_NAMES if female else BOY_NAMES)
        else:
            first = rng.choice(WOMEN_NAMES) if female else rng.choice(MALE_NAMES)[0]
        last = feminine_surname(surname) if female else surname
        parents = ("", "")
        if young:
            parents = (f"{surname} {father} {rng.choice(MALE_NAMES)[1]}",
                       f"{feminine_surname(surname)} {rng.choice(WOMEN_NAMES)} "
                       f"{rng.choice(MALE_NAMES)[2]}")
        person = Person(organisation=organisation, category=category, last_name=last,
                        first_name=first, middle_name=daughter_of if female else son_of,
                        birth_date=birth_date, email=self._email(rng, last, first), **fields)
        p = _P(person=person, female=female, parents=parents)
        self.people.append(p)
        return p

    def new_student(self, *, organisation: Organisation, group: StudyGroup, spec: _Spec,
                    entry_year: int, rng: random.Random | None = None) -> _P:
        rng = rng or self.rng
        age_at_entry = rng.choices((15, 16, 17), weights=(70, 22, 8))[0]
        birth = dt.date(entry_year - age_at_entry, 9, 1) - dt.timedelta(days=rng.randint(0, 364))
        p = self.new_person(organisation=organisation, category=Person.Category.STUDENT,
                            female=rng.random() < spec.female_share, young=True,
                            birth_date=birth, rng=rng, study_group=group,
                            course=POPULATION_YEAR - entry_year + 1,
                            specialty=self.specialties[spec.code])
        p.spec, p.entry_year = spec, entry_year
        return p

    def new_teacher(self, *, organisation: Organisation, ages: tuple[int, int],
                    hired: tuple[int, int], position: str = "", spec: _Spec | None = None,
                    young_specialist: bool = False, rng: random.Random | None = None) -> _P:
        rng = rng or self.rng
        birth = self._birth(rng, ages)
        first_year = max(hired[0], birth.year + 22)
        year = rng.randint(min(first_year, hired[1]), hired[1])
        hired_on = dt.date(year, 8, 25) + dt.timedelta(days=rng.randint(0, 12))
        if not young_specialist and rng.random() < 0.2:
            hired_on = dt.date(year, 1, 10) + dt.timedelta(days=rng.randint(0, 20))
        category = (Person.Category.YOUNG_SPECIALIST if young_specialist
                    else Person.Category.TEACHER)
        p = self.new_person(organisation=organisation, category=category,
                            female=rng.random() < 0.68, young=False, birth_date=birth, rng=rng,
                            position=position or rng.choice(TEACHER_POSITIONS),
                            hired_on=hired_on,
                            specialty=self.specialties[spec.code] if spec else None)
        p.spec = spec
        return p

    def build_groups(self, organisation: Organisation, layout: list[tuple[_Spec, int]],
                     total: int) -> list[tuple[StudyGroup, _Spec, int, int]]:
        weights = [self.rng.uniform(0.85, 1.15) * (1.1 if year == POPULATION_YEAR else 1.0)
                   for _spec, year in layout]
        result = []
        for (spec, year), size in zip(layout, _spread(total, weights), strict=True):
            group = StudyGroup(organisation=organisation, name=f"{spec.prefix}-{year % 100:02d}",
                               course=POPULATION_YEAR - year + 1,
                               specialty=self.specialties[spec.code])
            self.groups.append(group)
            result.append((group, spec, year, size))
        return result

    def consents_for(self, people: list[_P], *, missing: float = 0.015) -> None:
        """A consent for nearly everyone: minors through a parent, adults themselves."""
        special = list(self.special.values())
        for p in people:
            if p not in special and self.rng.random() < missing:
                continue
            person = p.person
            if p.entry_year is not None:
                signed = dt.date(p.entry_year, 9, 1) + dt.timedelta(days=self.rng.randint(0, 20))
            elif person.hired_on and person.hired_on.year >= 2020:
                signed = person.hired_on + dt.timedelta(days=self.rng.randint(1, 14))
            else:
                signed = dt.date(2020, 9, 1) + dt.timedelta(days=self.rng.randint(0, 30))
            consent = Consent(person=person, signed_on=signed, signer=Consent.Signer.SELF,
                              number=f"{signed.year}/{len(self.consents) + 1:04d}",
                              recorded_by=self.curator_user)
            if person.age_on(signed) is not None and person.age_on(signed) < 18:
                # The draw keeps the random sequence (and so the rest of the demo) as it
                # was; the signer itself follows the age bands (CONSENT_AGE_BANDS).
                self.rng.choice((Consent.Signer.REPRESENTATIVE, Consent.Signer.BOTH))
                consent.signer = consent_required_signer(birth_date=person.birth_date,
                                                         on=signed)
                consent.representative_name = self.rng.choice(p.parents)
            self.consents.append(consent)

    # ---- roles

    def mentor_role(self, p: _P, programme: Programme, *, forms: tuple[str, ...],
                    capacity: int, comps: list[str], since: int, trained: bool = True) -> None:
        trained_on = None
        if trained:
            trained_on = dt.date(since, 10, 1) + dt.timedelta(days=self.rng.randint(0, 27))
        role = ProgrammeRole(programme=programme, person=p.person, role=ProgrammeRole.Role.MENTOR,
                             capacity=capacity, trained_on=trained_on)
        p.mentor_role, p.since = role, since
        self.roles.append(role)
        self.role_forms += [(role, self.forms[code]) for code in forms]
        self.role_comps += [(role, self.comp[name]) for name in dict.fromkeys(comps)]
        if trained_on is not None:
            category = p.person.category
            title, kind, hours = (
                ("Школа наставника: программа повышения квалификации", "курсы", 36)
                if category == Person.Category.TEACHER else
                ("Семинар для наставников от предприятий", "семинар", 16)
                if category == Person.Category.EMPLOYER else
                ("Школа юного наставника", "тренинг", 8))
            self.trainings.append(MentorTraining(person=p.person, title=title, kind=kind,
                                                 held_on=trained_on, hours=hours))

    def mentee_role(self, p: _P, programme: Programme, *, active: bool = True) -> ProgrammeRole:
        if p.mentee_role is None:
            p.mentee_role = ProgrammeRole(programme=programme, person=p.person,
                                          role=ProgrammeRole.Role.MENTEE, is_active=active)
            self.roles.append(p.mentee_role)
        return p.mentee_role

    def staff_role(self, p: _P, programme: Programme, role: str) -> None:
        self.roles.append(ProgrammeRole(programme=programme, person=p.person, role=role))

    # ---- requests and mentorships

    def request(self, p: _P, programme: Programme, form: str, category: str, *,
                status: str, filed_on: dt.date) -> MentorshipRequest:
        role = self.mentee_role(p, programme)
        req = MentorshipRequest(programme=programme, mentee=role, form=self.forms[form],
                                category=category, goal=self.rng.choice(GOALS[category]),
                                status=status, created_by=self.curator_user)
        self.requests.append((req, _at(filed_on, self.rng.randint(9, 17), self.rng.randint(0, 59))))
        wanted = list(WANTED[category])
        if p.spec and p.spec.competency and category != CATEGORIES.ADAPTATION:
            wanted.append(p.spec.competency)
        wanted = list(dict.fromkeys(wanted))
        for name in self.rng.sample(wanted, k=min(len(wanted), self.rng.randint(1, 3))):
            self.request_comps.append((req, self.comp[name]))
        return req

    def mentorship(self, programme: Programme, form: str, mentor: _P, mentees: list[_P],
                   category: str, *, year: int | None = None) -> Mentorship:
        """A pair or a group; `year` None means active since November 2024, else an academic
        year in the past (completed, or now and then ended early)."""
        rng = self.rng
        start_year = POPULATION_YEAR if year is None else year
        started = _weekday(dt.date(start_year, 11, rng.randint(4, 28)))
        ms = Mentorship(programme=programme, form=self.forms[form], mentor=mentor.as_mentor,
                        started_on=started, created_by=self.curator_user)
        if year is not None:
            if rng.random() < 0.06:
                ms.status = Mentorship.Status.ENDED_EARLY
                ms.ended_on = _weekday(dt.date(year + 1, rng.randint(1, 4), rng.randint(1, 28)))
                ms.end_reason = rng.choice(END_REASONS)
                ms.outcome = Mentorship.Outcome.PARTLY if rng.random() < 0.5 else ""
            else:
                ms.status = Mentorship.Status.COMPLETED
                ms.ended_on = _weekday(dt.date(year + 1, rng.choice((5, 6)), rng.randint(1, 28)))
                ms.outcome = rng.choices(list(Mentorship.Outcome), weights=(62, 30, 8))[0]
                ms.mentor_reflection = rng.choice(REFLECTIONS_MENTOR)
                ms.mentee_reflection = rng.choice(REFLECTIONS_MENTEE)
        self.mentorships.append((ms, _at(started, 10, rng.randint(0, 59))))
        for p in mentees:
            filed = started - dt.timedelta(days=rng.randint(14, 50))
            req = self.request(p, programme, form, category,
                               status=MentorshipRequest.Status.MATCHED, filed_on=filed)
            self.members.append(MentorshipMember(
                mentorship=ms, mentee=p.as_mentee, request=req, form=self.forms[form],
                is_active=year is None, joined_on=started, left_on=ms.ended_on))
        self._plan(ms, category, req.goal)
        self._meetings(ms, mentor, mentees, category)
        return ms

    def _plan(self, ms: Mentorship, category: str, goal: str) -> None:
        rng, today = self.log_rng, self.today
        titles = rng.sample(TASKS[category], k=min(len(TASKS[category]),
                                                   rng.randint(4, 7) if ms.ended_on is None
                                                   else rng.randint(2, 4)))
        if ms.ended_on is None:
            year_end = dt.date(today.year + (today.month >= 9), 6, 30)
            self.plan_items.append(PlanItem(mentorship=ms, kind=PlanItem.Kind.GOAL, title=goal,
                                            due_on=year_end, position=0,
                                            status=PlanItem.Status.IN_PROGRESS))
            first = ms.started_on + dt.timedelta(days=30)
            span = max(1, (today + dt.timedelta(days=90) - first).days)
            for i, title in enumerate(titles, start=1):
                due = first + dt.timedelta(days=span * i // len(titles) - rng.randint(0, 20))
                item = PlanItem(mentorship=ms, title=title, due_on=due, position=i)
                if due <= today - dt.timedelta(days=7):
                    if rng.random() < 0.82:
                        item.status = PlanItem.Status.DONE
                        item.done_on = max(ms.started_on, due - dt.timedelta(rng.randint(0, 10)))
                    else:  # overdue
                        item.status = rng.choice((PlanItem.Status.IN_PROGRESS,
                                                  PlanItem.Status.PLANNED))
                elif due <= today:
                    item.status = PlanItem.Status.IN_PROGRESS
                else:
                    item.status = rng.choice((PlanItem.Status.PLANNED,
                                              PlanItem.Status.IN_PROGRESS))
                self.plan_items.append(item)
            return
        achieved = ms.outcome in (Mentorship.Outcome.ACHIEVED, Mentorship.Outcome.PARTLY)
        self.plan_items.append(PlanItem(
            mentorship=ms, kind=PlanItem.Kind.GOAL, title=goal, due_on=ms.ended_on, position=0,
            status=PlanItem.Status.DONE if achieved else PlanItem.Status.CANCELLED,
            done_on=ms.ended_on if achieved else None))
        span = (ms.ended_on - ms.started_on).days
        for i, title in enumerate(titles, start=1):
            due = ms.started_on + dt.timedelta(days=span * i // (len(titles) + 1))
            done = rng.random() < 0.9
            self.plan_items.append(PlanItem(
                mentorship=ms, title=title, due_on=due, position=i,
                status=PlanItem.Status.DONE if done else PlanItem.Status.CANCELLED,
                done_on=due if done else None))

    def _meetings(self, ms: Mentorship, mentor: _P, mentees: list[_P], category: str) -> None:
        rng, today = self.log_rng, self.today
        if ms.ended_on is not None:
            stop = ms.ended_on
        elif rng.random() < 0.1:  # at risk: nothing logged for six weeks or more
            stop = today - dt.timedelta(days=rng.randint(45, 110))
        else:
            stop = today - dt.timedelta(days=rng.randint(2, 24))
        stop = _weekday(max(stop, ms.started_on))
        days = [ms.started_on]
        day = ms.started_on + dt.timedelta(days=rng.randint(6, 14))
        while day < stop:
            if day.month in (7, 8):  # summer holidays
                day = dt.date(day.year, 9, rng.randint(2, 12))
                continue
            if _weekday(day) > days[-1]:
                days.append(_weekday(day))
            day += dt.timedelta(days=rng.randint(14, 35) if ms.ended_on is None
                                else rng.randint(21, 45))
        if stop > days[-1] and (ms.ended_on is not None or stop >= today - dt.timedelta(30)):
            days.append(stop)
        user = mentor.person.user if mentor.person.user_id else None
        bad_fit = ms.ended_on is None and rng.random() < 0.02
        for n, held_on in enumerate(days):
            if n == 0:
                kind, topic = Meeting.Type.ACQUAINTANCE, "Знакомство, ожидания от наставничества"
            elif n == 1:
                kind, topic = Meeting.Type.PLANNING, "Составление индивидуального плана"
            elif ms.status == Mentorship.Status.COMPLETED and n == len(days) - 1:
                kind, topic = Meeting.Type.FINAL, "Итоговая встреча: результаты и рефлексия"
            else:
                kind, topic = Meeting.Type.REGULAR, rng.choice(TOPICS[category])
            meeting = Meeting(
                mentorship=ms, held_on=held_on, meeting_type=kind, topic=topic,
                format=Meeting.Format.ONLINE if rng.random() < 0.15 else Meeting.Format.IN_PERSON,
                duration_minutes=rng.choice((30, 45, 45, 60, 60, 90)),
                notes=rng.choice(MEETING_NOTES) if rng.random() < 0.3 else "",
                not_a_good_fit=bad_fit and n == 1, created_by=user)
            if held_on <= today - dt.timedelta(days=2) and rng.random() < 0.85:
                meeting.confirmed_by_mentee_at = _at(held_on + dt.timedelta(days=1),
                                                     rng.randint(15, 21), rng.randint(0, 59))
            self.meetings.append((meeting, _at(held_on, rng.randint(15, 19), rng.randint(0, 59))))
            self.attendees.append((meeting, mentor.as_mentor))
            present = [p for p in mentees if len(mentees) == 1 or rng.random() < 0.9] or mentees
            self.attendees += [(meeting, p.as_mentee) for p in present]

    def fill(self, programme: Programme, form: str, mentor: _P, mentees: list[_P],
             category_of: Categorise, *, year: int | None = None) -> None:
        """Split one mentor's mentees for a year into a group (sometimes) and pairs."""
        rest = list(mentees)
        if len(rest) >= 2 and self.rng.random() < 0.35:
            size = self.rng.randint(2, min(4, len(rest)))
            group, rest = rest[:size], rest[size:]
            self.mentorship(programme, form, mentor, group, category_of(group[0], year),
                            year=year)
        for p in rest:
            self.mentorship(programme, form, mentor, [p], category_of(p, year), year=year)


def student_category(form: str, rng: random.Random) -> Categorise:
    """A function choosing a request category for a student in a form and a year."""

    def choose(p: _P, year: int | None) -> str:
        course = (POPULATION_YEAR if year is None else year) - (p.entry_year or 0) + 1
        if form == SS:
            return rng.choice((CATEGORIES.ADAPTATION,) * 3 + (CATEGORIES.ACADEMIC,) * 2)
        if form == ES:
            return rng.choice((CATEGORIES.PROFESSIONAL,) * 2 + (CATEGORIES.CHAMPIONSHIP,))
        if course == 1:
            return rng.choice((CATEGORIES.ADAPTATION, CATEGORIES.ACADEMIC))
        return rng.choice((CATEGORIES.ACADEMIC, CATEGORIES.GIFTED, CATEGORIES.CHAMPIONSHIP,
                           CATEGORIES.CHAMPIONSHIP))

    return choose


def eligible(form: str, p: _P, year: int) -> bool:
    """Whether a student could be a mentee of this form in that academic year."""
    entry = p.entry_year or 0
    if entry > year:
        return False
    if form == SS:
        return year - entry <= 1  # first and second course
    if form == ES:
        return year - entry >= 1  # from the second course on
    return True


# --------------------------------------------------------------------------- the load


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


def demo_load(*, small: bool = False, stdout: Writer | None = None,
              today: dt.date | None = None) -> DemoSummary:
    """Load the demo data (see the module docstring): `small` is the reduced set for
    browser tests, `stdout` receives progress lines, `today` (default: the local date) is
    where the work log stops. Idempotent; returns the counts of the demo organisations."""
    started = time.monotonic()

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    with scopes_disabled(), transaction.atomic():
        summary = _load(scale=SMALL if small else FULL, today=today or timezone.localdate(),
                        say=say)
    summary.seconds = time.monotonic() - started
    return summary


def _load(*, scale: Scale, today: dt.date, say: Callable[[str], None]) -> DemoSummary:
    say("Справочники и программа ГБПОУ ПГТ по seed 002…")
    forms = forms_ensure_catalogue()
    org1 = organisation_ensure(kind=Organisation.Kind.COLLEGE, **seed_002.ORGANISATION)
    region = org1.region.name
    programme1 = seed_002_programme(org1)
    org2 = organisation_ensure(kind=Organisation.Kind.COLLEGE, region=region, **ORG2)
    programme2 = org2_programme(org2, forms)
    enterprises = [organisation_ensure(name=e.name, short_name=e.short_name,
                                       kind=Organisation.Kind.EMPLOYER, region=region,
                                       municipality=e.municipality, city="Прокопьевск")
                   for e in ENTERPRISES]
    specialties = {}
    for spec in ORG1_SPECIALTIES + ORG2_SPECIALTIES:
        specialties[spec.code], _ = Specialty.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name})
    competencies = {name: Competency.objects.get_or_create(name=name)[0] for name in COMPETENCIES}
    users = ensure_users()
    RegionalCoordinator.objects.update_or_create(user=users["coordinator"],
                                                 defaults={"region": org1.region})

    builder = _Builder(scale=scale, today=today, forms=forms, competencies=competencies,
                       specialties=specialties)
    special = build_special_people(builder, org1, org2)
    created = not Person.objects.filter(organisation__in=(org1, org2),
                                        email__endswith=f"@{EMAIL_DOMAIN}").exists()
    if created:
        say("Люди, роли и согласия…")
        builder.curator_user = users["curator"]
        for username in ("director", "curator", "mentor", "mentee", "curator2"):
            special[username].person.user = users[username]
        build_org1(builder, org1, programme1, enterprises)
        build_org2(builder, org2, programme2)
        say("Пары, группы, планы и встречи…")
        save(builder)
        consents_demo(org1, programme1, users["curator"], today)
    link_users(users, special)
    from monitoring.surveys.demo import surveys_demo_load

    surveys_demo_load(programmes=[programme1, programme2], today=today)
    say("Исполнение дорожной карты и утверждённая версия программы…")
    roadmap_demo(programme1, curator=users["curator"], director=users["director"], today=today)
    say("Пары в группе риска…")
    pairs_at_risk_demo(programme1, mentor_user=users["mentor"], today=today)
    say("Лучшие наставники и поощрения…")
    recognition_demo(programme1)
    return DemoSummary(created=created, counts=count(org1, org2, programme1, programme2))


# Evidence links of the roadmap demo: the college's site, where orders and reports are posted.
ROADMAP_EVIDENCE = "https://pgt.example/nastavnichestvo/{year}/{number}"


def roadmap_demo(programme: Programme, *, curator: User, director: User,
                 today: dt.date) -> None:
    """Execution records of the reference programme for every year, with a realistic mix:
    past years done with evidence links (a few done late); the current year mostly done,
    one activity still in progress and two overdue. Then version 1 approved by the director
    (only if the programme has no version yet). Idempotent: a record is filled only while it
    is untouched (planned, no comment), and the same way every time."""
    from monitoring.plans import indicator_plans_snapshot
    from programmes.models import ActivityExecution, ProgrammeVersion
    from programmes.roadmap import academic_year_for, activity_due_on
    from programmes.services import activity_executions_ensure, programme_version_approve

    current = academic_year_for(programme.years, today)
    for year in programme.years:
        activity_executions_ensure(programme=programme, academic_year=year)
    executions = list(ActivityExecution.objects.filter(
        activity__programme=programme, status=ActivityExecution.Status.PLANNED, comment="",
    ).select_related("activity").order_by("academic_year", "activity__position"))
    current_rows = [e for e in executions if e.academic_year == current]
    overdue = {e.pk for e in current_rows[-2:]}
    in_progress = {e.pk for e in current_rows[-3:-2]}
    updated = []
    for execution in executions:
        if execution.pk in overdue:
            continue
        activity = execution.activity
        due = activity_due_on(execution.academic_year, list(activity.months))
        rng = random.Random(f"{activity.number}/{execution.academic_year}")  # noqa: S311
        if execution.pk in in_progress:
            execution.status = ActivityExecution.Status.IN_PROGRESS
            execution.comment = "Работа продолжается, итоги — к концу учебного года."
        else:
            late = rng.random() < 0.1
            done_on = due + dt.timedelta(days=rng.randint(3, 20)) if late \
                else due - dt.timedelta(days=rng.randint(0, 20))
            execution.status = ActivityExecution.Status.DONE
            execution.done_on = min(done_on, today)
            execution.evidence_link = ROADMAP_EVIDENCE.format(year=execution.academic_year,
                                                              number=activity.number)
            execution.comment = "Выполнено с опозданием." if late else "Выполнено."
        execution.responsible = curator
        updated.append(execution)
    ActivityExecution.objects.bulk_update(
        updated, ["status", "done_on", "evidence_link", "comment", "responsible"])
    if not ProgrammeVersion.objects.filter(programme=programme).exists():
        person = Person.objects.filter(user=director).first()
        approved_on = programme.approved_on
        version = programme_version_approve(
            programme=programme, acting_user=director,
            approver_name=programme.approved_by or (person.short_name if person else ""),
            approver_position=programme.approved_position,
            extra={"indicator_plans": indicator_plans_snapshot(programme=programme)})
        if approved_on is not None:
            # Version 1 is the programme as the seed approved it, on the seed's date (a plain
            # update: the reference data applied on the next load must find nothing to change).
            at = timezone.make_aware(dt.datetime.combine(approved_on, dt.time(10, 0)))
            ProgrammeVersion.objects.filter(pk=version.pk).update(approved_at=at)
            Programme.objects.filter(pk=programme.pk).update(approved_on=approved_on)


def consents_demo(organisation: Organisation, programme: Programme, curator: User,
                  today: dt.date) -> None:
    """Consent cases to show (run once, when the demo people are created): in the first
    study group three students without a consent, one of them with an open request (the
    browser test prints the group's forms and records that one's consent), and two mentees
    of active pairs who revoked theirs three days ago (flagged for the curator)."""
    waiting = (Person.objects.filter(
        organisation=organisation, study_group__isnull=False,
        roles__programme=programme, roles__requests__status=MentorshipRequest.Status.OPEN)
        .select_related("study_group").order_by("study_group__name", "pk").first())
    if waiting is not None:
        group_mates = list(Person.objects.filter(study_group=waiting.study_group)
                           .exclude(pk=waiting.pk).exclude(user__isnull=False)
                           .exclude(roles__memberships__is_active=True)
                           .order_by("pk").values_list("pk", flat=True)[:2])
        Consent.objects.filter(person_id__in=[waiting.pk, *group_mates]).delete()
    revoking = list(Person.objects.filter(
        organisation=organisation, user__isnull=True, roles__programme=programme,
        roles__memberships__is_active=True,
        roles__memberships__mentorship__status=Mentorship.Status.ACTIVE)
        .exclude(pk=getattr(waiting, "pk", None)).distinct().order_by("pk")[:2])
    revoked_on = today - dt.timedelta(days=3)
    Consent.objects.filter(person__in=revoking, revoked_on__isnull=True,
                           signed_on__lte=revoked_on).update(revoked_on=revoked_on,
                                                             revoked_by=curator)


def seed_002_programme(organisation: Organisation) -> Programme:
    """The reference programme, (re)applied exactly as the seed states it (idempotent)."""
    programme = programme_create_from_reference(organisation=organisation, data=seed_002)
    indicators_create_from_reference(programme=programme, data=seed_002)
    return programme


def org2_programme(organisation: Organisation, forms: dict[str, MentoringForm]) -> Programme:
    programme, _ = Programme.objects.get_or_create(
        organisation=organisation, start_year=2024, end_year=2028,
        defaults={"title": ORG2_PROGRAMME_TITLE, "status": Programme.Status.APPROVED,
                  "approved_by": "И.Н. Сомова", "approved_position": "Директор техникума",
                  "approved_on": dt.date(2024, 8, 30), "place": "Прокопьевск",
                  "goal": "Раскрытие личностного и профессионального потенциала обучающихся и "
                          "молодых педагогов через систему наставничества"})
    for order, code in enumerate((TT, TS, ES, SS), start=1):
        ProgrammeForm.objects.get_or_create(programme=programme, form=forms[code],
                                            defaults={"order": order})
    return programme


USER_NAMES = {"admin": ("Игорь", "Мальцев"), "coordinator": ("Ольга", "Климова")}


def ensure_users() -> dict[str, User]:
    """The seven demo logins with the password «demo»; admin is a superuser."""
    users = {}
    password = demo_password_hash()
    for login in DEMO_LOGINS:
        user, _ = User.objects.get_or_create(username=login.username)
        user.password = password
        user.is_active = True
        if login.username == "admin":
            user.is_superuser = user.is_staff = True
        if login.username in USER_NAMES:
            user.first_name, user.last_name = USER_NAMES[login.username]
            user.email = f"{login.username}@{EMAIL_DOMAIN}"
        user.save()
        users[login.username] = user
    return users


def build_special_people(b: _Builder, org1: Organisation, org2: Organisation) -> dict[str, _P]:
    """The people behind the logins, drawn from their own generator so that their names and
    e-mails are the same for every size of the demo (a re-run finds them by e-mail)."""
    rng = random.Random(SEED)  # noqa: S311
    pr = ORG1_SPECIALTIES[0]
    b.special = {
        "director": b.new_teacher(organisation=org1, ages=(54, 58), hired=(2004, 2008),
                                  position="Директор", rng=rng),
        "curator": b.new_teacher(
            organisation=org1, ages=(44, 50), hired=(2005, 2010), rng=rng,
            position="Заместитель директора по учебно-методической работе"),
        "mentor": b.new_teacher(organisation=org1, ages=(42, 48), hired=(2003, 2009),
                                position="Преподаватель специальных дисциплин", spec=pr, rng=rng),
        "mentee": b.new_student(organisation=org1, group=StudyGroup(name="-"), spec=pr,
                                entry_year=2023, rng=rng),
        "curator2": b.new_teacher(organisation=org2, ages=(38, 45), hired=(2008, 2012),
                                  position="Методист", rng=rng),
    }
    for p in b.special.values():
        b.people.remove(p)  # added to the population where they belong
    return b.special


def build_org1(b: _Builder, org: Organisation, programme: Programme,
               enterprises: list[Organisation]) -> None:
    rng, scale = b.rng, b.scale
    specs = ORG1_SPECIALTIES[: scale.specialties]
    layout = [(spec, year) for spec in specs for year in range(2021, POPULATION_YEAR + 1)]
    students: list[_P] = []
    mentee_user = b.special["mentee"]
    for group, spec, year, size in b.build_groups(org, layout, scale.students):
        for _ in range(size):
            if group.name == f"{specs[0].prefix}-23" and mentee_user not in students:
                mentee_user.person.study_group = group
                b.people.append(mentee_user)
                students.append(mentee_user)
                continue
            students.append(b.new_student(organisation=org, group=group, spec=spec,
                                          entry_year=year))

    director, curator, mentor_user = (b.special[k] for k in ("director", "curator", "mentor"))
    teachers = [director, curator, mentor_user]
    b.people += teachers
    ys = [b.new_teacher(organisation=org, ages=(25, 30), hired=(h, h), young_specialist=True,
                        position=rng.choice(("Преподаватель", "Мастер производственного обучения")),
                        spec=rng.choice((None, *specs)))
          for h in _young_specialist_years(scale.young_specialists)]
    former = [b.new_teacher(organisation=org, ages=(28, 32), hired=(2019 + i % 2, 2019 + i % 2),
                            position="Преподаватель", spec=rng.choice(specs))
              for i in range(scale.former_young_specialists)]
    others = [b.new_teacher(organisation=org, ages=(30, 63), hired=(1990, 2019),
                            spec=rng.choice((None, None, *specs)))
              for _ in range(scale.teachers - 3 - len(ys) - len(former))]
    teachers += ys + former + others

    reps: list[_P] = []
    counts = _spread(scale.employer_reps, list(EMPLOYER_REPS_PER_ENTERPRISE))
    present = {s.prefix: s for s in specs}
    for spec_e, organisation, n in zip(ENTERPRISES, enterprises, counts, strict=True):
        for _ in range(n):
            spec = present.get(rng.choice(spec_e.prefixes))
            p = b.new_person(organisation=org, category=Person.Category.EMPLOYER,
                             female=rng.random() < 0.25, young=False,
                             birth_date=b._birth(rng, (28, 60)), employer=organisation,
                             position=rng.choice(spec_e.positions),
                             specialty=b.specialties[spec.code] if spec else None)
            p.spec = spec
            reps.append(p)

    b.consents_for(students + teachers + reps)
    b.staff_role(director, programme, ProgrammeRole.Role.DIRECTOR)
    b.staff_role(curator, programme, ProgrammeRole.Role.CURATOR)

    # Mentors.
    pool = [p for p in others if p.person.birth_date.year <= 1994]
    rng.shuffle(pool)
    ts_mentors = [mentor_user] + pool[: scale.ts_mentors - 1]
    tt_only = [p for p in pool[scale.ts_mentors - 1:] if p.person.birth_date.year <= 1984]
    tt_mentors = ts_mentors[1: 1 + scale.tt_overlap] + tt_only[: scale.tt_mentors
                                                                 - scale.tt_overlap]
    for p in dict.fromkeys(ts_mentors + tt_mentors):
        forms = tuple(f for f, group in ((TT, tt_mentors), (TS, ts_mentors)) if p in group)
        comps = ([C_METHODS, C_TUTORING, C_TEACHING] if TT in forms else []) + (
            [C_DEMO_EXAM, C_CHAMPIONSHIP, C_STUDIES, C_PROJECTS, C_OLYMPIADS]
            if TS in forms else [])
        chosen = rng.sample(comps, k=rng.randint(2, 3))
        if p.spec and p.spec.competency and TS in forms:
            chosen.insert(0, p.spec.competency)
        since = 2020 if (p is mentor_user or TT in forms) else rng.choice(
            (2020, 2021, 2022, 2023, 2024, 2024))
        b.mentor_role(p, programme, forms=forms, capacity=4 if p is mentor_user else rng.choice(
            (2, 3, 3, 4, 4) if TS in forms else (1, 2, 2)), comps=chosen[:4], since=since,
            trained=since < 2024 or rng.random() < 0.6)
    for p in reps:
        comps = [c for c in (p.spec.competency if p.spec else None,) if c]
        comps += rng.sample([C_SAFETY, C_CAREER, C_CHAMPIONSHIP, C_DEMO_EXAM], k=rng.randint(1, 3))
        since = rng.choice((2021, 2021, 2022, 2023, 2024))
        b.mentor_role(p, programme, forms=(ES,), capacity=rng.choice((1, 2, 2, 3, 3, 4)),
                      comps=comps, since=since, trained=since < 2024 or rng.random() < 0.7)
    seniors = [p for p in students if p.course in (3, 4) and p is not mentee_user]
    student_mentors = rng.sample(seniors, scale.student_mentors)
    for p in student_mentors:
        since = 2023 if p.course == 4 and rng.random() < 0.5 else 2024
        comps = [C_ADAPTATION, C_STUDIES, C_OLYMPIADS, C_PROJECTS]
        chosen = rng.sample(comps, k=rng.randint(1, 2))
        if p.spec and p.spec.competency:
            chosen.append(p.spec.competency)
        b.mentor_role(p, programme, forms=(SS,), capacity=rng.choice((1, 2, 2, 2, 3, 4)),
                      comps=chosen, since=since, trained=rng.random() < 0.8)

    # Young specialists: a pair in the year they were hired (2020 for the former ones, now
    # teachers); those hired in the last three years are in an active pair too, or waiting.
    open_ys = list(ys[len(ys) - scale.open_ys_requests:])
    by_year: dict[int, list[_P]] = defaultdict(list)
    for p in former:
        by_year[2020].append(p)
        b.mentee_role(p, programme, active=False)
    for p in ys:
        by_year[_hired(p).year].append(p)
    for year in PAST_YEARS[TT]:
        for n, p in enumerate(by_year[year]):
            b.fill(programme, TT, tt_mentors[n % len(tt_mentors)], [p], young_specialist,
                   year=year)
    for p in ys:
        if _hired(p).year < POPULATION_YEAR - 2 or p in open_ys:
            continue
        mentor = max(tt_mentors, key=lambda m: m.room)
        if mentor.room > 0:
            mentor.load += 1
            b.fill(programme, TT, mentor, [p], young_specialist)
        else:
            open_ys.append(p)
    for p in open_ys:
        b.request(p, programme, TT, CATEGORIES.YOUNG_SPECIALIST,
                  status=MentorshipRequest.Status.OPEN,
                  filed_on=today_minus(b, 5, 40))

    # Students: active pairs and groups from November 2024.
    mentor_ids = {id(p) for p in student_mentors}
    free = [p for p in students if id(p) not in mentor_ids and p is not mentee_user]
    rng.shuffle(free)
    mentees: list[_P] = []

    def take(form: str, mentor: _P | None, year: int, count: int) -> list[_P]:
        chosen: list[_P] = []
        for same in (True, False):
            for p in free:
                if len(chosen) == count:
                    break
                if p in chosen or not eligible(form, p, year):
                    continue
                if same and mentor is not None and mentor.spec and p.spec is not mentor.spec:
                    continue
                chosen.append(p)
        for p in chosen:
            free.remove(p)
            mentees.append(p)
        return chosen

    # The `mentor` login: a pair with the `mentee` login and a group of two.
    mentees.append(mentee_user)
    b.mentee_role(mentee_user, programme)
    b.mentorship(programme, TS, mentor_user, [mentee_user], CATEGORIES.CHAMPIONSHIP)
    group = take(TS, mentor_user, POPULATION_YEAR, 2)
    b.mentorship(programme, TS, mentor_user, group, CATEGORIES.CHAMPIONSHIP)
    mentor_user.load = 3
    for form, mentors in ((TS, ts_mentors[1:]), (ES, reps), (SS, student_mentors)):
        choose = student_category(form, rng)
        for mentor in mentors:
            load = max(0, mentor.room - rng.choices((0, 1, 2), weights=(45, 40, 15))[0])
            if rng.random() < 0.08:
                load = 0  # a new mentor still waiting for mentees
            chosen = take(form, mentor, POPULATION_YEAR, load)
            mentor.load += len(chosen)
            for p in chosen:
                b.mentee_role(p, programme)
            if chosen:
                b.fill(programme, form, mentor, chosen, choose)

    # Open requests for the matcher.
    for n in range(scale.open_student_requests):
        form = (TS, ES, SS)[n % 3]
        chosen = take(form, None, POPULATION_YEAR, 1)
        if not chosen:
            continue
        p = chosen[0]
        category = student_category(form, rng)(p, None)
        req = b.request(p, programme, form, category, status=MentorshipRequest.Status.OPEN,
                        filed_on=today_minus(b, 3, 60))
        candidates = {TS: ts_mentors, ES: reps, SS: student_mentors}[form]
        if rng.random() < 0.25:
            for rank, m in enumerate(rng.sample(candidates, k=rng.randint(1, 2)), start=1):
                b.preferences.append(RequestPreference(request=req, mentor=m.as_mentor,
                                                       rank=rank))

    # Completed pairs and groups of past years: new mentees until the target, then repeats.
    slots: list[tuple[str, int, _P, int]] = []
    for form, mentors in ((TS, ts_mentors), (ES, reps), (SS, student_mentors)):
        for year in PAST_YEARS[form]:
            for mentor in mentors:
                if mentor.since > year or (form == SS and mentor.course != 4) \
                        or rng.random() > 0.9:
                    continue
                capacity = mentor.as_mentor.capacity or 1
                slots.append((form, year, mentor, rng.randint((capacity + 1) // 2, capacity)))
    needed = scale.student_mentees - len(mentees)
    places = sum(n for *_, n in slots)
    for form, year, mentor, n in slots:
        chosen: list[_P] = []
        for _ in range(n):
            places -= 1
            if needed > 0 and rng.random() < needed / (places + 1):
                new = take(form, mentor, year, 1)
                if new:
                    needed -= 1
                    chosen += new
                    continue
            again = [p for p in mentees if eligible(form, p, year) and p not in chosen]
            if again:
                chosen.append(rng.choice(again))
        for p in chosen:
            b.mentee_role(p, programme)
        if chosen:
            b.fill(programme, form, mentor, chosen, student_category(form, rng), year=year)

    # Rewards for a year's work.
    for p in ts_mentors + reps:
        if p.since < POPULATION_YEAR and rng.random() < 0.3:
            year = rng.randint(p.since, POPULATION_YEAR - 1)
            b.recognitions.append(Recognition(
                role=p.as_mentor, year=year,
                kind=rng.choice((Recognition.Kind.THANKS, Recognition.Kind.CERTIFICATE)),
                given_on=dt.date(year + 1, 6, rng.randint(20, 30))))


def young_specialist(p: _P, year: int | None) -> str:
    return CATEGORIES.YOUNG_SPECIALIST


def _hired(p: _P) -> dt.date:
    if p.person.hired_on is None:
        raise ValueError(f"{p.person} has no date of hiring")
    return p.person.hired_on


def today_minus(b: _Builder, low: int, high: int) -> dt.date:
    return b.today - dt.timedelta(days=b.log_rng.randint(low, high))


def _young_specialist_years(n: int) -> list[int]:
    """Years of hiring of `n` young specialists, 2021–2024, later years a little fuller."""
    years = [2024, 2023, 2022, 2024, 2021, 2023, 2022, 2024, 2023, 2021, 2022, 2024]
    return sorted(years[i % len(years)] for i in range(n))


def build_org2(b: _Builder, org: Organisation, programme: Programme) -> None:
    rng, scale = b.rng, b.scale
    specs = {s.prefix: s for s in ORG2_SPECIALTIES}
    layout = [(specs[prefix], year) for prefix, year in ORG2_GROUPS]
    students = [b.new_student(organisation=org, group=group, spec=spec, entry_year=year)
                for group, spec, year, size in b.build_groups(org, layout, scale.org2_students)
                for _ in range(size)]
    curator = b.special["curator2"]
    b.people.append(curator)
    ys = [b.new_teacher(organisation=org, ages=(25, 29), hired=(2023, 2024),
                        young_specialist=True, position="Преподаватель")
          for _ in range(scale.org2_young_specialists)]
    teachers = [curator, *ys] + [
        b.new_teacher(organisation=org, ages=(30, 63), hired=(1992, 2019),
                      spec=rng.choice((None, *ORG2_SPECIALTIES)))
        for _ in range(scale.org2_teachers - 1 - len(ys))]
    b.consents_for(students + teachers)
    b.staff_role(curator, programme, ProgrammeRole.Role.CURATOR)

    pool = teachers[1 + len(ys):]
    ts_mentors = pool[: scale.org2_ts_mentors]
    for n, p in enumerate(ts_mentors):
        forms = (TS, TT) if n == 0 else (TS,)
        b.mentor_role(p, programme, forms=forms, capacity=rng.choice((2, 3, 4)),
                      comps=[C_STUDIES, C_DEMO_EXAM] + ([C_METHODS] if n == 0 else []),
                      since=POPULATION_YEAR)
    seniors = [p for p in students if p.course in (3, 4)]
    student_mentors = rng.sample(seniors, scale.org2_student_mentors)
    for p in student_mentors:
        b.mentor_role(p, programme, forms=(SS,), capacity=rng.choice((1, 2, 2, 3)),
                      comps=[C_ADAPTATION, C_STUDIES], since=POPULATION_YEAR)
    for p in ys:
        b.fill(programme, TT, ts_mentors[0], [p], young_specialist)
        ts_mentors[0].load += 1
    taken = {id(p) for p in student_mentors}
    free = [p for p in students if id(p) not in taken]
    rng.shuffle(free)
    left = scale.org2_student_mentees
    for form, mentors in ((TS, ts_mentors), (SS, student_mentors)):
        choose = student_category(form, rng)
        for mentor in mentors:
            if mentor.room <= 0:
                continue
            want = min(left, max(1, mentor.room - rng.randint(0, 1)))
            chosen = [p for p in free if eligible(form, p, POPULATION_YEAR)][:want]
            for p in chosen:
                free.remove(p)
                b.mentee_role(p, programme)
            left -= len(chosen)
            mentor.load += len(chosen)
            if chosen:
                b.fill(programme, form, mentor, chosen, choose)
    for n, p in enumerate(free[: max(0, left)]):
        form = SS if n % 2 and eligible(SS, p, POPULATION_YEAR) else TS
        b.request(p, programme, form, student_category(form, rng)(p, None),
                  status=MentorshipRequest.Status.OPEN, filed_on=today_minus(b, 3, 45))


def save(b: _Builder) -> None:
    """Write everything the builder made with a few bulk inserts, parents first."""
    batch = 500
    StudyGroup.objects.bulk_create(b.groups, batch_size=batch)
    Person.objects.bulk_create([p.person for p in b.people], batch_size=batch)
    Consent.objects.bulk_create(b.consents, batch_size=batch)
    _backdate(Consent, [(c, _at(c.signed_on, 12)) for c in b.consents])
    ProgrammeRole.objects.bulk_create(b.roles, batch_size=batch)
    through = ProgrammeRole.forms.through
    through.objects.bulk_create([through(programmerole_id=r.pk, mentoringform_id=f.pk)
                                 for r, f in b.role_forms], batch_size=batch)
    through = ProgrammeRole.competencies.through
    through.objects.bulk_create([through(programmerole_id=r.pk, competency_id=c.pk)
                                 for r, c in b.role_comps], batch_size=batch)
    MentorTraining.objects.bulk_create(b.trainings, batch_size=batch)
    Recognition.objects.bulk_create(b.recognitions, batch_size=batch)
    MentorshipRequest.objects.bulk_create([r for r, _ in b.requests], batch_size=batch)
    _backdate(MentorshipRequest, b.requests)
    through = MentorshipRequest.competencies.through
    through.objects.bulk_create([through(mentorshiprequest_id=r.pk, competency_id=c.pk)
                                 for r, c in b.request_comps], batch_size=batch)
    RequestPreference.objects.bulk_create(b.preferences, batch_size=batch)
    Mentorship.objects.bulk_create([m for m, _ in b.mentorships], batch_size=batch)
    _backdate(Mentorship, b.mentorships)
    MentorshipMember.objects.bulk_create(b.members, batch_size=batch)
    PlanItem.objects.bulk_create(b.plan_items, batch_size=batch)
    Meeting.objects.bulk_create([m for m, _ in b.meetings], batch_size=batch)
    _backdate(Meeting, b.meetings)
    through = Meeting.attendees.through
    through.objects.bulk_create([through(meeting_id=m.pk, programmerole_id=r.pk)
                                 for m, r in b.attendees], batch_size=batch)


def _backdate(model: type[models.Model], rows: list[tuple[Any, dt.datetime]]) -> None:
    """Give rows the creation time they would have had (auto_now_add stamped them with now).
    One parametrised statement run for all rows: `bulk_update` builds a CASE per row and
    would take longer than the whole rest of the load."""
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    # Only quoted names of our own model go into the statement; values are parameters.
    sql = (f"UPDATE {table} SET {ops.quote_name('created_at')} = %s, "  # noqa: S608
           f"{ops.quote_name('updated_at')} = %s WHERE {ops.quote_name('id')} = %s")
    params = []
    for obj, when in rows:
        value = ops.adapt_datetimefield_value(when)
        params.append((value, value, obj.pk))
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def link_users(users: dict[str, User], special: dict[str, _P]) -> None:
    """Link each login to its person (found by the person's demo e-mail) and copy the name."""
    for username, p in special.items():
        user = users[username]
        person = Person.objects.filter(user=user).first()
        if person is None:
            person = Person.objects.filter(organisation_id=p.person.organisation_id,
                                           email=p.person.email, user__isnull=True).first()
            if person is None:
                continue
            person.user = user
            person.save(update_fields=["user"])
        user.first_name, user.last_name = person.first_name, person.last_name
        user.email = person.email
        user.save(update_fields=["first_name", "last_name", "email"])


def count(org1: Organisation, org2: Organisation, programme1: Programme,
          programme2: Programme) -> dict[str, int]:
    orgs = (org1, org2)
    people = Person.objects.filter(organisation__in=orgs)
    by_category = dict(people.values_list("category").annotate(n=Count("pk")).order_by())
    roles = ProgrammeRole.objects.filter(programme__in=(programme1, programme2))
    by_role = dict(roles.values_list("role").annotate(n=Count("pk")).order_by())
    ships = Mentorship.objects.filter(programme__in=(programme1, programme2))
    return {
        "студенты (ГБПОУ ПГТ)": people.filter(organisation=org1, category="student").count(),
        "студенты (ГПОУ ППЭТ)": people.filter(organisation=org2, category="student").count(),
        "педагоги": by_category.get("teacher", 0) + by_category.get("young_specialist", 0),
        "из них молодые специалисты": by_category.get("young_specialist", 0),
        "представители работодателей": by_category.get("employer", 0),
        "предприятия": people.filter(category="employer").values("employer").distinct().count(),
        "наставники": by_role.get("mentor", 0),
        "наставляемые": by_role.get("mentee", 0),
        "открытые запросы": MentorshipRequest.objects.filter(
            programme__in=(programme1, programme2), status="open").count(),
        "активные пары и группы": ships.filter(status="active").count(),
        "завершённые пары и группы": ships.filter(~Q(status="active")).count(),
        "встречи": Meeting.objects.filter(mentorship__in=ships).count(),
        "пункты планов": PlanItem.objects.filter(mentorship__in=ships).count(),
        "пользователи": User.objects.filter(
            username__in=[login.username for login in DEMO_LOGINS]).count(),
    }


# --------------------------------------------------------------------------- recognition


def recognition_demo(programme: Programme) -> None:
    """The curator's choice of the best mentors of the population year (the top three by
    the data, cycle.recognition) and a bonus by the director's order for the first of them.
    Idempotent: rows are found or created by mentor, year and kind."""
    from cycle.recognition import best_mentors

    year = POPULATION_YEAR
    for result in best_mentors(programme=programme, year=year)[:3]:
        Recognition.objects.get_or_create(role=result.role, year=year,
                                          kind=Recognition.Kind.BEST_MENTOR)
        if result.rank == 1:
            Recognition.objects.get_or_create(
                role=result.role, year=year, kind=Recognition.Kind.BONUS,
                defaults={"order_number": "112-к", "order_date": dt.date(year + 1, 9, 2),
                          "given_on": dt.date(year + 1, 9, 2),
                          "note": "Стимулирующая выплата лучшему наставнику года"})


# --------------------------------------------------------------------------- pairs at risk


AT_RISK_TASK = "Подготовить отчёт о стажировке на предприятии"
AT_RISK_FIT_COMMENT = "Нам трудно найти общее время, хотелось бы наставника из своей группы."


def pairs_at_risk_demo(programme: Programme, *, mentor_user: User, today: dt.date) -> None:
    """A few active pairs at risk for each reason (cycle.risk), idempotently: the demo
    mentor's first active pair has had no meeting for four weeks; another pair has an overdue
    plan task; a third mentee said after a meeting it is not a good fit; a fourth mentee gave
    a low score in a named pulse survey."""
    from monitoring.models import (
        SurveyAnswer,
        SurveyCampaign,
        SurveyInvitation,
        SurveyResponse,
        SurveyTemplate,
    )

    four_weeks_ago = today - dt.timedelta(weeks=4)
    active = (Mentorship.objects.filter(programme=programme, status=Mentorship.Status.ACTIVE,
                                        started_on__lte=four_weeks_ago)
              .order_by("started_on", "pk"))
    own = active.filter(mentor__person__user=mentor_user).first()
    if own is not None:
        Meeting.objects.filter(mentorship=own, held_on__gt=four_weeks_ago).delete()
    others = list(active.exclude(mentor__person__user=mentor_user)
                  .filter(members__is_active=True).distinct()[:3])
    if len(others) < 3:
        return
    overdue_pair, fit_pair, survey_pair = others
    PlanItem.objects.get_or_create(
        mentorship=overdue_pair, title=AT_RISK_TASK,
        defaults={"kind": PlanItem.Kind.TASK, "due_on": today - dt.timedelta(days=10),
                  "position": 99})
    first = Meeting.objects.filter(mentorship=fit_pair).order_by("held_on", "pk").first()
    if first is not None and not Meeting.objects.filter(mentorship=fit_pair,
                                                        not_a_good_fit=True).exists():
        first.not_a_good_fit, first.not_a_good_fit_comment = True, AT_RISK_FIT_COMMENT
        first.save(update_fields=["not_a_good_fit", "not_a_good_fit_comment"])
    template = (SurveyTemplate.objects.filter(audience="mentee",
                                              questions__is_satisfaction=True)
                .distinct().order_by("pk").first())
    if template is None:
        return
    year = today.year if today.month >= 9 else today.year - 1
    campaign, created = SurveyCampaign.objects.get_or_create(
        programme=programme, template=template, year=year, audience="mentee",
        kind=SurveyCampaign.Kind.PULSE, anonymous=False,
        defaults={"deadline": today - dt.timedelta(days=3),
                  "status": SurveyCampaign.Status.CLOSED})
    if not created:
        return
    mentee = survey_pair.members.filter(is_active=True).order_by("pk").first().mentee
    invitation = SurveyInvitation.objects.create(campaign=campaign, respondent=mentee)
    response = SurveyResponse.objects.create(
        invitation=invitation, status=SurveyResponse.Status.SUBMITTED,
        submitted_at=_at(today - dt.timedelta(days=4), 15))
    SurveyAnswer.objects.bulk_create(
        [SurveyAnswer(response=response, question=q, scale_value=3)
         for q in template.questions.filter(is_satisfaction=True)])
