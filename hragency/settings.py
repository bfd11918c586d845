"""The one settings module. Every knob is an environment variable with a laptop-safe default.

In production mode (DEBUG off) a missing secret is a start-up error, never a silent default.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("HRAGENCY_VAR_DIR", BASE_DIR.parent / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

# Development-only fallbacks; production (DEBUG=0) must supply real values.
_DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me-0123456789abcdef"
# 32 zero-free bytes, base64: only ever used when DEBUG is on.
_DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="


def _secret(name: str, dev_default: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off")


SECRET_KEY = _secret("SECRET_KEY", _DEV_SECRET_KEY)
FIELD_ENCRYPTION_KEY = _secret("FIELD_ENCRYPTION_KEY", _DEV_FIELD_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "hragency.core",
    "hragency.accounts",
    "hragency.clients",
    "hragency.employees",
    "hragency.insurance",
    "hragency.billing",
    "hragency.payroll",
    "hragency.knowledge",
    "hragency.servicedesk",
    "hragency.visits",
    "hragency.workforce",
    "hragency.agents",
    "hragency.claims",
    "hragency.annuity",
    "hragency.recruitment",
    "hragency.training",
    "hragency.disputes",
    "hragency.archives",
    "hragency.reports",
    "hragency.analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hragency.accounts.middleware.AdminSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hragency.core.middleware.RequestContextMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "hragency.urls"
WSGI_APPLICATION = "hragency.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hragency.core.context_processors.navigation",
            ],
        },
    },
]

_sqlite_path = VAR_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{_sqlite_path}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers queue on the
    # busy timeout instead of failing with "database is locked" half-way through.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that tests with threads (numbering) see one database.
    # Named per process so two test runs on one machine do not share (and break) one file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_db_{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:todo"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed-login throttling (per username and per client address, sliding window).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)

# E-mail: Django's mail settings; EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# sends over SMTP.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hragency@localhost")
# Links in e-mails and SMS (the satisfaction link) are absolute: where users reach the product.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# SMS (the satisfaction link): a dotted path to a function (phone, text); the default logs.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "hragency.servicedesk.feedback.log_sms")

# Service desk channels (R-DESK-1): the desk's mailbox, IMAP polling, the gateway webhook.
DESK_MAIL_DOMAIN = os.environ.get("DESK_MAIL_DOMAIN", "desk.localhost")
DESK_MAIL_ADDRESS = os.environ.get("DESK_MAIL_ADDRESS", f"service@{DESK_MAIL_DOMAIN}")
DESK_IMAP_URL = os.environ.get("DESK_IMAP_URL", "")  # imaps://user:pass@host:993/INBOX
DESK_WEBHOOK_MAX_SKEW = int(os.environ.get("DESK_WEBHOOK_MAX_SKEW", "300"))
DESK_GATEWAY_BACKEND = os.environ.get(
    "DESK_GATEWAY_BACKEND", "hragency.servicedesk.channels.gateways.LoggingBackend"
)  # or hragency.servicedesk.channels.gateways.HttpBackend
# {"wecom": "https://gateway.example/callback"}: where HttpBackend posts replies, per gateway.
DESK_GATEWAY_CALLBACKS = json.loads(os.environ.get("DESK_GATEWAY_CALLBACKS", "{}"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "hragency",
        "url": REDIS_URL,
        "immediate": env_bool("HUEY_IMMEDIATE", False),
        # Crontabs are read in local time (Django sets TZ to TIME_ZONE): "01:00 on the 1st"
        # means Beijing time, not 09:00.
        "utc": False,
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "hragency",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": env_bool("HUEY_IMMEDIATE", False),
        # Crontabs are read in local time (Django sets TZ to TIME_ZONE): "01:00 on the 1st"
        # means Beijing time, not 09:00.
        "utc": False,
    }

# Working time: business hours of the office calendar (the hotline uses a 24 h calendar).
BUSINESS_HOURS_START = os.environ.get("BUSINESS_HOURS_START", "09:00")
BUSINESS_HOURS_END = os.environ.get("BUSINESS_HOURS_END", "18:00")

# Chromium prints PDFs (statements, later payslips and reports) from HTML with a CJK font.
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
