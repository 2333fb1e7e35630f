#!/usr/bin/env python
"""Load test (issue 9, «Load»): 20 concurrent users of mixed roles against gunicorn on
PostgreSQL for 60 s, then an integrity check of the data.

What it does:
1. Creates the PostgreSQL database (default `mentorship_load`) if missing, migrates it and
   loads the demo (`load_demo`, idempotent).
2. Prepares the run (in a subprocess): demo-like accounts so that 20 distinct sessions exist
   (the demo director, both curators, the demo mentor and mentee, plus `load_mentor_N` /
   `load_mentee_N` linked to demo people with active pairs; password «demo»), an open survey
   campaign per mentee questionnaire inviting the ten mentees, and for every user the pages
   of their role, each checked to answer 200 before the run starts.
3. Starts gunicorn (`--workers`, default 3) on 127.0.0.1 and a free port with production-like
   settings: DEBUG off, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, django-axes on,
   persistent database connections (CONN_MAX_AGE=60), the cache and sessions in Redis
   (LOAD_REDIS_URL, default redis://127.0.0.1:6379/3).
4. Runs Locust (as a library, FastHttpUser, no think time): each user logs in once with the
   right password (so axes never locks anyone), then requests its role's pages for 60 s:
   director — dashboard, pair list, home; curators — pairing board, pair lists, dashboard,
   requests; mentors — home, their pairs; mentees — first answer each survey invitation
   once (open the personal link, submit), then home and their pair. Statistics are reset
   once every user has logged in, so the figures cover the steady 60 s only (the logins,
   slow by design of the password hasher, are reported apart).
5. Checks the data (in a subprocess): at most one response per invitation, every invitation
   of the run answered exactly once, no mentor above capacity.

Prints requests/s, p50/p95/p99, the error count and a per-page table; the LAST line is one
JSON object: {"rps": …, "p95_ms": …, "errors": …, "integrity_ok": true|false}.

    .venv/bin/python bench/load.py [--duration 60] [--workers 3] [--database-url URL]

The goals: 0 errors, p95 ≤ 300 ms, ≥ 200 requests/s on 2 cores. The load generator runs on
the same machine and takes part of the CPU; `uptime` is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mentorship_load"
# The cache (and with it the sessions) in Redis, as in production; LOAD_REDIS_URL= (empty)
# for each worker's local memory instead.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"
PASSWORD = "demo"  # noqa: S105 - the demo password
MENTORS, MENTEES = 7, 10  # plus the director and two curators: 20 users
SURVEY_TEXT = "Всё хорошо, спасибо наставнику."


# --------------------------------------------------------------------------- Django side
# These run in subprocesses (`--prepare`, `--check`): the load generator's process is
# monkey-patched by gevent and talks to the application only over HTTP.


def _django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    import django

    django.setup()


def prepare() -> dict[str, Any]:
    """Accounts, survey invitations and each user's pages (checked to answer 200)."""
    _django_setup()
    import datetime as dt

    from django.db import transaction
    from django.db.models import Q
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from mentorship.demo import demo_password_hash
    from mentorship.models import User
    from monitoring.models import SurveyCampaign, SurveyInvitation, SurveyQuestion, SurveyTemplate
    from monitoring.surveys.tokens import invitation_token
    from pairing.models import Mentorship, MentorshipMember
    from participants.models import Person, ProgrammeRole
    from programmes.models import Programme

    def account(username: str, person: Person | None) -> User:
        user, _ = User.objects.get_or_create(username=username)
        user.password = password_hash
        user.is_active = True
        user.save()
        if person is not None and person.user_id != user.pk:
            Person.objects.filter(pk=person.pk).update(user=user)
        return user

    def free_people(role: str, programme: Programme, count: int,
                    taken: set[int]) -> list[ProgrammeRole]:
        """Roles with an active pair whose person has no account but a load_ one."""
        active = MentorshipMember.objects.filter(is_active=True,
                                                 mentorship__status=Mentorship.Status.ACTIVE)
        if role == ProgrammeRole.Role.MENTOR:
            ids = active.values("mentorship__mentor_id")
        else:
            ids = active.values("mentee_id")
        roles = (ProgrammeRole.objects.filter(programme=programme, role=role, is_active=True,
                                              pk__in=ids)
                 .exclude(person_id__in=taken)
                 .select_related("person__user").order_by("pk"))
        chosen = [r for r in roles if r.person.user is None
                  or r.person.user.username.startswith("load_")]
        return chosen[:count]

    password_hash = demo_password_hash()
    today = timezone.localdate()
    with scopes_disabled(), transaction.atomic():
        users = {u.username: u for u in User.objects.filter(
            username__in=["director", "curator", "curator2", "mentor", "mentee"])}
        missing = {"director", "curator", "curator2", "mentor", "mentee"} - set(users)
        if missing:
            raise SystemExit(f"Demo users missing: {sorted(missing)} (run load_demo)")
        for user in users.values():
            user.password = password_hash
            user.save(update_fields=["password"])
        programme = (ProgrammeRole.objects.filter(person__user=users["curator"],
                                                  role=ProgrammeRole.Role.CURATOR)
                     .select_related("programme").first().programme)
        programme2 = (ProgrammeRole.objects.filter(person__user=users["curator2"],
                                                   role=ProgrammeRole.Role.CURATOR)
                      .select_related("programme").first().programme)
        taken = set(Person.objects.filter(user__in=users.values()).values_list("pk", flat=True))
        mentor_roles = list(ProgrammeRole.objects.filter(
            programme=programme, role=ProgrammeRole.Role.MENTOR, person__user=users["mentor"]))
        mentee_roles = list(ProgrammeRole.objects.filter(
            programme=programme, role=ProgrammeRole.Role.MENTEE, person__user=users["mentee"]))
        plan: list[tuple[str, str, User]] = [("director", "director", users["director"]),
                                             ("curator", "curator", users["curator"]),
                                             ("curator", "curator2", users["curator2"]),
                                             ("mentor", "mentor", users["mentor"]),
                                             ("mentee", "mentee", users["mentee"])]
        for n, role in enumerate(free_people(ProgrammeRole.Role.MENTOR, programme,
                                             MENTORS - 1, taken), start=1):
            taken.add(role.person_id)
            mentor_roles.append(role)
            plan.append(("mentor", f"load_mentor_{n}", account(f"load_mentor_{n}", role.person)))
        for n, role in enumerate(free_people(ProgrammeRole.Role.MENTEE, programme,
                                             MENTEES - 1, taken), start=1):
            taken.add(role.person_id)
            mentee_roles.append(role)
            plan.append(("mentee", f"load_mentee_{n}", account(f"load_mentee_{n}", role.person)))

        # An open campaign per mentee questionnaire, inviting the mentees of this run.
        year = min(max(today.year, programme.start_year), programme.end_year)
        templates = list(SurveyTemplate.objects.filter(
            Q(organisation__isnull=True) | Q(organisation=programme.organisation_id),
            audience=SurveyTemplate.Audience.MENTEE, is_current=True).order_by("pk")[:3])
        invitations: dict[int, list[dict[str, Any]]] = {}
        campaign_ids = []
        for template in templates:
            campaign = SurveyCampaign.objects.create(
                programme=programme, template=template, year=year,
                audience=SurveyTemplate.Audience.MENTEE, kind=SurveyCampaign.Kind.PULSE,
                deadline=today + dt.timedelta(days=14), status=SurveyCampaign.Status.OPEN,
                created_by=users["curator"], anonymous=True)
            campaign_ids.append(campaign.pk)
            answers: dict[str, list[str]] = {}
            for q in template.questions.order_by("position"):
                if q.type == SurveyQuestion.Type.SCALE:
                    answers[f"q{q.pk}"] = ["8"]
                elif q.type in (SurveyQuestion.Type.SINGLE, SurveyQuestion.Type.MULTIPLE):
                    answers[f"q{q.pk}"] = [str(q.choices[0])] if q.choices else []
                    if q.type == SurveyQuestion.Type.MULTIPLE:
                        answers[f"q{q.pk}-present"] = ["1"]
                elif q.type == SurveyQuestion.Type.YES_NO:
                    answers[f"q{q.pk}"] = ["yes"]
                else:
                    answers[f"q{q.pk}"] = [SURVEY_TEXT]
            for role in mentee_roles:
                invitation = SurveyInvitation.objects.create(campaign=campaign, respondent=role,
                                                             sent_at=timezone.now())
                invitations.setdefault(role.pk, []).append(
                    {"token": invitation_token(invitation), "answers": answers})

    def pages_of(kind: str, user: User) -> list[tuple[str, str, int]]:
        """(name, url, weight) of the pages this user's role reads."""
        if kind == "director":
            return [("dashboard", reverse("monitoring:dashboard", args=[programme.pk]), 3),
                    ("mentorship_list", reverse("pairing:mentorship_list",
                                                args=[programme.pk]), 2),
                    ("home", reverse("home"), 1)]
        if kind == "curator":
            own = programme if user.username == "curator" else programme2
            return [("board", reverse("pairing:board", args=[own.pk]), 3),
                    ("mentorship_list", reverse("pairing:mentorship_list", args=[own.pk]), 2),
                    ("mentorship_list_p2", reverse("pairing:mentorship_list", args=[own.pk])
                     + "?page=2", 1),
                    ("request_list", reverse("pairing:request_list", args=[own.pk]), 1),
                    ("dashboard", reverse("monitoring:dashboard", args=[own.pk]), 1),
                    ("home", reverse("home"), 1)]
        roles = ProgrammeRole.objects.filter(person__user=user, programme=programme)
        if kind == "mentor":
            pairs = Mentorship.objects.filter(mentor__in=roles, status=Mentorship.Status.ACTIVE)
        else:
            pairs = Mentorship.objects.filter(members__mentee__in=roles, members__is_active=True,
                                              status=Mentorship.Status.ACTIVE)
        pages = [("home", reverse("home"), 2)]
        pages += [("mentorship_detail", reverse("pairing:mentorship_detail", args=[pk]), 2)
                  for pk in pairs.order_by("pk").values_list("pk", flat=True)[:2]]
        return pages

    users_out = []
    with scopes_disabled():
        for kind, username, user in plan:
            pages = pages_of(kind, user)
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            for name, url, _weight in pages:
                status = client.get(url).status_code
                if status != 200:
                    raise SystemExit(f"{username}: {name} {url} answers {status}")
            tokens = []
            if kind == "mentee":
                role_ids = ProgrammeRole.objects.filter(
                    person__user=user, programme=programme,
                    role=ProgrammeRole.Role.MENTEE).values_list("pk", flat=True)
                for role_id in role_ids:
                    tokens += invitations.get(role_id, [])
            users_out.append({"kind": kind, "username": username, "pages": pages,
                              "surveys": tokens})
    return {"users": users_out, "campaigns": campaign_ids}


