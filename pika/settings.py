"""Django settings for Pika.

Every value comes from the environment (or `.env` beside `manage.py`) through one
`environ.Env`; `.env.example` and the README document each variable and its default.
"""

import math
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from pika.db.tables import DOMAIN_SCHEMAS

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Variables already in the environment win over .env.
environ.Env.read_env(BASE_DIR / ".env")

# Development values of every secret: they serve the project's own cluster and the tests, and
# are refused anywhere else (below, and by `manage.py check --deploy`: pika.checks).
DEVELOPMENT_SECRETS = {
    "DJANGO_SECRET_KEY": "django-insecure-pika-development-only",
    "PIKA_ENCRYPTION_KEY": "pika-development-encryption-key",
    "PIKA_LOOKUP_HASH_KEY": "pika-development-lookup-hash-key",
    "PIKA_IDENTITY_KEY": "pika-development-identity-key",
    "PG_PASSWORD": "pika",
    "PG_WEB_PASSWORD": "pika_web",
}

# --- Database (the seed's "Configuration" section) ---------------------------------------
# Without DATABASE_URL the project talks to its own cluster (scripts/db.sh), whose address
# the PG_* defaults describe.
PG_HOST = env.str("PG_HOST", default="127.0.0.1")
PG_PORT = env.int("PG_PORT", default=54320)
PG_DATABASE = env.str("PG_DATABASE", default="pika")
PG_USER = env.str("PG_USER", default="pika")
PG_PASSWORD = env.str("PG_PASSWORD", default=DEVELOPMENT_SECRETS["PG_PASSWORD"])
# The login that serves requests: owns nothing, bypasses nothing, may only SET ROLE
# application_role. Web entry points (WSGI, runserver) set PIKA_DATABASE_LOGIN=web;
# migrations and other commands log in as the owner above.
PG_WEB_USER = env.str("PG_WEB_USER", default="pika_web")
PG_WEB_PASSWORD = env.str("PG_WEB_PASSWORD", default=DEVELOPMENT_SECRETS["PG_WEB_PASSWORD"])
DATABASE_LOGIN = env.str("PIKA_DATABASE_LOGIN", default="owner")
PG_SSL = env.bool("PG_SSL", default=False)
DATABASE_POOL_SIZE = env.int("DATABASE_POOL_SIZE", default=20)
DATABASE_TIMEOUT = env.int("DATABASE_TIMEOUT", default=5000)  # ms
DEFAULT_SCHEMA = env.str("DEFAULT_SCHEMA", default="public")
ENABLE_ROW_SECURITY = env.bool("ENABLE_ROW_SECURITY", default=True)
SHADOW_DATABASE_URL = env.str("SHADOW_DATABASE_URL", default="")
MIGRATION_LOCK_TIMEOUT = env.int("MIGRATION_LOCK_TIMEOUT", default=10000)  # ms
STATEMENT_TIMEOUT = env.int("STATEMENT_TIMEOUT", default=30000)  # ms
IDLE_TIMEOUT = env.int("IDLE_TIMEOUT", default=10000)  # ms

# Keys of the encrypted columns and their lookup hashes (pika/db/encryption.py), used in Python
# only: the database never sees them. The defaults serve the local cluster only: set both
# everywhere else (see "Rotating the keys").
ENCRYPTION_KEY = env.str("PIKA_ENCRYPTION_KEY", default=DEVELOPMENT_SECRETS["PIKA_ENCRYPTION_KEY"])
LOOKUP_HASH_KEY = env.str(
    "PIKA_LOOKUP_HASH_KEY", default=DEVELOPMENT_SECRETS["PIKA_LOOKUP_HASH_KEY"]
)
# Signs the identity each request acts as (pika/db/identity.py); `migrate` gives it to the
# database. Set it everywhere but the local cluster; the runtime roles can never read it.
IDENTITY_KEY = env.str("PIKA_IDENTITY_KEY", default=DEVELOPMENT_SECRETS["PIKA_IDENTITY_KEY"])

# Set by manage.py to the running command; empty in the web server and the tests.
DATABASE_ACTOR = env.str("PIKA_DB_ACTOR", default="")

# Hosts that are this machine: a database there is a developer's (or the tests'), never a
# deploy's shared server. A path is a Unix socket's folder.
LOCAL_HOSTS = frozenset({"", "127.0.0.1", "localhost", "::1"})
EMBEDDED_DATABASE = not env.str("DATABASE_URL", default="") and PG_HOST in LOCAL_HOSTS


