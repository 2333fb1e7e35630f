"""Benchmark of the matcher (issue 5). Prints figures, then one JSON line.

Two deterministic populations, one programme each, four college forms, every mentor serving
one form: a region (20,000 mentees with open requests, 3,000 mentors with capacities 1–8,
some already with mentees) and a college (2,000 × 300). For each, on the data exactly as the
product loads it from the database:

* candidate building time, solver time, total score and matched count on the candidate graph
  (the best `DEFAULT_TOP_K` mentors of each mentee), and the same for greedy on that graph;
* the optimum over all compatible pairs (every pair kept), which the score ratios refer to;
* end to end in a separate process: for each form, a matcher run from the database to saved,
  explained proposals (`match_run_create` + `match_run_execute`), its wall time and the
  process's peak memory (RSS, Django included).

The data goes into a database of its own, dropped at the end: `<name>_bench_pairing` next to
the PostgreSQL database of DATABASE_URL, or a temporary SQLite file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship .venv/bin/python bench/pairing.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

FORMS = ("teacher_teacher", "teacher_student", "employer_student", "student_student")
MENTEE_SHARE = (0.10, 0.35, 0.30, 0.25)
MENTOR_SHARE = (0.13, 0.34, 0.27, 0.26)
SIZES = {"region": (20_000, 3_000), "college": (2_000, 300)}
SEED = 2024


# --------------------------------------------------------------------------- the database

def _bench_database_url() -> tuple[str, Any]:
    """A database of the bench's own and a function that drops it."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        import psycopg

        parsed = urlparse(base)
        name = f"{parsed.path.lstrip('/') or 'mentorship'}_bench_pairing"
        admin = urlunparse(parsed._replace(path="/postgres"))

        def execute(sql: str) -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(sql)

        execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        execute(f'CREATE DATABASE "{name}"')
        return urlunparse(parsed._replace(path=f"/{name}")), lambda: execute(
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    path = Path(tempfile.gettempdir()) / f"bench_pairing_{os.getpid()}.sqlite3"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)


def _setup_django() -> None:
    import django

    django.setup()


# --------------------------------------------------------------------------- the population

