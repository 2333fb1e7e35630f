#!/usr/bin/env python
"""Benchmark of the monitoring pages (issue 8) on PostgreSQL.

Builds (once; `--rebuild` to start again):
- a college of 10,000 people (students, teachers with young specialists, employer
  representatives) running the seed-002 programme 2020–2024, with 3,000 mentorships of the
  four forms over five years, their requests, and 10,000 survey answers;
- a small college of 200 people with 60 mentorships and 200 answers (the same programme), to
  compare the query counts;
- their region of 50 organisations in 10 municipalities with 100,000 people in all.

Prints the dashboard's server time (whole request through the test client: queries, charts
and template) and query count at both sizes, the regional roll-up's server time and the
annual PDF's render time; its last line is one JSON object. `dashboard_ms` and `region_ms`
are visits while the data is unchanged since anyone opened the page: the page is rendered
(never from the per-user page cache), the dashboard's body comes from the shared fragment
cache (monitoring.fragments) and the figures from their snapshot (monitoring.snapshots),
both keyed on the data version. Printed too: the page built in full (only the snapshot
cached; the query counts are of this build), the first load after a change of the data
(snapshot recomputed), and a repeat visit served by the per-user page cache.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_bench8 .venv/bin/python \
        bench/dashboard.py

The database is created if missing. Times are the median of several warm runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mentorship_bench8")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
os.environ.setdefault("AXES_ENABLED", "0")

REGION = "Бенчмарк-область"
BIG, SMALL = "Бенч-колледж", "Бенч-малый"
YEARS = range(2020, 2025)
RUNS = 15


def _ensure_database() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("bench/dashboard.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    name = url.rsplit("/", 1)[-1]
    host = url.split("@", 1)[1].split(":", 1)[0]
    subprocess.run(["createdb", "-h", host, "-U", "postgres", name],  # noqa: S603, S607
                   capture_output=True, check=False)


def _median_ms(fn: Any, runs: int = RUNS) -> float:
    fn()
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def build(rebuild: bool) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django_scopes import scopes_disabled

    from mentorship.models import User
    from monitoring.models import (
        SurveyAnswer,
        SurveyCampaign,
        SurveyInvitation,
        SurveyQuestion,
        SurveyResponse,
        SurveyTemplate,
    )
    from monitoring.services import indicators_create_from_reference
    from pairing.models import Mentorship, MentorshipMember, MentorshipRequest
    from participants.models import Person, ProgrammeRole
    from programmes.models import (
        Municipality,
        Organisation,
        Programme,
        Region,
        RegionalCoordinator,
    )
    from programmes.reference import seed_002
    from programmes.services import forms_ensure_catalogue, programme_create_from_reference

    with scopes_disabled():
        existing = Region.objects.filter(name=REGION).first()
        if existing and not rebuild:
            return
        if existing:
            print("Removing the previous data set…", flush=True)
            from django.core.management import call_command

            call_command("flush", "--noinput", verbosity=0)
        print("Building the data set (a few minutes)…", flush=True)
        rng = random.Random(8)  # noqa: S311 - reproducible fake data
        forms = forms_ensure_catalogue()
        with transaction.atomic():
            region = Region.objects.create(name=REGION)
            municipalities = [Municipality.objects.create(region=region, name=f"Район {n}")
                              for n in range(10)]
            enterprises = Organisation.objects.bulk_create(
                Organisation(region=region, kind=Organisation.Kind.EMPLOYER,
                             name=f"Предприятие {n}", short_name=f"Предприятие {n}",
                             municipality=municipalities[n % 10]) for n in range(100))
            orgs = [Organisation.objects.create(region=region, kind=Organisation.Kind.COLLEGE,
                                                name=name, short_name=name,
                                                municipality=municipalities[0])
                    for name in (BIG, SMALL)]
            orgs += Organisation.objects.bulk_create(
                Organisation(region=region,
                             kind=(Organisation.Kind.COLLEGE if n % 3 else
                                   Organisation.Kind.SCHOOL),
                             name=f"Организация {n}", short_name=f"Организация {n}",
                             municipality=municipalities[n % 10]) for n in range(48))
            programmes = []
            for org in orgs[:2]:
                programme = programme_create_from_reference(organisation=org, data=seed_002)
                indicators_create_from_reference(programme=programme, data=seed_002)
                programmes.append(programme)
            programmes += Programme.objects.bulk_create(
                Programme(organisation=o, title="Программа наставничества", start_year=2020,
                          end_year=2024) for o in orgs[2:])
            # People: 10,000 in the big college, 200 in the small one, the rest spread so
            # that the region has 100,000.
            sizes = [10_000, 200] + [(100_000 - 10_200) // 48 + (1 if n < (100_000 - 10_200)
                                                                  % 48 else 0)
                                     for n in range(48)]
            mentorships_per_org = [3_000, 60] + [300] * 48
            answers_per_org = [10_000, 200] + [0] * 48
            total_people = 0
            for org, programme, size, n_ms, n_answers in zip(
                    orgs, programmes, sizes, mentorships_per_org, answers_per_org, strict=True):
                total_people += _populate(org, programme, size, n_ms, n_answers, enterprises,
                                          forms, rng, Person, ProgrammeRole, Mentorship,
                                          MentorshipMember, MentorshipRequest, SurveyTemplate,
                                          SurveyQuestion, SurveyCampaign, SurveyInvitation,
                                          SurveyResponse, SurveyAnswer)
            password = make_password("bench-password-1")
            director = User.objects.create(username="bench-director", password=password)
            big_director = Person.objects.create(organisation=orgs[0], last_name="Директоров",
                                                 first_name="Иван", category="teacher",
                                                 user=director)
            ProgrammeRole.objects.create(programme=programmes[0], person=big_director,
                                         role="director")
            small_user = User.objects.create(username="bench-director-small", password=password)
            small_director = Person.objects.create(organisation=orgs[1], last_name="Малов",
                                                   first_name="Пётр", category="teacher",
                                                   user=small_user)
            ProgrammeRole.objects.create(programme=programmes[1], person=small_director,
                                         role="director")
            coordinator = User.objects.create(username="bench-coordinator", password=password)
            RegionalCoordinator.objects.create(user=coordinator, region=region)
        print(f"  people in the region: {total_people}", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _populate(org: Any, programme: Any, size: int, n_mentorships: int, n_answers: int,
              enterprises: list[Any], forms: dict[str, Any], rng: random.Random,
              Person: Any, ProgrammeRole: Any, Mentorship: Any, MentorshipMember: Any,  # noqa: N803
              MentorshipRequest: Any, SurveyTemplate: Any, SurveyQuestion: Any,  # noqa: N803
              SurveyCampaign: Any, SurveyInvitation: Any, SurveyResponse: Any,  # noqa: N803
              SurveyAnswer: Any) -> int:  # noqa: N803
    n_teachers = max(10, size * 12 // 100)
    n_reps = max(3, size * 3 // 100)
    n_students = size - n_teachers - n_reps
    people = []
    for n in range(n_students):
        people.append(Person(organisation=org, last_name=f"Студент{n}", first_name="Имя",
                             category="student",
                             left_on=dt.date(2020 + n % 5, 6, 30) if n % 7 == 0 else None))
    for n in range(n_teachers):
        young = n % 8 == 0
        people.append(Person(
            organisation=org, last_name=f"Педагог{n}", first_name="Имя",
            category="young_specialist" if young else "teacher",
            hired_on=dt.date(2019 + n % 6, 8, 28) if young else dt.date(1990 + n % 30, 9, 1)))
    for n in range(n_reps):
        people.append(Person(organisation=org, last_name=f"Представитель{n}", first_name="Имя",
                             category="employer", employer=enterprises[n % 40]))
    people = Person.objects.bulk_create(people, batch_size=5000)
    students = [p for p in people if p.category == "student"]
    teachers = [p for p in people if p.category in ("teacher", "young_specialist")]
    young = [p for p in people if p.category == "young_specialist"]
    reps = [p for p in people if p.category == "employer"]
    mentors: dict[int, Any] = {}
    mentees: dict[int, Any] = {}

    def role(person: Any, kind: str) -> Any:
        table = mentors if kind == "mentor" else mentees
        if person.pk not in table:
            table[person.pk] = ProgrammeRole(programme=programme, person=person, role=kind,
                                             capacity=20 if kind == "mentor" else None)
        return table[person.pk]

    plan = []  # (form, mentor person, mentee persons, start, end, status)
    for n in range(n_mentorships):
        year = 2020 + n % 5
        start = dt.date(year, 9 + n % 3, 1 + n % 28)
        active = year == 2024 and n % 2 == 0
        end = None if active else start + dt.timedelta(days=200 + n % 60)
        status = "active" if active else ("ended_early" if n % 17 == 0 else "completed")
        kind = n % 4
        if kind == 0:
            code, mentor, group = "teacher_teacher", rng.choice(teachers), [rng.choice(young)]
        elif kind == 1:
            code, mentor, group = "teacher_student", rng.choice(teachers), rng.sample(students, 2)
        elif kind == 2:
            code, mentor, group = "employer_student", rng.choice(reps), rng.sample(students, 1)
        else:
            code, mentor, group = "student_student", rng.choice(students), [rng.choice(students)]
        plan.append((code, mentor, group, start, end, status))
    for _code, mentor, group, *_rest in plan:
        role(mentor, "mentor")
        for person in group:
            role(person, "mentee")
    ProgrammeRole.objects.bulk_create([*mentors.values(), *mentees.values()], batch_size=5000)
    rows = Mentorship.objects.bulk_create(
        [Mentorship(programme=programme, form=forms[code], mentor=mentors[mentor.pk],
                    started_on=start, ended_on=end, status=status)
         for code, mentor, _group, start, end, status in plan], batch_size=5000)
    requests = MentorshipRequest.objects.bulk_create(
        [MentorshipRequest(programme=programme, mentee=mentees[person.pk], form=forms[code],
                           category="academic", status="matched")
         for (code, _m, group, *_r) in plan for person in group], batch_size=5000)
    members = []
    used: set[tuple[int, int]] = set()
    it = iter(requests)
    for ms, (code, _mentor, group, start, end, status) in zip(rows, plan, strict=True):
        for person in group:
            request = next(it)
            active = status == "active" and (person.pk, forms[code].pk) not in used
            if active:
                used.add((person.pk, forms[code].pk))
            members.append(MentorshipMember(mentorship=ms, mentee=mentees[person.pk],
                                            request=request, form=forms[code],
                                            is_active=active, joined_on=start, left_on=end))
    MentorshipMember.objects.bulk_create(members, batch_size=5000)
    if n_answers:
        _surveys(programme, n_answers, list(mentees.values()), list(mentors.values()), rng,
                 SurveyTemplate, SurveyQuestion, SurveyCampaign, SurveyInvitation,
                 SurveyResponse, SurveyAnswer)
    return len(people)


def _surveys(programme: Any, n_answers: int, mentees: list[Any], mentors: list[Any],
             rng: random.Random, SurveyTemplate: Any, SurveyQuestion: Any,  # noqa: N803
             SurveyCampaign: Any, SurveyInvitation: Any, SurveyResponse: Any,  # noqa: N803
             SurveyAnswer: Any) -> None:  # noqa: N803
    from django.utils import timezone

    per_campaign = n_answers // (2 * len(YEARS) * 2)  # two answers per response
    answers = []
    for audience, pool in (("mentee", mentees), ("mentor", mentors)):
        template = SurveyTemplate.objects.create(title=f"Анкета {audience} {programme.pk}",
                                                 audience=audience)
        questions = [SurveyQuestion.objects.create(template=template, position=n,
                                                   text=f"Вопрос {n}", type="scale",
                                                   is_satisfaction=True) for n in (1, 2)]
        for year in YEARS:
            campaign = SurveyCampaign.objects.create(
                programme=programme, template=template, year=year, audience=audience,
                kind="exit", deadline=dt.date(year, 6, 1), status="closed")
            chosen = rng.sample(pool, min(per_campaign, len(pool)))
            invitations = SurveyInvitation.objects.bulk_create(
                SurveyInvitation(campaign=campaign, respondent=r) for r in chosen)
            responses = SurveyResponse.objects.bulk_create(
                SurveyResponse(invitation=i, status="submitted", submitted_at=timezone.now())
                for i in invitations)
            answers += [SurveyAnswer(response=r, question=q, scale_value=rng.randint(5, 10))
                        for r in responses for q in questions]
    SurveyAnswer.objects.bulk_create(answers, batch_size=5000)


def measure() -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    from mentorship.models import User
    from monitoring.models import Report
    from monitoring.reports import render_annual_report
    from participants.models import Person
    from programmes.models import Organisation, Programme

    with scopes_disabled():
        big = Programme.objects.get(organisation__short_name=BIG)
        small = Programme.objects.get(organisation__short_name=SMALL)
        region_people = Person.objects.filter(organisation__region__name=REGION).count()
        big_people = Person.objects.filter(organisation__short_name=BIG).count()
        from monitoring.models import SurveyAnswer
        from pairing.models import Mentorship

        facts = {
            "people_in_region": region_people,
            "organisations": Organisation.objects.filter(region__name=REGION).exclude(
                kind="employer").count(),
            "people_in_college": big_people,
            "mentorships_in_college": Mentorship.objects.filter(programme=big).count(),
            "answers_in_college": SurveyAnswer.objects.filter(
                response__invitation__campaign__programme=big).count(),
        }
    print("Data:", json.dumps(facts, ensure_ascii=False))

    def client_for(username: str) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        return client

    director = client_for("bench-director")
    small_director = client_for("bench-director-small")
    big_url = f"/programmes/{big.pk}/dashboard/?year=2024"
    small_url = f"/programmes/{small.pk}/dashboard/?year=2024"

    def queries(client: Client, url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url).status_code
        if status != 200:
            sys.exit(f"{url} answered {status}")
        return len(ctx.captured_queries)

    from django.conf import settings

    # The full build: no cache but the figures' snapshot (page and body caches off).
    settings.PAGE_CACHE_SECONDS = 0
    queries_small = queries(small_director, small_url)
    queries_large = queries(director, big_url)
    built_ms = _median_ms(lambda: director.get(big_url))
    coordinator = client_for("bench-coordinator")
    region_built_ms = _median_ms(lambda: coordinator.get("/region/?year=2024"))

    # A visit while the data is unchanged since anyone opened the page: the page itself is
    # rendered (a new address each time, so the per-user page cache never answers), its
    # body comes from the shared fragment cache (monitoring.fragments).
    settings.PAGE_CACHE_SECONDS = 300
    visits = iter(range(10**6))
    dashboard_ms = _median_ms(lambda: director.get(f"{big_url}&visit={next(visits)}"))
    home_ms = _median_ms(lambda: director.get(f"/?visit={next(visits)}"))
    with CaptureQueriesContext(connection) as ctx:
        director.get(f"{big_url}&visit={next(visits)}")
    visit_queries = len(ctx.captured_queries)
    region_ms = _median_ms(lambda: coordinator.get(f"/region/?year=2024&visit={next(visits)}"))

    from django.core.cache import cache

    def cold(client: Client, url: str) -> float:
        """The first load after a change of the data: no snapshot of the figures yet."""
        def run() -> None:
            cache.clear()
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        times: list[float] = []
        for _ in range(5):
            run()
        cache.clear()
        return statistics.median(times)

    dashboard_cold_ms = cold(director, big_url)
    region_cold_ms = cold(coordinator, "/region/?year=2024")
    with CaptureQueriesContext(connection) as ctx:
        coordinator.get("/region/?year=2024")
    region_queries = len(ctx.captured_queries)

    director.get(big_url)  # sets the CSRF cookie the key needs
    director.get(big_url)  # stored
    if director.get(big_url).get("X-Page-Cache") != "hit":
        sys.exit("the page cache did not serve the dashboard")
    cached_ms = _median_ms(lambda: director.get(big_url))
    with CaptureQueriesContext(connection) as ctx:
        director.get(big_url)
    cached_queries = len(ctx.captured_queries)
    settings.PAGE_CACHE_SECONDS = 0

    from monitoring.selectors import programme_dashboard

    with scopes_disabled():
        selector_ms = _median_ms(lambda: programme_dashboard(programme=big, year=2024))
        report = Report(programme=big, year=2024)
        render_annual_report(report=report)  # warm
        times, size, pages = [], 0, 0
        for _ in range(3):
            started = time.perf_counter()
            pdf = render_annual_report(report=report)
            times.append(time.perf_counter() - started)
            size = len(pdf)
        from io import BytesIO

        from pypdf import PdfReader

        pages = len(PdfReader(BytesIO(pdf)).pages)
    pdf_s = statistics.median(times)
    print(f"Dashboard (10,000 people, 3,000 mentorships, 10,000 answers), a visit with the "
          f"data unchanged (page rendered, body from the shared cache): {dashboard_ms:.1f} ms, "
          f"{visit_queries} queries")
    print(f"Dashboard built in full (figures from their snapshot, nothing else cached): "
          f"{built_ms:.1f} ms, {queries_large} queries (small college: {queries_small}); "
          f"of which the selector {selector_ms:.1f} ms")
    print(f"Director's home (the same dashboard): {home_ms:.1f} ms")
    print(f"Regional roll-up (50 organisations, {region_people} people): {region_ms:.1f} ms, "
          f"{region_queries} queries (built in full: {region_built_ms:.1f} ms)")
    print(f"First load after a change (figures recomputed, monitoring.snapshots): dashboard "
          f"{dashboard_cold_ms:.1f} ms, regional roll-up {region_cold_ms:.1f} ms")
    print(f"Repeat visit served by the page cache (no data changed): dashboard "
          f"{cached_ms:.1f} ms, {cached_queries} queries")
    print(f"Annual PDF: {pdf_s:.2f} s, {pages} pages, {size // 1024} KiB")
    return {"dashboard_ms": round(dashboard_ms, 1), "queries_small": queries_small,
            "queries_large": queries_large, "region_ms": round(region_ms, 1),
            "pdf_s": round(pdf_s, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the data")
    args = parser.parse_args()
    _ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    build(args.rebuild)
    result = measure()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