def _database(login: str) -> dict:
    """The connection settings of ``login``: 'owner' (migrations, commands) or 'web'."""
    if env.str("DATABASE_URL", default=""):
        database = env.db_url("DATABASE_URL")
    else:
        database = {
            "NAME": PG_DATABASE,
            "USER": PG_USER,
            "PASSWORD": PG_PASSWORD,
            "HOST": PG_HOST,
            "PORT": PG_PORT,
            "OPTIONS": {"sslmode": "require" if PG_SSL else "disable"},
        }
    database["ENGINE"] = "pika.db.backend"
    # Two test runs side by side need two test databases.
    database["TEST"] = {"NAME": env.str("PIKA_TEST_DATABASE", default="") or None}
    if login == "web":
        database["USER"], database["PASSWORD"] = PG_WEB_USER, PG_WEB_PASSWORD
    elif login != "owner":
        raise ImproperlyConfigured(f"PIKA_DATABASE_LOGIN must be 'owner' or 'web', not {login!r}")
    search_path = DEFAULT_SCHEMA if DEFAULT_SCHEMA == "public" else f"{DEFAULT_SCHEMA},public"
    options = database.setdefault("OPTIONS", {})
    options["connect_timeout"] = max(1, math.ceil(DATABASE_TIMEOUT / 1000))
    # Applied by the server to every connection, pooled or not. jit off: the application's
    # queries are short, and compiling one (triggered by row estimates of large tables)
    # costs far more than running it; a command that wants JIT may SET jit = on.
    options["options"] = (
        f"-c statement_timeout={STATEMENT_TIMEOUT}"
        " -c jit=off"
        f" -c idle_in_transaction_session_timeout={IDLE_TIMEOUT}"
        f" -c search_path={search_path}"
    )
    if DATABASE_ACTOR:
        # Names the management command in the audit log (app.user_agent); transactions that
        # act for a user override it locally. Spaces are escaped for libpq's options.
        options["options"] += " -c app.user_agent=" + DATABASE_ACTOR.replace(" ", "\\ ")
    if DATABASE_POOL_SIZE > 0:
        options["pool"] = {
            "min_size": 1,
            "max_size": DATABASE_POOL_SIZE,
            "timeout": DATABASE_TIMEOUT / 1000,
        }
    return database


DATABASES = {"default": _database(DATABASE_LOGIN)}
# runserver serves on the web's login, which may not read django_migrations: its check for
# unapplied migrations logs in as the owner (pika/management/commands/runserver.py).
MIGRATION_CHECK_DATABASE = _database("owner")
_database_host = str(DATABASES["default"].get("HOST") or "")
DATABASE_IS_LOCAL = _database_host in LOCAL_HOSTS or _database_host.startswith("/")

# --- Django ---------------------------------------------------------------------------------
# DEBUG is on by default only against a database on this machine; a deploy sets it off anyway.
DEBUG = env.bool("DJANGO_DEBUG", default=DATABASE_IS_LOCAL)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRETS["DJANGO_SECRET_KEY"])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# Every secret of the deploy still at its development value (`check --deploy` names them all;
# with DATABASE_URL, the owner's password is in the URL).
DEVELOPMENT_SECRETS_IN_USE = sorted(
    name
    for name, value in DEVELOPMENT_SECRETS.items()
    if env.str(name, default=value) == value
    and not (name == "PG_PASSWORD" and env.str("DATABASE_URL", default=""))
)
# At start-up, only the password of the login this process uses counts: the web needs no
# owner's password, nor the owner the web's.
_refused = [
    name
    for name in DEVELOPMENT_SECRETS_IN_USE
    if name != ("PG_PASSWORD" if DATABASE_LOGIN == "web" else "PG_WEB_PASSWORD")
]
if _refused and not DATABASE_IS_LOCAL:
    raise ImproperlyConfigured(
        f"the database server {_database_host} is not this machine, yet these settings "
        f"have their development values: {', '.join(_refused)}. Set each in the environment "
        "(README, Deploying)."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications ---------------------------------------------------------------------------
# One Django app per PostgreSQL schema, named as the schema.
DOMAIN_APPS = list(DOMAIN_SCHEMAS)

INSTALLED_APPS = [
    # First, so that its runserver (the migration check on the owner's login) is the one run.
    "pika",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files, served from our static files: the docs work without internet.
    "drf_spectacular_sidecar",
    *DOMAIN_APPS,
]

MIDDLEWARE = [
    # Everything after DatabaseContextMiddleware runs in one transaction, as application_role,
    # on behalf of the session's user (pika/middleware.py); the three before it touch no data.
    # First: under /api/, errors in the API's JSON shape whatever DEBUG says.
    "pika.api.middleware.ApiErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before any database work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pika.middleware.DatabaseContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]
# History rows get ids from Python, so that appending needs no RETURNING (and no SELECT).
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = True

# Sessions stored by key hash and reached through SQL functions only (pika/sessions.py).
SESSION_ENGINE = "pika.sessions"

ROOT_URLCONF = "pika.urls"
ADMIN_URL_PREFIX = "/admin/"
# Trust X-Forwarded-For for the audit log's IP address only behind a proxy that sets it.
USE_X_FORWARDED_FOR = env.bool("USE_X_FORWARDED_FOR", default=False)
# How many proxies in front append to X-Forwarded-For: the client is that many entries from
# the right; entries further left are whatever the client sent (see pika.request_meta).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be at least 1")
WSGI_APPLICATION = "pika.wsgi.application"

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
            ],
        },
    },
]

