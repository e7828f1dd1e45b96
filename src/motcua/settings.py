"""MotCua settings: one module, driven entirely by environment variables.

Every variable read here is documented in README.md ("Settings"). Production mode
(``MOTCUA_ENV=production``) refuses to start with an unsafe configuration.
"""

from __future__ import annotations

import os
from datetime import time
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MOTCUA_DATA_DIR", Path.cwd() / "var")).resolve()

DEFAULT_SECRET_KEY = "motcua-insecure-development-key-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def parse_office_hours(raw: str) -> list[tuple[time, time]]:
    """Parse ``07:30-11:30,13:00-17:00`` into ordered, non-overlapping sessions."""
    sessions: list[tuple[time, time]] = []
    try:
        for part in raw.split(","):
            start_s, end_s = part.strip().split("-")
            start, end = time.fromisoformat(start_s.strip()), time.fromisoformat(end_s.strip())
            if start >= end:
                raise ValueError(part)
            if sessions and start < sessions[-1][1]:
                raise ValueError(part)
            sessions.append((start, end))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"MOTCUA_OFFICE_HOURS must look like '07:30-11:30,13:00-17:00' (ordered sessions), got {raw!r}"
        ) from exc
    if not sessions:
        raise ImproperlyConfigured("MOTCUA_OFFICE_HOURS must contain at least one session")
    return sessions


def parse_rating_bands(raw: str) -> list[tuple[str, Decimal]]:
    """Parse ``excellent:15,good:12,…,poor:0`` (rating bands, highest first, the last from 0 so that every
    average falls in one) into (code, lower bound) pairs."""
    bands: list[tuple[str, Decimal]] = []
    try:
        for item in raw.split(","):
            code, _sep, value = item.strip().partition(":")
            bound = Decimal(value.strip())
            if not code.strip() or not bound.is_finite() or not 0 <= bound <= 18:
                raise ValueError(item)
            if bands and (bound >= bands[-1][1] or code.strip() in {c for c, _b in bands}):
                raise ValueError(item)
            bands.append((code.strip(), bound))
    except (ArithmeticError, ValueError) as exc:
        raise ImproperlyConfigured(
            "MOTCUA_RATING_BANDS must look like excellent:15,good:12,fair:9,average:6,poor:0 "
            f"(distinct codes, lower bounds from 18 down to 0), got {raw!r}"
        ) from exc
    if not bands or bands[-1][1] != 0:
        raise ImproperlyConfigured(f"MOTCUA_RATING_BANDS: the last band must start at 0, got {raw!r}")
    return bands


MOTCUA_ENV = os.environ.get("MOTCUA_ENV", "development")
if MOTCUA_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("MOTCUA_ENV must be one of development, production, test")
PRODUCTION = MOTCUA_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

if PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("DEBUG is on")
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
        problems.append("SECRET_KEY is the default or shorter than 32 characters")
    if not ALLOWED_HOSTS or any(host in {"*", ".*"} or host.startswith("*") for host in ALLOWED_HOSTS):
        problems.append("ALLOWED_HOSTS is empty or contains a wildcard")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems))
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks_db",
    "motcua.core",
    "motcua.accounts",
    "motcua.geo",
    "motcua.org",
    "motcua.workdays",
    "motcua.catalog",
    "motcua.workflow",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.signing",
    "motcua.digitisation",
    "motcua.datastore",
    "motcua.payments",
    "motcua.feedback",
    "motcua.integrations",
    "motcua.audit",
    "motcua.portal",
    "motcua.backoffice",
    "motcua.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if PRODUCTION:
    # In production the app serves its own collected static files (no CDN, no extra server needed).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

# Database sessions that name their user, read with the user and their roles in one query (accounts/sessions.py).
SESSION_ENGINE = "motcua.accounts.sessions"

# Django's model backend, the session's user read with their roles in one query (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["motcua.accounts.backends.AccountBackend"]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"
ASGI_APPLICATION = "motcua.asgi.application"

CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "motcua.core.context_processors.site",
    "motcua.core.context_processors.officer_nav",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": CONTEXT_PROCESSORS},
    },
    # The officers' pages (``<app>/jinja2/``): see core/jinja2.py for why, docs/templates.md for how.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "motcua.core.jinja2.environment",
            "context_processors": [*CONTEXT_PROCESSORS, "motcua.core.jinja2.csrf_once"],
        },
    },
]
# Form widgets are drawn from Django's Jinja2 widget templates, the admin's from its Django ones (core/jinja2.py).
FORM_RENDERER = "motcua.core.jinja2.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'motcua.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if "DATABASE_URL" not in os.environ:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers proceed while a writer commits; IMMEDIATE avoids lock upgrades failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The inbox indexes carry a non-key column (INCLUDE) for PostgreSQL's index-only counts; SQLite builds
    # them without it, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", False
):
    # Server-side parameters, and a query run a few times on a connection becomes a prepared statement:
    # PostgreSQL then reuses its plan instead of planning each time (the joins of a dossier page cost more
    # to plan than to run). Needs persistent connections (DATABASE_CONN_MAX_AGE) and no transaction-mode
    # pooler between the app and the database, unless the pooler tracks prepared statements.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# One login page for officers and applicants (e-mail, phone, ID number or username; or the digital ID).
LOGIN_URL = "portal:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MOTCUA_MAX_UPLOAD_MB", "20")) * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF step at INFO; only their warnings matter.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

# Background work (notifications, OCR…) goes through django.tasks. The default backend keeps tasks in the
# database and needs no extra server: run `motcua db_worker` beside the web server (`make demo` does).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("MOTCUA_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "notifications", "digitisation", "payments"],
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MotCua <no-reply@motcua.local>")
MAILERS = {
    "default": {
        # The console backend prints e-mails in the demo; production sets the SMTP backend and its server.
        "BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
        "OPTIONS": {
            key: value
            for key, value in {
                "host": os.environ.get("EMAIL_HOST", ""),
                "port": int(os.environ.get("EMAIL_PORT", "0")) or None,
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False) or None,
            }.items()
            if value
        },
    }
}

# --- MotCua domain settings -------------------------------------------------------------
# Office hours of one-stop desks; deadlines in working hours and fractional days use them.
MOTCUA_OFFICE_HOURS = parse_office_hours(os.environ.get("MOTCUA_OFFICE_HOURS", "07:30-11:30,13:00-17:00"))
# NĐ 61/2018 Art. 19: a dossier received after this time is forwarded the next working morning.
try:
    MOTCUA_FORWARD_CUTOFF = time.fromisoformat(os.environ.get("MOTCUA_FORWARD_CUTOFF", "15:00"))
except ValueError as exc:
    raise ImproperlyConfigured("MOTCUA_FORWARD_CUTOFF must be a time such as 15:00") from exc
# The province this deployment serves (2-digit code from vietnam-provinces); public pages default to it.
MOTCUA_PROVINCE_CODE = os.environ.get("MOTCUA_PROVINCE_CODE", "")
MOTCUA_SITE_NAME = os.environ.get("MOTCUA_SITE_NAME", "")
MOTCUA_PAGE_SIZE = int(os.environ.get("MOTCUA_PAGE_SIZE", "20"))
# A running dossier is flagged "at risk" when less office time than this many working days is left (so the
# agency still has time to apologise with a new date, at least one working day before the due date).
try:
    MOTCUA_AT_RISK_WORKING_DAYS = Decimal(os.environ.get("MOTCUA_AT_RISK_WORKING_DAYS", "2"))
except ArithmeticError as exc:
    raise ImproperlyConfigured(
        "MOTCUA_AT_RISK_WORKING_DAYS must be a number of working days such as 2"
    ) from exc
# Public dossier tracking: at most N look-ups per client address per window of S seconds ("N/S"), so that
# guessing the second factor of someone else's dossier stays impractical.
try:
    _limit, _window = os.environ.get("MOTCUA_TRACKING_RATE", "20/600").split("/")
    MOTCUA_TRACKING_RATE = (int(_limit), int(_window))
except ValueError as exc:
    raise ImproperlyConfigured("MOTCUA_TRACKING_RATE must look like 20/600 (look-ups per seconds)") from exc
