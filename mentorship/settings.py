"""Settings for the mentoring programme manager.

One file, driven by environment variables. Every variable has a safe embedded default so
that `make run` and the test suite need nothing but this repository; production sets them
in `.env` (see `.env.example` and README.md). With DEBUG off, SECRET_KEY must be given.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` (written by `make run`, or by an operator) fills variables not already set.
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG: bool = env.bool("DEBUG", default=False)
# HTTPS=1 in production (docker-compose): secure cookies, HSTS and the redirect to https.
HTTPS: bool = env.bool("HTTPS", default=False)

SECRET_KEY: str = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (make run writes one into .env)."
        )
    SECRET_KEY = "insecure-debug-only-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105

ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The product's apps come first: where two catalogues translate the same English text
# ("name", "active"), the earlier app wins, and ours say it as the product means it.
INSTALLED_APPS = [
    "mentorship",
    "programmes",
    "participants",
    "pairing",
    "monitoring",
    "cycle",
    "privacy",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_filters",
    "import_export",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mentorship.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Logs out a session idle past SESSION_IDLE_MINUTES or older than SESSION_MAX_HOURS, and
    # holds a user who owes the second login step (one-time code) on that step's page.
    "mentorship.middleware.SessionLimitMiddleware",
    "mentorship.middleware.OTPStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mentorship.middleware.ScopeMiddleware",
    # Couples audit-log entries (django-auditlog) to the request's user and address, and
    # records every file download (exports, scans, reports) in the audit log.
    "auditlog.middleware.AuditlogMiddleware",
    "privacy.middleware.DownloadAuditMiddleware",
    # Last, as django-axes requires: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: a whole college sits behind one address, so the lockout is keyed on the
# username and address together (one student's mistakes do not lock out the class), plus a
# looser limit per address alone.
AXES_FAILURE_LIMIT: int = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "mentorship.auth_views.lockout_response"
# The looser limit per address alone (any usernames), checked by this handler.
AXES_HANDLER = "mentorship.lockout.AddressAwareHandler"
LOGIN_ADDRESS_FAILURE_LIMIT: int = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=50)
# Password reset requests allowed from one address per hour (the form sends e-mail).
PASSWORD_RESET_ADDRESS_LIMIT: int = env.int("PASSWORD_RESET_ADDRESS_LIMIT", default=5)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day
# Second login step with a one-time code (TOTP app): optional for admins and directors;
# the roles listed here (comma-separated: admin,director) must enrol before working.
OTP_REQUIRED_FOR: list[str] = env.list("OTP_REQUIRED_FOR", default=[])
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Наставничество")
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_ENABLED: bool = env.bool("AXES_ENABLED", default=True)

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"
AUTH_USER_MODEL = "mentorship.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentorship.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="") or None}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL: str = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
    # Sessions are kept in the database and read through Redis.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Pages people open most are cached per user under the data version for at most this many
# seconds (mentorship.pagecache); 0 turns that off.
PAGE_CACHE_SECONDS: int = env.int("PAGE_CACHE_SECONDS", default=300)

# Celery: without a broker, tasks run eagerly in-process (embedded default and most tests).
CELERY_BROKER_URL: str = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND: str | None = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER: bool = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Moscow"
# Redis redelivers a task whose worker died without acknowledging it after this many
# seconds. It must exceed the longest task (a task still running past it would run twice);
# the killed-worker test sets a few seconds so the redelivery comes quickly.
CELERY_VISIBILITY_TIMEOUT: int = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The interface is Russian whatever the browser says (no LocaleMiddleware): colleges' staff
# expect it, and an English browser must not turn a demo English. LANGUAGE_CODE=en works too.
LANGUAGE_CODE: str = env.str("LANGUAGE_CODE", default="ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
# Each app keeps its own locale/ (app directories are found by Django), so work on one
# app never rewrites another app's catalogue.
LOCALE_PATHS: list[str] = []
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Locally (no HTTPS) WhiteNoise also serves straight from the app folders, so runserver with
# DEBUG off needs no collectstatic; production serves the hashed, compressed STATIC_ROOT.
WHITENOISE_USE_FINDERS = not HTTPS
# Without collectstatic (make run, tests) STATIC_ROOT does not exist; that is expected.
warnings.filterwarnings("ignore", message="No directory at: ")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if HTTPS
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded files are personal data: never served from a public URL, only streamed by views
# that check permission (MEDIA_URL is deliberately not routed).
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL",
                                  default="Наставничество <noreply@localhost>")
# The site's public address, for links in e-mails sent by background tasks (digests,
# reminders), which have no request to take it from.
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# A session ends after SESSION_IDLE_MINUTES without a request and, however active,
# SESSION_MAX_HOURS after the login. The time of the last request (and with it the cookie's
# age) is written at most once per SESSION_TOUCH_SECONDS, not on every request: a write per
# page view would cost more than the page itself when it comes from the cache.
SESSION_IDLE_MINUTES: int = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_MAX_HOURS: int = env.int("SESSION_MAX_HOURS", default=12)
SESSION_TOUCH_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# No inline or third-party scripts: everything is served from our static files. Inline
# style attributes stay allowed (progress bars and server-drawn SVG charts set widths and
# colours); they cannot run code.
CONTENT_SECURITY_POLICY: str = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Backups (`manage.py backup` / `restore`): where they are written and how many are kept.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "backups")))
BACKUP_KEEP: int = env.int("BACKUP_KEEP", default=14)

# Product settings.
IMPORT_MAX_ROWS: int = env.int("IMPORT_MAX_ROWS", default=50_000)
IMPORT_MAX_BYTES: int = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# Audit (django-auditlog): models are registered in privacy/apps.py. The plain manager,
# not the organisation-scoped one, reads the old row (tasks and commands have no scope).
AUDITLOG_USE_BASE_MANAGER = True
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
# Subject requests are answered within this many working days (152-ФЗ, art. 14, 20, 21).
PRIVACY_REQUEST_WORKING_DAYS: int = env.int("PRIVACY_REQUEST_WORKING_DAYS", default=10)
# Consent age bands "A,B": under A a parent or legal representative signs; from A to B-1 the
# person and a parent both sign; from B the person alone.
CONSENT_AGE_BANDS: tuple[int, int] = tuple(  # type: ignore[assignment]
    env.list("CONSENT_AGE_BANDS", cast=int, default=[14, 18]))[:2]
# Days after a revocation before the person's data is anonymised (152-ФЗ, art. 21 p. 5).
CONSENT_REVOKED_ERASE_DAYS: int = env.int("CONSENT_REVOKED_ERASE_DAYS", default=30)
# People who left the organisation more than this many years ago are anonymised.
RETENTION_YEARS: int = env.int("RETENTION_YEARS", default=5)
# Demo data (fixed logins, password "demo") is refused by a production deployment.
DEMO_DATA_ALLOWED: bool = env.bool("DEMO_DATA_ALLOWED", default=not HTTPS)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