def populate(label: str, n_mentees: int, n_mentors: int, seed: int) -> int:
    """Write a deterministic population and its open requests; returns the programme id."""
    from django.db import transaction

    from pairing.models import (
        MentorPreference,
        Mentorship,
        MentorshipMember,
        MentorshipRequest,
        RequestPreference,
    )
    from participants.models import Competency, Consent, Person, ProgrammeRole, Specialty
    from programmes.models import Organisation, Programme, ProgrammeForm, Region
    from programmes.services import forms_ensure_catalogue

    rng = random.Random(seed)  # noqa: S311 - a benchmark population, not a secret
    forms = forms_ensure_catalogue()
    region, _ = Region.objects.get_or_create(name="Бенчмарк")
    college = Organisation.objects.create(kind=Organisation.Kind.COLLEGE, region=region,
                                          name=f"Техникум ({label})", short_name=label)
    programme = Programme.objects.create(organisation=college, title=f"Бенчмарк {label}",
                                         start_year=2024, end_year=2028)
    for order, code in enumerate(FORMS):
        ProgrammeForm.objects.create(programme=programme, form=forms[code], order=order)
    specialties = [Specialty.objects.get_or_create(
        code=f"{g:02d}.02.{k:02d}", defaults={"name": f"Специальность {g}.{k}"})[0]
        for g in (8, 9, 13, 15, 21, 23, 35, 38, 43, 44) for k in range(1, 5)]
    competencies = [Competency.objects.get_or_create(name=f"Компетенция {i:02d}")[0]
                    for i in range(1, 31)]
    signed = dt.date(2024, 9, 2)
    people: list[Person] = []
    roles: list[ProgrammeRole] = []
    plan: list[dict[str, Any]] = []

    def person(category: str, **extra: Any) -> Person:
        p = Person(organisation=college, last_name=f"Фамилия{len(people)}", first_name="Имя",
                   middle_name="Отчество", category=category,
                   specialty=rng.choice(specialties), **extra)
        people.append(p)
        return p

    employers = [Organisation(kind=Organisation.Kind.EMPLOYER, region=region,
                              name=f"Предприятие {label} {i}", short_name=f"{label}-п{i}")
                 for i in range(max(1, n_mentors // 20))]
    Organisation.objects.bulk_create(employers)
    for code, mentee_share, mentor_share in zip(FORMS, MENTEE_SHARE, MENTOR_SHARE,
                                                strict=True):
        form = forms[code]
        for _ in range(int(n_mentors * mentor_share)):
            capacity = rng.randint(1, 8)
            extra: dict[str, Any] = {}
            if form.mentor_category == "employer":
                extra["employer"] = rng.choice(employers)
            if form.mentor_category == "student":
                extra["course"] = rng.randint(3, 4)
            p = person(form.mentor_category, **extra)
            role = ProgrammeRole(programme=programme, person=p, role="mentor",
                                 capacity=capacity,
                                 trained_on=signed if rng.random() > 0.05 else None)
            roles.append(role)
            plan.append({"kind": "mentor", "role": role, "form": form,
                         "comps": rng.sample(competencies, rng.randint(2, 5)),
                         "load": rng.randint(1, capacity - 1)
                         if capacity > 1 and rng.random() < 0.3 else 0})
        for _ in range(int(n_mentees * mentee_share)):
            course = rng.randint(1, 2) if code == "student_student" else rng.randint(1, 4)
            p = person(form.mentee_category,
                       course=course if form.mentee_category == "student" else None)
            role = ProgrammeRole(programme=programme, person=p, role="mentee")
            roles.append(role)
            plan.append({"kind": "mentee", "role": role, "form": form,
                         "comps": rng.sample(competencies, rng.randint(1, 3))})
    # mentees already in pairs, for the mentors' current load
    for item in [x for x in plan if x["kind"] == "mentor" and x["load"]]:
        for _ in range(item["load"]):
            p = person(item["form"].mentee_category)
            role = ProgrammeRole(programme=programme, person=p, role="mentee")
            roles.append(role)
            item.setdefault("current", []).append(role)

    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=5000)
        ProgrammeRole.objects.bulk_create(roles, batch_size=5000)
        Consent.objects.bulk_create([
            Consent(person=p, signer=Consent.Signer.SELF, signed_on=signed)
            for p in people if rng.random() > 0.01], batch_size=5000)
        mentors_by_form: dict[int, list[ProgrammeRole]] = {}
        forms_through = ProgrammeRole.forms.through
        comps_through = ProgrammeRole.competencies.through
        form_rows, comp_rows = [], []
        mentorships, members = [], []
        for item in plan:
            if item["kind"] != "mentor":
                continue
            role = item["role"]
            mentors_by_form.setdefault(item["form"].pk, []).append(role)
            form_rows.append(forms_through(programmerole_id=role.pk,
                                           mentoringform_id=item["form"].pk))
            comp_rows += [comps_through(programmerole_id=role.pk, competency_id=c.pk)
                          for c in item["comps"]]
            if item.get("current"):
                m = Mentorship(programme=programme, form=item["form"], mentor=role,
                               started_on=dt.date(2024, 11, 15))
                mentorships.append(m)
                members += [(m, r) for r in item["current"]]
        forms_through.objects.bulk_create(form_rows, batch_size=5000)
        comps_through.objects.bulk_create(comp_rows, batch_size=5000)
        Mentorship.objects.bulk_create(mentorships, batch_size=5000)
        MentorshipMember.objects.bulk_create([
            MentorshipMember(mentorship=m, mentee=r, form_id=m.form_id,
                             joined_on=m.started_on) for m, r in members], batch_size=5000)
        requests, mentee_items = [], []
        for item in plan:
            if item["kind"] == "mentee":
                requests.append(MentorshipRequest(
                    programme=programme, mentee=item["role"], form=item["form"],
                    category=MentorshipRequest.Category.ACADEMIC))
                mentee_items.append(item)
        MentorshipRequest.objects.bulk_create(requests, batch_size=5000)
        req_comps = MentorshipRequest.competencies.through
        req_comps.objects.bulk_create([
            req_comps(mentorshiprequest_id=r.pk, competency_id=c.pk)
            for r, item in zip(requests, mentee_items, strict=True) for c in item["comps"]],
            batch_size=5000)
        prefs = []
        mentees_by_form: dict[int, list[ProgrammeRole]] = {}
        for r, item in zip(requests, mentee_items, strict=True):
            mentees_by_form.setdefault(item["form"].pk, []).append(item["role"])
            pool = mentors_by_form.get(item["form"].pk, [])
            if pool and rng.random() < 0.2:
                for rank, mentor in enumerate(rng.sample(pool, min(len(pool),
                                                                   rng.randint(1, 3))), 1):
                    prefs.append(RequestPreference(request=r, mentor=mentor, rank=rank))
        RequestPreference.objects.bulk_create(prefs, batch_size=5000)
        mentor_prefs = []
        for form_id, pool in mentors_by_form.items():
            candidates = mentees_by_form.get(form_id, [])
            for mentor in pool:
                if candidates and rng.random() < 0.1:
                    for rank, mentee in enumerate(rng.sample(candidates, min(
                            len(candidates), rng.randint(1, 3))), 1):
                        mentor_prefs.append(MentorPreference(mentor=mentor, mentee=mentee,
                                                             rank=rank))
        MentorPreference.objects.bulk_create(mentor_prefs, batch_size=5000)
    return programme.pk


# --------------------------------------------------------------------------- measurements

def in_memory(programme_id: int) -> dict[str, Any]:
    """Candidate graph, solver and greedy on the product's own input, and the optimum over
    all compatible pairs, form by form."""
    from django.utils import timezone

    from pairing import matching
    from pairing.selectors import (
        exclusions_for,
        match_settings_for,
        matcher_mentees,
        matcher_mentors,
        senior_course_required,
        weights_of,
    )
    from programmes.models import Programme

    programme = Programme.objects.get(pk=programme_id)
    settings = match_settings_for(programme=programme)
    weights = weights_of(settings)
    today = timezone.localdate()
    out = {"build_s": 0.0, "solve_s": 0.0, "score": 0, "matched": 0, "greedy_s": 0.0,
           "greedy_score": 0, "greedy_matched": 0, "full_build_s": 0.0, "full_solve_s": 0.0,
           "optimum": 0, "optimum_matched": 0, "edges": 0, "compatible_pairs": 0}
    for form in programme.forms.order_by("order"):
        mentees = matcher_mentees(programme=programme, form=form, on=today).mentees
        mentors = matcher_mentors(programme=programme, form=form, settings=settings,
                                  on=today).mentors
        senior, excl = senior_course_required(form), exclusions_for(programme=programme)
        t = time.perf_counter()
        graph = matching.build_candidates(mentees, mentors, weights, senior_course=senior,
                                          exclusions=excl)
        out["build_s"] += time.perf_counter() - t
        t = time.perf_counter()
        best = matching.solve(graph, objective=settings.objective)
        out["solve_s"] += time.perf_counter() - t
        t = time.perf_counter()
        base = matching.greedy(graph)
        out["greedy_s"] += time.perf_counter() - t
        t = time.perf_counter()
        full = matching.build_candidates(mentees, mentors, weights, top_k=0,
                                         senior_course=senior, exclusions=excl)
        out["full_build_s"] += time.perf_counter() - t
        t = time.perf_counter()
        optimum = matching.solve(full, objective=settings.objective)
        out["full_solve_s"] += time.perf_counter() - t
        out["score"] += best.total_score
        out["matched"] += best.matched
        out["greedy_score"] += base.total_score
        out["greedy_matched"] += base.matched
        out["optimum"] += optimum.total_score
        out["optimum_matched"] += optimum.matched
        out["edges"] += graph.edges
        out["compatible_pairs"] += full.edges
        del full, optimum
    return out


def _peak_rss_mb() -> float:
    """The process's peak resident memory since exec (VmHWM). `ru_maxrss` would not do: on
    Linux a child inherits its parent's figure across fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def end_to_end_child(programme_id: int) -> None:
    """In a fresh process: one matcher run per form, from the database to saved proposals."""
    _setup_django()
    from django_scopes import scopes_disabled

    from pairing import services
    from programmes.models import Programme

    with scopes_disabled():
        programme = Programme.objects.get(pk=programme_id)
        forms = list(programme.forms.order_by("order"))
        base_mb = _peak_rss_mb()
        started = time.perf_counter()
        stats = []
        for form in forms:
            run = services.match_run_create(programme=programme, form=form, acting_user=None)
            run = services.match_run_execute(run_id=run.pk)
            stats.append(run.stats)
        seconds = time.perf_counter() - started
    peak = _peak_rss_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "base_mb": base_mb,
                      "matched": sum(s["matched"] for s in stats),
                      "total_score": sum(s["total_score"] for s in stats),
                      "suggestions": sum(s["requests"] for s in stats),
                      "stages": [s["seconds"] for s in stats]}))


def end_to_end(programme_id: int, database_url: str) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run(  # noqa: S603 - our own script with fixed arguments
        [sys.executable, __file__, "--end-to-end", str(programme_id)], env=env,
        capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    database_url, drop = _bench_database_url()
    os.environ["DATABASE_URL"] = database_url
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    _setup_django()
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    from pairing.matching import DEFAULT_TOP_K

    try:
        print(f"Database: {engine} (a database of the bench's own). Creating the schema…",
              flush=True)
        call_command("migrate", verbosity=0)
        results: dict[str, dict[str, Any]] = {}
        with scopes_disabled():
            for index, (label, (n_mentees, n_mentors)) in enumerate(SIZES.items()):
                t = time.perf_counter()
                programme_id = populate(label, n_mentees, n_mentors, SEED + index)
                print(f"\n== {label}: {n_mentees} mentees × {n_mentors} mentors, 4 forms "
                      f"(written in {time.perf_counter() - t:.1f} s)", flush=True)
                e2e = end_to_end(programme_id, database_url)
                mem = in_memory(programme_id)
                results[label] = {**mem, "e2e": e2e}
                ratio = mem["score"] / mem["optimum"] if mem["optimum"] else 1.0
                greedy_ratio = mem["greedy_score"] / mem["optimum"] if mem["optimum"] else 1.0
                print(f"candidates (top {DEFAULT_TOP_K}): {mem['build_s']:.3f} s, "
                      f"{mem['edges']} edges of {mem['compatible_pairs']} compatible pairs")
                print(f"solver:   {mem['solve_s']:.3f} s, total score {mem['score']}, "
                      f"matched {mem['matched']}  ({ratio:.5f} of the optimum)")
                print(f"greedy:   {mem['greedy_s']:.3f} s on the same candidates, total score "
                      f"{mem['greedy_score']}, matched {mem['greedy_matched']}  "
                      f"({greedy_ratio:.5f} of the optimum)")
                print(f"optimum over all compatible pairs: total score {mem['optimum']}, "
                      f"matched {mem['optimum_matched']} (building {mem['full_build_s']:.2f} "
                      f"s, solving {mem['full_solve_s']:.2f} s)")
                print(f"end to end from {engine} to saved, explained proposals: "
                      f"{e2e['seconds']:.2f} s, peak memory {e2e['peak_mb']:.0f} MB "
                      f"(the process after start-up: {e2e['base_mb']:.0f} MB), "
                      f"{e2e['suggestions']} suggestions, matched {e2e['matched']}")
                print("  per form (s):", "; ".join(
                    ", ".join(f"{k} {v:.2f}" for k, v in stage.items())
                    for stage in e2e["stages"]), flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        drop()
    region, college = results["region"], results["college"]
    print(json.dumps({
        "region_solver_s": round(region["solve_s"], 3),
        "region_score_ratio": round(region["score"] / region["optimum"], 6),
        "region_end_to_end_s": round(region["e2e"]["seconds"], 3),
        "region_peak_mb": round(region["e2e"]["peak_mb"], 1),
        "college_end_to_end_s": round(college["e2e"]["seconds"], 3),
        "greedy_score_ratio": round(region["greedy_score"] / region["optimum"], 6),
    }))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--end-to-end":
        end_to_end_child(int(sys.argv[2]))
    else:
        main()
