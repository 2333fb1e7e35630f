"""The pure-data module ``programmes.reference.seed_002`` is an exact transcription of seed 002.

These tests re-parse the raw seed text (``<repo>/../shared/seeds/002_585f7694f953012d.txt``)
independently of the data module and compare.  No database, no Django settings needed.
A missing seed file is a failure, never a skip.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from programmes.reference import seed_002 as ref

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_PATH = REPO_ROOT.parent / "shared" / "seeds" / "002_585f7694f953012d.txt"

RESULTS_HEADING = "Показатели, характеризующие результативность мероприятий Программы"
EFFICIENCY_HEADING = "Показатели эффективности внедрения целевой модели наставничества"
ROADMAP_HEADING = "План мероприятий («Дорожная карта») реализации Программы развития наставничества"
ROADMAP_END = "Ожидаемые результаты реализации Программы развития наставничества"
KINDS = {"основной": "main", "аналитический": "analytic"}
MONTHS = {
    "январь": 1, "февраль": 2, "март": 3, "апрель": 4, "май": 5, "июнь": 6,
    "июль": 7, "август": 8, "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12,
}  # fmt: skip
EXPECTED_ACTIVITIES = (
    [f"1.{i}" for i in range(1, 9)]
    + [f"2.{i}" for i in range(1, 5)]
    + [f"3.{i}" for i in range(1, 4)]
    + [f"4.{i}" for i in range(1, 5)]
    + [f"5.{i}" for i in range(1, 7)]
)


# --------------------------------------------------------------------------- helpers


def norm(text: str) -> str:
    """Drop HTML/markdown markup and collapse whitespace (the module's text convention)."""
    text = re.sub(r"</?(?:i|b|em|strong)>", "", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("**", "")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED_PATH.is_file():
        pytest.fail(
            f"Reference seed file not found: {SEED_PATH}. The shared/ directory with "
            "seeds/002_585f7694f953012d.txt must sit beside the repository checkout.",
            pytrace=False,
        )
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_lines(seed_text: str) -> list[str]:
    return seed_text.split("\n")


@pytest.fixture(scope="module")
def seed_norm(seed_text: str) -> str:
    return norm(seed_text)


def section(lines: list[str], heading: str, end: str | None = None) -> list[str]:
    """Lines after the line equal to ``heading`` (table-of-contents lines carry page numbers)."""
    starts = [i for i, line in enumerate(lines) if line.strip() == heading]
    assert len(starts) == 1, f"heading {heading!r} found {len(starts)} times in the seed"
    body = lines[starts[0] + 1 :]
    if end is not None:
        ends = [i for i, line in enumerate(body) if line.strip() == end]
        assert ends, f"end heading {end!r} not found after {heading!r}"
        body = body[: ends[0]]
    return body


def is_year(cell: str) -> bool:
    return re.fullmatch(r"20\d\d", cell) is not None


def parse_indicator_table(lines: list[str]) -> tuple[list[int], list[dict]]:
    """Parse a tab-separated indicator table whose rows may continue on later lines."""
    years: list[int] = []
    rows: list[dict] = []
    current: dict | None = None
    for raw in lines:
        cells = [c.strip() for c in raw.split("\t")]
        filled = [c for c in cells if c]
        if not filled:
            continue
        year_cells = [c for c in filled if is_year(c)]
        if len(year_cells) >= 5 and not re.fullmatch(r"\d+", cells[0]):
            # a header line (possibly repeated after a page break) carrying the years
            if not years:
                years = [int(c) for c in year_cells]
            continue
        if re.fullmatch(r"\d+", cells[0]):
            current = {"number": int(cells[0]), "cells": filled[1:]}
            rows.append(current)
        elif cells[0] == "" and current is not None:
            current["cells"].extend(filled)  # continuation of the previous row's cells
        # anything else is a header line before the first row
    parsed = []
    for row in rows:
        values = [int(c) for c in row["cells"] if re.fullmatch(r"\d+", c)]
        kinds = [KINDS[c] for c in row["cells"] if c in KINDS]
        text = [c for c in row["cells"] if not re.fullmatch(r"\d+", c) and c not in KINDS]
        parsed.append(
            {
                "number": row["number"],
                "name": norm(" ".join(text)),
                "kind": kinds[0] if len(kinds) == 1 else (kinds if kinds else None),
                "values": values,
            }
        )
    return years, parsed


def check_indicators(data: list[dict], years: list[int], parsed: list[dict]) -> None:
    assert years == [2020, 2021, 2022, 2023, 2024]
    assert [r["number"] for r in data] == [p["number"] for p in parsed]
    assert [p["number"] for p in parsed] == list(range(1, len(parsed) + 1))
    for row, got in zip(data, parsed, strict=False):
        label = f"indicator №{row['number']}"
        assert len(got["values"]) == len(years), f"{label}: seed row has {got['values']}"
        assert row["values"] == dict(zip(years, got["values"], strict=False)), label
        assert all(type(v) is int for v in row["values"].values()), label
        assert row["kind"] == got["kind"], label
        # the name is the seed's name minus the trailing unit (or a trailing full stop)
        assert got["name"].startswith(row["name"]), f"{label}: {got['name']!r}"
        tail = got["name"][len(row["name"]) :]
        assert tail in ("", ".", f", {row['unit']}"), f"{label}: unexpected tail {tail!r}"
        assert row["unit"] in ("%", "ед.", "чел."), label
        assert row["direction"] in ("higher", "lower"), label


def roadmap_rows(lines: list[str]) -> dict[str, list[str]]:
    """Activity number -> its five columns, with page-split continuation lines merged."""
    rows: dict[str, list[list[str]]] = {}
    current: str | None = None
    for raw in section(lines, ROADMAP_HEADING, ROADMAP_END):
        cells = raw.split("\t")
        if not raw.strip():
            continue
        if re.fullmatch(r"\d\.\d", cells[0].strip()):
            current = cells[0].strip()
            assert current not in rows, f"activity {current} appears twice"
            rows[current] = [[c] for c in (cells[1:] + [""] * 4)[:4]]
        elif re.match(r"\d\. ", cells[0]):
            current = None  # task header row
        elif cells[0] == "" and current is not None:
            for col, cell in zip(rows[current], (cells[1:] + [""] * 4)[:4], strict=False):
                col.append(cell)
    return {num: [norm(" ".join(col)) for col in cols] for num, cols in rows.items()}


def months_of(timing: str) -> list[int]:
    low = timing.lower()
    if "в течение года" in low:
        return []
    named = [MONTHS[w] for w in re.findall(r"[а-яё]+", low) if w in MONTHS]
    if "-" in low and len(named) == 2:
        return list(range(named[0], named[1] + 1))
    return named


def test_seed_file_is_present():
    assert SEED_PATH.is_file(), (
        f"Reference seed file not found: {SEED_PATH} (shared/seeds must sit beside the repo)"
    )


# --------------------------------------------------------------------------- indicator tables


def test_result_indicators_match_seed_table(seed_lines):
    years, parsed = parse_indicator_table(section(seed_lines, RESULTS_HEADING, EFFICIENCY_HEADING))
    assert len(parsed) == 13
    assert len(ref.RESULT_INDICATORS) == 13
    check_indicators(ref.RESULT_INDICATORS, years, parsed)
    for row in ref.RESULT_INDICATORS:
        expected = "lower" if row["number"] == 3 else "higher"
        assert row["direction"] == expected, row["number"]
    # row 1 is split across a page break: its name continues on a later line
    assert parsed[0]["name"].endswith("молодых (начинающих) специалистов Техникума, %")


def test_efficiency_indicators_match_seed_table(seed_lines):
    years, parsed = parse_indicator_table(section(seed_lines, EFFICIENCY_HEADING))
    assert len(parsed) == 6
    assert len(ref.EFFICIENCY_INDICATORS) == 6
    check_indicators(ref.EFFICIENCY_INDICATORS, years, parsed)
    for row in ref.EFFICIENCY_INDICATORS:
        assert row["kind"] is None
        assert row["unit"] == "%"
        assert row["direction"] == "higher"


# --------------------------------------------------------------------------- roadmap


def test_roadmap_activity_numbers(seed_lines):
    numbers = [a["number"] for task in ref.ROADMAP for a in task["activities"]]
    assert numbers == EXPECTED_ACTIVITIES
    assert list(roadmap_rows(seed_lines)) == EXPECTED_ACTIVITIES
    assert [task["task"] for task in ref.ROADMAP] == [1, 2, 3, 4, 5]
    for task in ref.ROADMAP:
        for activity in task["activities"]:
            assert activity["number"].split(".")[0] == str(task["task"])


def test_roadmap_activities_match_seed_rows(seed_lines, seed_text, seed_norm):
    rows = roadmap_rows(seed_lines)
    for task in ref.ROADMAP:
        assert task["title"] in seed_norm, task["task"]
        for act in task["activities"]:
            num = act["number"]
            desc, timing, responsibles, expected = rows[num]
            assert act["timing"] in seed_text, f"{num}: timing {act['timing']!r} not in seed"
            assert act["timing"] == timing, num
            assert act["months"] == months_of(timing), num
            assert act["yearly"] is ("ежегодно" in timing or timing == "В течение года"), num
            assert desc.startswith(act["title"]), num
            if act["items"]:
                assert desc[len(act["title"])] == ":", num
                for item in act["items"]:
                    assert item in desc, f"{num}: item {item!r}"
            else:
                assert act["title"] == desc, num
            assert act["responsibles"].replace(",", "") == responsibles.replace(",", ""), num
            if num == "3.2":  # merged cell in the seed: shares 3.1's expected result
                assert expected == ""
                assert act["expected_result"] == rows["3.1"][3]
            else:
                assert act["expected_result"] == expected, num


def test_roadmap_stages_follow_activities():
    activities = {a["number"]: a for task in ref.ROADMAP for a in task["activities"]}
    assert [s["number"] for s in ref.ROADMAP_STAGES] == list(range(1, 8))
    assert [s["activity"] for s in ref.ROADMAP_STAGES] == [f"1.{i}" for i in range(1, 8)]
    for stage in ref.ROADMAP_STAGES:
        assert stage["months"] == activities[stage["activity"]]["months"], stage["number"]


# --------------------------------------------------------------------------- tasks and forms


def test_tasks_and_target_indicators(seed_norm):
    assert [t["number"] for t in ref.TASKS] == [1, 2, 3, 4, 5]
    assert [len(t["indicators"]) for t in ref.TASKS] == [5, 4, 2, 4, 3]
    for task in ref.TASKS:
        assert f"{task['number']}. {task['title']}" in seed_norm, task["number"]
        numbers = [i["number"] for i in task["indicators"]]
        assert numbers == list(range(1, len(numbers) + 1)), task["number"]
        for ind in task["indicators"]:
            label = f"task {task['number']} indicator {ind['number']}"
            assert ind["unit"] in ("%", "ед.", "чел.", None), label
            if ind["unit"] is None:
                assert f"{ind['number']}. {ind['text']}." in seed_norm, label
            else:
                # the seed writes the unit as ", ед." / ", ед;" / ", чел;" / ", %." etc.;
                # task 5 indicator 2 even has "траектории., ед." (full stop before the unit)
                unit = re.escape(ind["unit"].rstrip("."))
                pattern = rf"{ind['number']}\. {re.escape(ind['text'])}\.?, {unit}[.;]*"
                assert re.search(pattern, seed_norm), label
    assert ref.TASKS[0]["indicators"][4]["unit"] is None


def test_forms(seed_norm):
    assert [f["code"] for f in ref.FORMS] == [
        "teacher_teacher",
        "teacher_student",
        "employer_student",
        "student_student",
    ]
    for form in ref.FORMS:
        assert form["goals"] in seed_norm, form["code"]
        assert f"{form['areas_title']}: " in seed_norm, form["code"]
        assert form["areas"] and form["results"], form["code"]
        for area in form["areas"]:
            assert area in seed_norm, f"{form['code']}: {area!r}"
        seed_name = form["name"].replace(" – ", " - ")
        assert f"Форма наставничества «{seed_name}»" in seed_norm, form["code"]


# --------------------------------------------------------------------------- programme texts


def test_programme_texts(seed_lines, seed_norm):
    prog = ref.PROGRAMME
    title_start = next(i for i, line in enumerate(seed_lines) if line.startswith("**ПРОГРАММА"))
    seed_title = norm(" ".join(seed_lines[title_start : title_start + 4]))
    assert prog["title"].lower() == seed_title.lower()
    assert (prog["start_year"], prog["end_year"]) == (2020, 2024)
    assert f"{prog['approved_position']} {prog['approved_by']}" in seed_norm
    assert "«10» июня 2020 г." in seed_norm and prog["approved_on"].isoformat() == "2020-06-10"
    assert len(prog["basis"]) == 10
    for doc in prog["basis"][:8] + prog["basis"][9:]:
        assert doc in seed_norm, doc
    for name, position in prog["developers"]:
        assert re.search(re.escape(name) + r" [–-] " + re.escape(position), seed_norm), name
    for executor in prog["executors"]:
        assert executor in seed_norm, executor
    assert prog["control"] in seed_norm
    for paragraph in prog["relevance"]:
        assert paragraph in seed_norm, paragraph[:40]
    assert prog["goal"] in seed_norm
    assert [c["name"] for c in prog["components"]] == [
        "Ценностносмысловой",
        "Содержательный",
        "Технологический",
        "Оценочно-диагностический",
    ]
    assert len(prog["expected_results"]) == 10
    for item in prog["expected_results"]:
        assert item in seed_norm, item[:40]
    for role in ref.ROLES:
        assert f"{role['name']} - {role['description']}" in seed_norm, role["code"]
    assert [r["code"] for r in ref.ROLES] == ["mentee", "mentor", "curator"]
    assert norm(" ".join(seed_lines[2:4])) == ref.ORGANISATION["name"]