# Digital signatures: PEM files of the certificate authorities whose signatures are trusted (comma-separated);
# empty: the demo's own CA in <data dir>/signing/demo-ca.pem. One-time codes for signing expire after this
# many seconds.
MOTCUA_SIGNING_TRUST_ROOTS = [
    p for p in os.environ.get("MOTCUA_SIGNING_TRUST_ROOTS", "").split(",") if p.strip()
]
MOTCUA_SIGNING_CODE_SECONDS = int(os.environ.get("MOTCUA_SIGNING_CODE_SECONDS", "300"))
# Consult the CRL/OCSP addresses of certificates when verifying signatures (needs outgoing network access).
MOTCUA_SIGNING_FETCH_REVOCATION = os.environ.get("MOTCUA_SIGNING_FETCH_REVOCATION", "0") in (
    "1",
    "true",
    "True",
)
# PKCS#11 signing backend (production HSM or a remote-signing token library); unused by the demo.
MOTCUA_PKCS11_LIBRARY = os.environ.get("MOTCUA_PKCS11_LIBRARY", "")
MOTCUA_PKCS11_TOKEN = os.environ.get("MOTCUA_PKCS11_TOKEN", "")
MOTCUA_PKCS11_PIN = os.environ.get("MOTCUA_PKCS11_PIN", "")
# Digitisation: scanned components become searchable PDF/A files (OCRmyPDF + Tesseract) in the background.
MOTCUA_OCR_ENABLED = os.environ.get("MOTCUA_OCR_ENABLED", "1") not in ("0", "false", "False", "")
MOTCUA_OCR_LANGUAGES = [lang for lang in os.environ.get("MOTCUA_OCR_LANGUAGES", "vie").split("+") if lang]
# Digitisation targets in percent of dossiers with a digitised component, per level code ("province:50,commune:35").
try:
    MOTCUA_DIGITISATION_TARGETS = {
        level.strip(): Decimal(value)
        for level, _sep, value in (
            item.partition(":")
            for item in os.environ.get("MOTCUA_DIGITISATION_TARGETS", "province:50,commune:35").split(",")
        )
        if level.strip()
    }
except ArithmeticError as exc:
    raise ImproperlyConfigured("MOTCUA_DIGITISATION_TARGETS must look like province:50,commune:35") from exc
# Satisfaction ratings (TT 01/2018 Art. 13–15): the bands of an agency's average total out of 18 (the codes
# are those of ``motcua.feedback.indices.BAND_LABELS``, checked when the app loads).
MOTCUA_RATING_BANDS = parse_rating_bands(
    os.environ.get("MOTCUA_RATING_BANDS", "excellent:15,good:12,fair:9,average:6,poor:0")
)
# The indices that measure the officers themselves [M] and the score on them from which an officer has done
# 100% of their duties on a dossier (TT 01/2018 Art. 14–15; see docs/ratings.md). Index codes are checked when
# the app loads.
MOTCUA_RATING_STAFF_INDICES = env_list("MOTCUA_RATING_STAFF_INDICES", "agency_time,contacts,attitude")
try:
    MOTCUA_RATING_STAFF_THRESHOLD = int(os.environ.get("MOTCUA_RATING_STAFF_THRESHOLD", "5"))
except ValueError as exc:
    raise ImproperlyConfigured(
        "MOTCUA_RATING_STAFF_THRESHOLD must be a whole number of points such as 5"
    ) from exc
# A rating whose total is below this counts as "not satisfied" (the satisfaction indicator of QĐ 766) [L].
try:
    MOTCUA_RATING_SATISFIED_MIN = Decimal(os.environ.get("MOTCUA_RATING_SATISFIED_MIN", "9"))
except ArithmeticError as exc:
    raise ImproperlyConfigured("MOTCUA_RATING_SATISFIED_MIN must be a number of points such as 9") from exc
# Public address of the portal, used in links sent to applicants (SMS, e-mail, QR codes on slips).
MOTCUA_PUBLIC_URL = os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Online submissions: at most this many files in one submission (uploads and reused documents together).
MOTCUA_SUBMISSION_MAX_FILES = int(os.environ.get("MOTCUA_SUBMISSION_MAX_FILES", "30"))
# The personal data store: at most this many documents a holder adds themself (issued and digitised
# documents do not count).
MOTCUA_DATASTORE_MAX_UPLOADS = int(os.environ.get("MOTCUA_DATASTORE_MAX_UPLOADS", "200"))