def check(campaign_ids: list[int]) -> dict[str, Any]:
    """Integrity after the run."""
    _django_setup()
    from django.db.models import Count, F, Q
    from django_scopes import scopes_disabled

    from monitoring.models import SurveyInvitation, SurveyResponse
    from pairing.models import Mentorship
    from participants.models import ProgrammeRole

    with scopes_disabled():
        duplicate_responses = (SurveyResponse.objects.values("invitation_id")
                               .annotate(n=Count("pk")).filter(n__gt=1).count())
        invited = SurveyInvitation.objects.filter(campaign_id__in=campaign_ids)
        answered = SurveyResponse.objects.filter(invitation__campaign_id__in=campaign_ids,
                                                 status=SurveyResponse.Status.SUBMITTED)
        over_capacity = (ProgrammeRole.objects.filter(role=ProgrammeRole.Role.MENTOR)
                         .annotate(load=Count("mentorships_as_mentor__members", filter=Q(
                             mentorships_as_mentor__status=Mentorship.Status.ACTIVE,
                             mentorships_as_mentor__members__is_active=True)))
                         .filter(load__gt=F("capacity")).count())
        result = {"duplicate_responses": duplicate_responses, "invited": invited.count(),
                  "answered": answered.count(), "mentors_over_capacity": over_capacity}
    result["integrity_ok"] = (duplicate_responses == 0 and over_capacity == 0
                              and result["invited"] == result["answered"])
    return result