# --- Users and authentication ---------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = ["users.backends.EmailBackend"]
# Bare $2a$ bcrypt, verifiable by pgcrypto's crypt() in SQL; see users/hashers.py.
PASSWORD_HASHERS = ["users.hashers.PgCryptoBCryptHasher"]
PASSWORD_BCRYPT_ROUNDS = env.int("PASSWORD_BCRYPT_ROUNDS", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "users.validators.BcryptMaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SILENCED_SYSTEM_CHECKS = [
    # Email is unique case-insensitively through a unique index on lower(email), which
    # the check cannot see (it only looks for unique=True).
    "auth.W004",
    # GDAL < 3.9 cannot block file and network access from spatial references. Geometry
    # input is restricted instead: SRID 4326 only, and GeoJSON naming a CRS is refused
    # before GDAL parses it (pika.admin.RestrictedMapWidget; docs/security.md).
    "gis.W001",
    # HSTS preloading asks browsers' vendors to hard-code the domain as HTTPS only: the
    # domain's owner decides that, with DJANGO_HSTS_PRELOAD, not a default of ours.
    "security.W021",
]

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `manage.py collectstatic` gathers the static files that WhiteNoise serves.
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Without DEBUG, collected files get content hashes in their names and compressed copies,
    # so that browsers may cache them forever; DEBUG (runserver, the tests) serves the sources.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# With DEBUG (runserver, the tests), WhiteNoise looks files up on each request rather than
# indexing STATIC_ROOT once at start, which collectstatic has not filled there.
WHITENOISE_AUTOREFRESH = DEBUG

# --- Serving over HTTPS (README, Deploying) ---------------------------------------------------
# Without DEBUG, the site is HTTPS only: plain HTTP is redirected, cookies are sent over HTTPS
# only, and browsers are told to keep to HTTPS (HSTS) for DJANGO_HSTS_SECONDS.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
# Behind a proxy that ends TLS: the proxy says the request came over HTTPS in this header
# (it must overwrite a value the client sent). Unset when the server itself speaks TLS.
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The admin's map: its own OpenLayers files and country outlines work offline; a tile
# server (an XYZ URL template such as https://tile.openstreetmap.org/{z}/{x}/{y}.png) adds a
# base map for those who reach it.
ADMIN_MAP_TILES_URL = env.str("ADMIN_MAP_TILES_URL", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        # The pool logs every failed background connect attempt; the one error that
        # matters reaches the caller as a DatabaseUnreachable.
        "psycopg.pool": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# The REST API under /api/v1/ (pika/api/): bearer tokens for programs, sessions for the
# browsable API; one error shape (pika/api/errors.py); OpenAPI 3 at /api/schema/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "identity.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Public unless a view asks for more; the schema then marks the bearer token optional.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "pika.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pika API",
    "DESCRIPTION": "Vouchers near you, in your language: search, save and redeem them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Path ids match any segment (so that a malformed one is a 400), but only UUIDs are valid.
    "PATH_CONVERTER_OVERRIDES": {"anyuuid": {"type": "string", "format": "uuid"}},
    # Swagger UI from drf-spectacular-sidecar's static files, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