# Payments: the gateway plugin used for online payments ("sandbox": MotCua's local simulator of the VNPay
# protocol under /gia-lap/thanh-toan/; "vnpay": the real gateway with the merchant's code and secret).
MOTCUA_PAYMENT_PROVIDER = os.environ.get("MOTCUA_PAYMENT_PROVIDER", "sandbox")
MOTCUA_PAYMENT_TIMEOUT_MINUTES = int(os.environ.get("MOTCUA_PAYMENT_TIMEOUT_MINUTES", "15"))
MOTCUA_VNPAY_TMN_CODE = os.environ.get("MOTCUA_VNPAY_TMN_CODE", "")
MOTCUA_VNPAY_HASH_SECRET = os.environ.get("MOTCUA_VNPAY_HASH_SECRET", "")
MOTCUA_VNPAY_URL = os.environ.get("MOTCUA_VNPAY_URL", "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html")
MOTCUA_VNPAY_API_URL = os.environ.get(
    "MOTCUA_VNPAY_API_URL", "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
)
# Electronic receipts (biên lai điện tử): template symbol and series as registered with the tax authority;
# "{yy}" in the series stands for the two-digit year of issue. Numbers run per series and year.
MOTCUA_RECEIPT_TEMPLATE = os.environ.get("MOTCUA_RECEIPT_TEMPLATE", "01BLP0-001")
MOTCUA_RECEIPT_SERIES = os.environ.get("MOTCUA_RECEIPT_SERIES", "BL-{yy}E")


def env_rate(name: str, default: str) -> tuple[int, int]:
    """``N/S``: at most N events per window of S seconds."""
    raw = os.environ.get(name, default)
    try:
        limit, window = (int(part) for part in raw.split("/"))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must look like {default} (events per seconds), got {raw!r}"
        ) from exc
    if limit < 1 or window < 1:
        raise ImproperlyConfigured(f"{name} must have a positive count and window, got {raw!r}")
    return limit, window


# Applicant accounts: one-time codes sent to a phone or e-mail (registration, password reset) stay valid this
# many seconds, and a new one may be asked for after the resend interval. Failed logins are throttled per
# account and per client address ("N/S": N failures within S seconds lock further tries until the window
# has passed).
MOTCUA_ACCOUNT_CODE_SECONDS = int(os.environ.get("MOTCUA_ACCOUNT_CODE_SECONDS", "600"))
MOTCUA_ACCOUNT_CODE_RESEND_SECONDS = int(os.environ.get("MOTCUA_ACCOUNT_CODE_RESEND_SECONDS", "60"))
MOTCUA_LOGIN_ACCOUNT_RATE = env_rate("MOTCUA_LOGIN_ACCOUNT_RATE", "5/900")
MOTCUA_LOGIN_IP_RATE = env_rate("MOTCUA_LOGIN_IP_RATE", "30/900")

# Digital-ID login (VNeID-style OpenID Connect). "vneid_simulator": MotCua's own simulated provider under
# /gia-lap/vneid/ (its issuer, client and keys are built in); "oidc": a real provider described by the
# variables below. The claim names of the ID number, name and date of birth are the provider's.
MOTCUA_OIDC_PROVIDER = os.environ.get("MOTCUA_OIDC_PROVIDER", "vneid_simulator")
MOTCUA_OIDC_ISSUER = os.environ.get("MOTCUA_OIDC_ISSUER", "").rstrip("/")
MOTCUA_OIDC_CLIENT_ID = os.environ.get("MOTCUA_OIDC_CLIENT_ID", "")
MOTCUA_OIDC_CLIENT_SECRET = os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", "")
MOTCUA_OIDC_SCOPES = os.environ.get("MOTCUA_OIDC_SCOPES", "openid profile").split()
MOTCUA_OIDC_CLAIM_ID_NUMBER = os.environ.get("MOTCUA_OIDC_CLAIM_ID_NUMBER", "id_number")
MOTCUA_OIDC_CLAIM_NAME = os.environ.get("MOTCUA_OIDC_CLAIM_NAME", "name")
MOTCUA_OIDC_CLAIM_BIRTHDATE = os.environ.get("MOTCUA_OIDC_CLAIM_BIRTHDATE", "birthdate")

# Population database (CSDLQG về dân cư): "simulator" (demo citizens in MotCua's own table) or "http" (a
# look-up service at MOTCUA_POPULATION_URL, authenticated with a bearer token; see docs/accounts.md).
MOTCUA_POPULATION_PROVIDER = os.environ.get("MOTCUA_POPULATION_PROVIDER", "simulator")
MOTCUA_POPULATION_URL = os.environ.get("MOTCUA_POPULATION_URL", "").rstrip("/")
MOTCUA_POPULATION_TOKEN = os.environ.get("MOTCUA_POPULATION_TOKEN", "")
