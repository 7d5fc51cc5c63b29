"""OsteoRehab settings: one file, configured from environment variables only.

Variables: DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, EMAIL_HOST, EMAIL_PORT,
EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL, OSTEOREHAB_VAR_DIR,
TWO_FACTOR_REQUIRED.
Without DEBUG the settings are production settings: `manage.py check --deploy` is clean.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OSTEOREHAB_VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DEBUG")
if DEBUG or not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # local SQLite files (and a development key)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A development machine gets a random key kept beside its database, never a key in the code.
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "template_partials",
    "ninja",  # the JSON API docs page from its own static files (no CDN)
    "huey.contrib.djhuey",
    "osteorehab.core",
    "osteorehab.accounts",
    "osteorehab.audit",
    "osteorehab.patients",
    "osteorehab.assessments",
    "osteorehab.alerts",
    "osteorehab.plans",
    "osteorehab.psychology",
    "osteorehab.education",
    "osteorehab.homesafety",
    "osteorehab.logbook",
    "osteorehab.contact",
    "osteorehab.family",
    "osteorehab.reminders",
    "osteorehab.api",
    "osteorehab.outcomes",
    "osteorehab.fhir",
    "osteorehab.rules",
    "osteorehab.meetings",
    "osteorehab.followup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "osteorehab.core.middleware.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "osteorehab.accounts.middleware.session_keep_alive",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "osteorehab.accounts.middleware.require_two_factor",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "osteorehab.audit.middleware.audit_reads",
    # Axes last, as its documentation asks, so it sees every failed login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "osteorehab" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "osteorehab.core.context_processors.roles",
                "osteorehab.contact.context_processors.unread",
                "osteorehab.reminders.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'osteorehab.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Background jobs: Redis when REDIS_URL is set (several machines' workers share one queue),
# otherwise a SQLite file beside the database. djhuey runs tasks inline when DEBUG is on.
HUEY = (
    {"huey_class": "huey.RedisHuey", "name": "osteorehab", "url": REDIS_URL}
    if REDIS_URL
    else {
        "huey_class": "huey.SqliteHuey",
        "name": "osteorehab",
        "filename": str(VAR_DIR / "huey.sqlite3"),
    }
)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: five failures lock the account tried, and the browser that tried (address and user
# agent together, so one wrong password at a clinic behind a shared address locks nobody else),
# for fifteen minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "user_agent"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

OTP_TOTP_ISSUER = "OsteoRehab"
# Two-factor login for clinicians and program leads (system administrators always use it):
# on in production unless TWO_FACTOR_REQUIRED=0 turns it off, off for the DEBUG demo.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", default=not DEBUG)
# An administrator can remove a lost authenticator but never read anyone's TOTP secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions end after an hour without activity (shared clinic computers): a session in use is
# written again at most once a minute to restart the hour (accounts.middleware).
SESSION_COOKIE_AGE = 60 * 60
# Sessions are kept in the database and, with Redis, read from it: a request then asks the
# database nothing for its session. Without Redis each process's own memory would go stale
# (a logout in one worker unseen by another), so the database alone.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if REDIS_URL else "db")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "osteorehab@localhost")
# The address links in e-mails point to (alerts, password resets sent from jobs).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# The local crisis line shown to a patient who reports thoughts of self-harm (PHQ-9 item 9),
# e.g. "Crisis line: 12356". Set per deployment; none is assumed.
CRISIS_CONTACT = os.environ.get("CRISIS_CONTACT", "")
# The class that sends reminders by text message (a dotted path to a class with
# `send(phone, text)`); the default only writes them to the log (osteorehab/reminders/sms.py).
SMS_SENDER = os.environ.get("SMS_SENDER", "osteorehab.reminders.sms.ConsoleSender")

# Patient data never goes into logs: errors are logged without request bodies or locals, and
# exceptions without their messages, which quote values (osteorehab.core.logs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"no_data": {"()": "osteorehab.core.logs.NoDataFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "no_data"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
