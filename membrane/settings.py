"""Membrane settings: one file, driven by the environment, loud on bad values.

Development defaults need nothing set: SQLite in var/, mail written as files to
var/mail/, the database cache, the database task worker. Production sets at least
SECRET_KEY, DEBUG=false, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MEMBRANE_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
_DEV_SECRET = "insecure-development-key-change-me"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
if SECRET_KEY == _DEV_SECRET and env_bool("MEMBRANE_PRODUCTION", False):
    raise ImproperlyConfigured("SECRET_KEY must be set in production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
# The public address, for links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "ninja",  # serves its bundled Swagger UI: no third-party CDN
    "django_tasks_db",
    "membrane.core",
    "membrane.territory",
    "membrane.accounts",
    "membrane.charter",
    "membrane.spaces",
    "membrane.conversations",
    "membrane.notifications",
    "membrane.moderation",
    "membrane.ideas",
    "membrane.polls",
    "membrane.quizzes",
    "membrane.campaigns",
    "membrane.events",
    "membrane.engagement",
    "membrane.insights",
    "membrane.perf",
    "membrane.security",
    "membrane.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "membrane.core.middleware.PersonalPagesNoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "membrane.core.anonymous_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "membrane.security.middleware.SessionSecurityMiddleware",
    "membrane.accounts.mfa.MFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "membrane.charter.middleware.CharterAcceptanceMiddleware",
]

ROOT_URLCONF = "membrane.urls"
WSGI_APPLICATION = "membrane.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "membrane" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "membrane.core.context_processors.instance",
                "membrane.notifications.context_processors.unread_notifications",
                "membrane.moderation.context_processors.moderation",
            ],
        },
    }
]

# Database: SQLite in var/ unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'membrane.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker share the file without
    # "database is locked" errors on short writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # No JIT: PostgreSQL compiles a query whose estimated cost is high (the
    # feed's per-space candidates at party scale) for a second, to run it in
    # 6 ms. The options of PGOPTIONS (e.g. the benchmark's statement timeout)
    # are kept: the connection's own options replace them otherwise.
    options = f"-c jit=off {os.environ.get('PGOPTIONS', '')}".strip()
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = options
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared by every web process even in the default set-up, so that
# rate limits hold across granian workers.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "membrane_cache",
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Sessions end after this long without a request, and this long after sign-in
# whatever happens (membrane.security.middleware), in seconds.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 14 * 24 * 3600)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 30 * 24 * 3600)

# Background work: Django's Tasks API, database worker by default.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env_list(
    "PASSWORD_HASHERS",
    # Argon2 first: new and re-entered passwords get it; the others remain so
    # older hashes still verify (and are upgraded at the next login).
    [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "membrane.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_SIGNUP_FORM_CLASS = "membrane.accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
# Re-enter the password (or a TOTP code) before changing one's email or
# deleting the account, if the last proof is older than this (seconds).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("REAUTHENTICATION_TIMEOUT", 300)

# Two-factor authentication: allauth's TOTP with recovery codes, no WebAuthn.
# Required of staff and of whoever moderates (membrane.accounts.mfa);
# optional for everyone else.
MFA_ADAPTER = "membrane.accounts.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_REQUIRED_FOR_MODERATORS = env_bool("MFA_REQUIRED_FOR_MODERATORS", True)
# A code of the 30-second step before or after is accepted too (RFC 6238
# §5.2): a code typed at the end of its step, or a phone's clock a few
# seconds off, must not fail (it made a test flaky on a loaded machine).
MFA_TOTP_TOLERANCE = 1
# Sign-in already demands a verified email, and a new address stays
# unconfirmed until its link is followed: people with 2FA may change theirs.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Rate limits, kept in the cache (Redis in production): "amount/window/per",
# per IP address, per account ("user") or per typed email ("key"). Every
# window is 10 minutes at most, as the 429 page promises (templates/429.html).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Failed sign-ins: per address, and per email typed (guessing one password).
    "login_failed": "10/m/ip,5/5m/key",
    # A party meeting signs people up on one Wi-Fi: per address, not too tight.
    "signup": "20/10m/ip",
    "reset_password": "20/10m/ip,3/10m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
}
# Behind N reverse proxies that append to X-Forwarded-For, the client address
# (for per-IP limits) is the Nth from the right; 0 trusts REMOTE_ADDR only.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Posting (threads and replies, everywhere together), per account: at most
# this many in this many seconds, on top of each space's own rate.
POSTING_RATE_LIMIT = env_int("POSTING_RATE_LIMIT", 30)
# Seconds an anonymous visitor's page is served from the cache
# (membrane.core.anonymous_cache); 0 turns it off, as DEBUG does by default.
# Seconds the platform-wide « Que sont devenues vos idées ? » figures are kept
# (membrane.ideas.selectors.platform_report); 0 computes them at each request.
IDEAS_REPORT_CACHE_SECONDS = env_int("IDEAS_REPORT_CACHE_SECONDS", 0 if DEBUG else 60)
ANONYMOUS_PAGE_CACHE_SECONDS = env_int("ANONYMOUS_PAGE_CACHE_SECONDS", 0 if DEBUG else 10)
POSTING_RATE_WINDOW = env_int("POSTING_RATE_WINDOW", 10 * 60)

# Retention: supporters (neither verified members nor staff) inactive this
# long are warned by email, then erased RETENTION_GRACE_DAYS later unless they
# came back (manage.py purge_inactive_supporters, daily).
RETENTION_INACTIVE_DAYS = env_int("RETENTION_INACTIVE_DAYS", 3 * 365)
RETENTION_GRACE_DAYS = env_int("RETENTION_GRACE_DAYS", 30)

# Mail: files in var/mail/ by default (the README says so), SMTP when MAIL_HOST is set.
MAIL_DIR = Path(env_str("MAIL_DIR", str(VAR_DIR / "mail")))
MAIL_HOST = env_str("MAIL_HOST", "")
if MAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": MAIL_HOST,
                "port": env_int("MAIL_PORT", 587),
                "username": env_str("MAIL_USER", ""),
                "password": env_str("MAIL_PASSWORD", ""),
                "use_tls": env_bool("MAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(MAIL_DIR)},
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Membrane <ne-pas-repondre@membrane.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 5)

LANGUAGE_CODE = "fr"
# Each language named in itself, for the switcher: never translated.
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "membrane" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "membrane" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Uploads: profile photos are re-encoded anyway; refuse big ones early.
PROFILE_PHOTO_MAX_BYTES = env_int("PROFILE_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
PROFILE_PHOTO_SIZE = 512
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# HTTPS and headers. In production (MEMBRANE_PRODUCTION=true) the defaults are
# those of a site served over HTTPS: `manage.py check --deploy` is clean with
# them (CI checks it, tests/test_security_headers.py).
_PRODUCTION = env_bool("MEMBRANE_PRODUCTION", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", _PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Plain HTTP is redirected to HTTPS by Django unless the TLS proxy does it.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SESSION_COOKIE_SECURE)
# Behind a TLS-terminating proxy: the header it sets (and overwrites), e.g.
# X-Forwarded-Proto, so that Django knows the request came over HTTPS.
_PROXY_SSL_HEADER = env_str("SECURE_PROXY_SSL_HEADER", "")
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _PROXY_SSL_HEADER.strip().upper().replace("-", "_"),
        "https",
    )
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if SESSION_COOKIE_SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a promise to browsers that is slow to take back: opt-in only.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy, enforced: only our own scripts and styles, plus the
# inline tags that carry the request's nonce ({{ csp_nonce }}). The API docs
# page (Swagger UI) has its own policy: see membrane/api.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Each app may add its part to the personal data export and to account deletion.
PRIVACY_MODULES = [
    "membrane.accounts.privacy",
    "membrane.territory.privacy",
    "membrane.charter.privacy",
    "membrane.spaces.privacy",
    "membrane.conversations.privacy",
    "membrane.notifications.privacy",
    "membrane.moderation.privacy",
    "membrane.ideas.privacy",
    "membrane.quizzes.privacy",
    "membrane.polls.privacy",
    "membrane.campaigns.privacy",
    "membrane.events.privacy",
    "membrane.engagement.privacy",
    "membrane.security.privacy",
    "membrane.accounts.mfa.privacy",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
