"""The production deployment contract: docker-compose.yml, .env.example and the settings.

Docker does not run in the test environment, so the compose file is checked by reading it;
the settings' production behaviour is checked by running them in a subprocess.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_PATH = REPO_ROOT / "docker-compose.yml"
ENV_EXAMPLE_PATH = REPO_ROOT / ".env.example"
SETTINGS_PATH = REPO_ROOT / "mentorship" / "settings.py"

APP_SERVICES = ("web", "worker", "beat", "backup")
# The variables ARCHITECTURE.md names as the deployment's configuration.
ARCHITECTURE_VARIABLES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
)
# `env.bool("DEBUG", ...)`, `env.db("DATABASE_URL", ...)`, `env("NAME")`, single or double quotes.
SETTINGS_READ_RE = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
FALSE_VALUES = {"0", "false", "off", "no"}
TRUE_VALUES = {"1", "true", "on", "yes"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def env_example_names() -> set[str]:
    """Names in .env.example, whether set (`NAME=`) or documented commented out (`# NAME=`)."""
    text = ENV_EXAMPLE_PATH.read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def command_text(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {name: "" if value is None else str(value) for name, value in env.items()}


def env_files(service: dict) -> list[str]:
    files = service.get("env_file", [])
    files = [files] if isinstance(files, str | dict) else files
    return [item["path"] if isinstance(item, dict) else item for item in files]


def test_compose_declares_the_six_services(compose: dict) -> None:
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat", "backup"}


def test_backup_service_backs_up_daily_into_a_named_volume(compose: dict) -> None:
    backup = compose["services"]["backup"]
    command = command_text(backup)
    assert "python manage.py backup" in command
    assert "while true" in command
    assert "sleep 86400" in command
    backup_dir = environment(backup)["BACKUP_DIR"]
    volume = next(v for v in backup["volumes"] if v.endswith(f":{backup_dir}"))
    assert volume.split(":")[0] in set(compose.get("volumes") or {})
    # It dumps the same database the web application uses.
    assert environment(backup)["DATABASE_URL"] == environment(compose["services"]["web"])[
        "DATABASE_URL"]
    assert backup["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_image_carries_pg_dump_for_the_backup_service() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "postgresql-client" in dockerfile
    assert "/data/backups" in dockerfile


def test_postgres_and_redis_have_healthchecks_and_keep_data(compose: dict) -> None:
    postgres, redis = compose["services"]["postgres"], compose["services"]["redis"]
    assert postgres["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert redis["image"].startswith("redis:7")
    assert "ping" in " ".join(redis["healthcheck"]["test"])
    named_volumes = set(compose.get("volumes") or {})
    data_volume = next(v for v in postgres["volumes"] if v.endswith(":/var/lib/postgresql/data"))
    assert data_volume.split(":")[0] in named_volumes


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_share_image_env_file_and_wait_for_healthy_backends(
    compose: dict, name: str
) -> None:
    service = compose["services"][name]
    assert service["build"] in (".", {"context": "."})
    assert ".env" in env_files(service)
    for backend in ("postgres", "redis"):
        assert service["depends_on"][backend]["condition"] == "service_healthy"


def test_web_migrates_then_serves_with_gunicorn_and_is_health_checked(compose: dict) -> None:
    web = compose["services"]["web"]
    command = command_text(web)
    migrate = command.index("manage.py migrate --noinput")
    collect = command.index("manage.py collectstatic --noinput")
    serve = command.index("gunicorn mentorship.wsgi:application")
    assert migrate < collect < serve
    assert "0.0.0.0:8000" in command
    assert any(str(port).endswith("8000") for port in web["ports"])
    healthcheck = " ".join(web["healthcheck"]["test"])
    assert "http://localhost:8000/health/" in healthcheck
    assert "urllib" in healthcheck


@pytest.mark.parametrize(("name", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_worker_and_beat_run_celery_for_the_project(
    compose: dict, name: str, subcommand: str
) -> None:
    command = command_text(compose["services"][name])
    assert command.startswith("celery -A mentorship ")
    assert f" {subcommand} " in f"{command} "


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_get_every_architecture_variable(
    compose: dict, env_example_names: set[str], name: str
) -> None:
    service = compose["services"][name]
    provided = set(environment(service))
    if ".env" in env_files(service):
        provided |= env_example_names
    missing = [variable for variable in ARCHITECTURE_VARIABLES if variable not in provided]
    assert not missing, f"{name} gets no value for {missing}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_in_production_mode(compose: dict, name: str) -> None:
    service = compose["services"][name]
    env = environment(service)
    assert env["DEBUG"].lower() in FALSE_VALUES
    assert env["HTTPS"].lower() in TRUE_VALUES
    assert env["DEMO_DATA_ALLOWED"].lower() in FALSE_VALUES
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    # Uploaded files (personal data) live on a named volume, not in the container.
    assert env["MEDIA_ROOT"] == "/data/media"
    media_volume = next(v for v in service["volumes"] if v.endswith(":/data/media"))
    assert media_volume.split(":")[0] in set(compose.get("volumes") or {})


def test_database_url_matches_the_postgres_service(compose: dict) -> None:
    postgres_env = environment(compose["services"]["postgres"])
    raw_url = environment(compose["services"]["web"])["DATABASE_URL"]
    # The password is interpolated by compose from .env: `${POSTGRES_PASSWORD...}`.
    assert re.search(r":\$\{POSTGRES_PASSWORD[:?}]", raw_url)
    assert re.match(r"\$\{POSTGRES_PASSWORD[:?}]", postgres_env["POSTGRES_PASSWORD"])
    url = urlsplit(re.sub(r"\$\{[^}]*\}", "password", raw_url))
    assert url.scheme in ("postgres", "postgresql", "pgsql")
    assert url.hostname == "postgres"
    assert url.port == 5432
    assert url.username == postgres_env["POSTGRES_USER"]
    assert url.path.lstrip("/") == postgres_env["POSTGRES_DB"]


def test_env_example_documents_every_variable_settings_read(env_example_names: set[str]) -> None:
    read = set(SETTINGS_READ_RE.findall(SETTINGS_PATH.read_text(encoding="utf-8")))
    assert {"SECRET_KEY", "DEBUG", "DATABASE_URL"} <= read  # the pattern still matches
    assert sorted(read - env_example_names) == []


def test_readme_configuration_table_lists_every_variable_settings_read() -> None:
    read = set(SETTINGS_READ_RE.findall(SETTINGS_PATH.read_text(encoding="utf-8")))
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    in_table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", readme, flags=re.MULTILINE))
    assert sorted(read - in_table) == []


def test_env_example_ships_no_secret(env_example_names: set[str]) -> None:
    values = dict(
        re.findall(
            r"^([A-Z][A-Z0-9_]*)=(.*)$",
            ENV_EXAMPLE_PATH.read_text(encoding="utf-8"),
            flags=re.MULTILINE,
        )
    )
    assert values["SECRET_KEY"] == ""
    assert values["POSTGRES_PASSWORD"] == ""
    assert "POSTGRES_PASSWORD" in env_example_names


def test_dockerfile_runs_python_311_as_a_non_root_user() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, flags=re.MULTILINE)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"):
        assert package in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert ".env" in (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").split()


def run_python(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    """Run the project's Python with exactly `env` (plus PATH), so no test setting leaks in.

    settings.py also reads BASE_DIR/.env for variables not already set; the variables that
    matter here are always given explicitly (an empty value counts as set), so a developer's
    .env cannot change the outcome.
    """
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, *args],
        env={**clean_env, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_settings_refuse_to_load_without_secret_key_when_debug_is_off(tmp_path: Path) -> None:
    failed = run_python(
        ["-c", "import mentorship.settings"], {"DEBUG": "0", "SECRET_KEY": ""}, tmp_path
    )
    assert failed.returncode != 0
    assert "ImproperlyConfigured" in failed.stderr
    assert "SECRET_KEY" in failed.stderr

    # The same import succeeds once a key is given: the key was the only problem.
    loaded = run_python(
        ["-c", "import mentorship.settings"],
        {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50)},
        tmp_path,
    )
    assert loaded.returncode == 0, loaded.stderr


def test_deploy_checks_pass_with_production_variables() -> None:
    production = {
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "ALLOWED_HOSTS": "example.org",
    }
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production, REPO_ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _settings_values(env: dict[str, str], names: str) -> list[str]:
    code = ("import mentorship.settings as s; "
            f"print('|'.join(str(eval('s.' + n)) for n in {names.split()!r}))")
    result = run_python(["-c", code], {"SECRET_KEY": "x", **env}, REPO_ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


def test_without_a_broker_tasks_run_eagerly_with_a_local_cache() -> None:
    eager, backend = _settings_values({"CELERY_BROKER_URL": "", "REDIS_URL": ""},
                                      "CELERY_TASK_ALWAYS_EAGER CACHES['default']['BACKEND']")
    assert eager == "True"
    assert backend.endswith("LocMemCache")


def test_with_redis_configured_tasks_go_to_the_broker_and_cache_to_redis() -> None:
    eager, backend, broker = _settings_values(
        {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/1", "REDIS_URL": "redis://127.0.0.1:6379/2"},
        "CELERY_TASK_ALWAYS_EAGER CACHES['default']['BACKEND'] CELERY_BROKER_URL")
    assert eager == "False"
    assert backend.endswith("RedisCache")
    assert broker == "redis://127.0.0.1:6379/1"