# --------------------------------------------------------------------------- orchestration


def _env(database_url: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update({"DATABASE_URL": database_url, "DEBUG": "0", "HTTPS": "0",
                "ALLOWED_HOSTS": "127.0.0.1", "AXES_ENABLED": "1", "CELERY_BROKER_URL": "",
                "REDIS_URL": env.get("LOAD_REDIS_URL", DEFAULT_REDIS_URL), "LOG_LEVEL": "ERROR",
                "DEMO_DATA_ALLOWED": "1", "PYTHONPATH": str(ROOT)})
    env.update(extra)
    return env


def _python(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,  # noqa: S603
                            text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result.stdout


def _ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        sys.exit("bench/load.py measures PostgreSQL: give --database-url postgres://…")
    name = url.rsplit("/", 1)[-1]
    host = url.split("@", 1)[1].split(":", 1)[0].split("/", 1)[0]
    user = url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[0] or "postgres"
    subprocess.run(["createdb", "-h", host, "-U", user, name],  # noqa: S603, S607
                   capture_output=True, check=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _uptime() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of gunicorn's master and workers so far."""
    import psutil

    master = psutil.Process(pid)
    total = 0.0
    for process in [master, *master.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def run_load(*, base: str, users: list[dict[str, Any]], duration: float,
             server_pid: int) -> dict[str, Any]:
    import gevent
    from locust import FastHttpUser, constant, events, task
    from locust.env import Environment

    pending = list(users)
    state: dict[str, Any] = {"logged_in": 0, "login_ms": [], "started": None, "pages": 0,
                             "hits": 0}
    csrf_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    class Member(FastHttpUser):
        host = base
        wait_time = constant(0)

        def on_start(self) -> None:
            self.profile = pending.pop(0)
            self.surveys = list(self.profile["surveys"])
            self.weighted = [(name, url) for name, url, weight in self.profile["pages"]
                             for _ in range(weight)]
            self.turn = 0
            started = time.monotonic()
            page = self.client.get("/accounts/login/", name="login_form")
            token = csrf_re.search(page.text or "")
            with self._post("/accounts/login/", "login", [
                    ("username", self.profile["username"]), ("password", PASSWORD),
                    ("csrfmiddlewaretoken", token.group(1) if token else "")]) as response:
                if response.status_code != 302:
                    response.failure(f"login refused for {self.profile['username']} "
                                     f"({response.status_code})")
            state["login_ms"].append((time.monotonic() - started) * 1000)
            state["logged_in"] += 1
            if state["logged_in"] == len(users) and state["started"] is None:
                self.environment.stats.reset_all()
                state["started"] = time.monotonic()
                state["cpu"] = _server_cpu_seconds(server_pid)

        def _post(self, url: str, name: str, fields: list[tuple[str, str]]) -> Any:
            """A form post, not following the redirect (it tells success from a re-shown
            form)."""
            return self.client.post(
                url, data=urlencode(fields), name=name, catch_response=True,
                allow_redirects=False,
                headers={"Content-Type": "application/x-www-form-urlencoded"})

        @task
        def work(self) -> None:
            if self.surveys:
                survey = self.surveys.pop(0)
                url = f"/s/{survey['token']}/"
                page = self.client.get(url, name="survey_open")
                token = csrf_re.search(page.text or "")
                data = [("csrfmiddlewaretoken", token.group(1) if token else "")]
                data += [(k, v) for k, values in survey["answers"].items() for v in values]
                with self._post(url, "survey_submit", data) as response:
                    accepted = (response.status_code == 302
                                and "done=1" in (response.headers.get("Location") or ""))
                    if not accepted:
                        response.failure(f"survey not accepted ({response.status_code})")
                    else:
                        response.success()
                if accepted:
                    self.client.get(f"{url}?done=1", name="survey_thanks")
                return
            name, url = self.weighted[self.turn % len(self.weighted)]
            self.turn += 1
            response = self.client.get(url, name=name)
            if state["started"] is not None:
                state["pages"] += 1
                state["hits"] += response.headers.get("X-Page-Cache") == "hit"

    env = Environment(user_classes=[Member], events=events)
    runner = env.create_local_runner()
    runner.start(len(users), spawn_rate=len(users))
    deadline = time.monotonic() + 120
    while state["started"] is None:
        if time.monotonic() > deadline:
            runner.quit()
            sys.exit("Not every user logged in within 120 s.")
        gevent.sleep(0.1)
    gevent.sleep(duration)
    elapsed = time.monotonic() - state["started"]
    server_cpu = _server_cpu_seconds(server_pid) - state["cpu"]
    runner.stop()
    stats = env.stats
    total = stats.total
    pages = {}
    for (name, method), entry in sorted(stats.entries.items()):
        pages[f"{method} {name}"] = {
            "requests": entry.num_requests, "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "max_ms": round(entry.max_response_time or 0)}
    errors = {f"{e.method} {e.name}: {e.error}": e.occurrences for e in stats.errors.values()}
    result = {"requests": total.num_requests, "errors": total.num_failures,
              "seconds": round(elapsed, 1),
              "rps": round(total.num_requests / elapsed, 1) if elapsed else 0.0,
              "p50_ms": total.get_response_time_percentile(0.5),
              "p95_ms": total.get_response_time_percentile(0.95),
              "p99_ms": total.get_response_time_percentile(0.99),
              "pages": pages, "error_details": errors,
              "server_cpu_ms_per_request": round(server_cpu * 1000 / total.num_requests, 1)
              if total.num_requests else None,
              "login_ms_median": sorted(state["login_ms"])[len(state["login_ms"]) // 2]
              if state["login_ms"] else None,
              "page_cache_hits": round(100 * state["hits"] / state["pages"], 1)
              if state["pages"] else None}
    runner.quit()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL",
                                                                 DEFAULT_DATABASE_URL))
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--small", action="store_true", help="load_demo --small")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare()))
        return
    if args.check is not None:
        print(json.dumps(check(json.loads(args.check))))
        return

    # Locust patches the standard library for gevent on import: before anything connects.
    import locust  # noqa: F401

    url = args.database_url
    _ensure_database(url)
    env = _env(url, SECRET_KEY=secrets.token_urlsafe(50), CONN_MAX_AGE="60")
    print(f"Load average before: {_uptime()}", flush=True)
    print(f"Database {url.rsplit('/', 1)[-1]}: migrate and load_demo…", flush=True)
    _python(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    _python(["manage.py", "load_demo", *(["--small"] if args.small else [])], env)
    plan = json.loads(_python([str(Path(__file__).resolve()), "--prepare"], env)
                      .strip().splitlines()[-1])
    kinds: dict[str, int] = {}
    for user in plan["users"]:
        kinds[user["kind"]] = kinds.get(user["kind"], 0) + 1
    print(f"Users: {len(plan['users'])} {kinds}; survey invitations to answer: "
          f"{sum(len(u['surveys']) for u in plan['users'])}", flush=True)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "mentorship.wsgi:application", "-b",
         f"127.0.0.1:{port}", "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env)
    try:
        import urllib.request

        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health/", timeout=5):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("gunicorn did not start")
                time.sleep(0.5)
        print(f"gunicorn: {args.workers} workers on {base}; {len(plan['users'])} users for "
              f"{args.duration:.0f} s…", flush=True)
        result = run_load(base=base, users=plan["users"], duration=args.duration,
                          server_pid=server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    integrity = json.loads(_python([str(Path(__file__).resolve()), "--check",
                                    json.dumps(plan["campaigns"])], env).strip().splitlines()[-1])

    print(f"Load average after: {_uptime()}; CPUs: {os.cpu_count()}")
    print(f"{'page':<28}{'requests':>9}{'fail':>6}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}")
    for name, row in result["pages"].items():
        print(f"{name:<28}{row['requests']:>9}{row['failures']:>6}{row['p50_ms']:>8.0f}"
              f"{row['p95_ms']:>8.0f}{row['max_ms']:>8}")
    for error, count in result["error_details"].items():
        print(f"error ×{count}: {error}")
    print(f"Logins (not in the figures): median {result['login_ms_median']:.0f} ms")
    print(f"Pages served by the per-user page cache: {result['page_cache_hits']} % "
          f"(the rest rendered: first visits, and every page after a write)")
    cpu = result["server_cpu_ms_per_request"]
    if cpu:
        print(f"gunicorn CPU per request: {cpu} ms (PostgreSQL not included): on 2 idle cores "
              f"at most ~{2000 / cpu:.0f} req/s")
    print(f"Requests: {result['requests']} in {result['seconds']} s = {result['rps']} req/s; "
          f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
          f"p99 {result['p99_ms']:.0f} ms; errors {result['errors']}")
    print(f"Integrity: {integrity}")
    print(json.dumps({"rps": result["rps"], "p95_ms": result["p95_ms"],
                      "errors": result["errors"], "integrity_ok": integrity["integrity_ok"]}))


if __name__ == "__main__":
    main()
