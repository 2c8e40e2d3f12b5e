"""Settings for the case-based teaching site.

One settings file, configured by environment variables. The defaults suit production safety:
debug is off and a secret key is required unless ``DJANGO_DEBUG=1`` (what ``make run`` sets for a
laptop). See ``deploy/env.example`` for every variable a server sets.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    normalised = value.strip().lower()
    if normalised in {"1", "true", "yes", "on"}:
        return True
    if normalised in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (true/false), not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def s3_storages(environ) -> tuple[dict, dict, str]:
    """Figure storage in an S3-compatible object store (django-storages, see requirements-s3.txt).

    Returns the "default" storage (renditions: public, shown in pages), the "figure_masters" storage
    (cleaned originals: never public) and the origin that serves renditions, for the CSP.
    """
    public_bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    private_bucket = environ.get("AWS_PRIVATE_STORAGE_BUCKET_NAME", "").strip()
    custom_domain = environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip()
    if not (public_bucket and private_bucket and custom_domain):
        raise ImproperlyConfigured(
            "DJANGO_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME (renditions), AWS_PRIVATE_STORAGE_BUCKET_NAME "
            "(masters) and AWS_S3_CUSTOM_DOMAIN (the host that serves renditions); see deploy/env.example."
        )
    if public_bucket == private_bucket:
        # A bucket is made public as a whole (its policy), so masters in the renditions' bucket would be public.
        raise ImproperlyConfigured(
            "AWS_PRIVATE_STORAGE_BUCKET_NAME must name a different bucket from AWS_STORAGE_BUCKET_NAME."
        )
    common = {
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL", "").strip() or None,
        "region_name": environ.get("AWS_S3_REGION_NAME", "").strip() or None,
        # Never replace a stored file by accident; names are random folders anyway.
        "file_overwrite": False,
        # No per-object ACL: who may read is the bucket's policy (many stores refuse object ACLs).
        "default_acl": None,
    }
    backend = "storages.backends.s3.S3Storage"
    renditions = {
        "BACKEND": backend,
        "OPTIONS": {**common, "bucket_name": public_bucket, "custom_domain": custom_domain, "querystring_auth": False},
    }
    masters = {
        "BACKEND": backend,
        # Signed, short-lived addresses only: nothing in the site links to a master, and a leaked
        # address must not work for long.
        "OPTIONS": {**common, "bucket_name": private_bucket, "querystring_auth": True, "querystring_expire": 300},
    }
    return renditions, masters, "https://" + urlsplit("//" + custom_domain).netloc


# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. A server needs a long random secret key "
            "(see deploy/env.example); on a laptop, set DJANGO_DEBUG=1 or use `make run`."
        )
    SECRET_KEY = "django-insecure-local-development-key-never-use-on-a-server"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    # Self sign-up, e-mail verification and password reset (accounts.adapter; docs/deployment.md, "Accounts").
    "allauth",
    "allauth.account",
    "accounts",
    "cases",
    "quiz",
    # Learners' progress ("My cases") and spaced review of the reasoning (FSRS).
    "learners",
    # The demo case and its quiz, and the commands that load them.
    "demo",
    # The site's own management commands (sign_everyone_out, export_site, import_site) and session policy.
    "calcinosis_site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "calcinosis_site.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Session lifetimes; after the two above: it may sign a user out, and says so in a message.
    "calcinosis_site.sessions.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # django-allauth's: finishes a sign-in or sign-up that stopped half-way (e.g. to verify an e-mail address).
    "allauth.account.middleware.AccountMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "calcinosis_site.urls"
WSGI_APPLICATION = "calcinosis_site.wsgi.application"

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
                # The header's count of reviews due today (worked out only when shown).
                "learners.context_processors.learner",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DJANGO_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite (a laptop's default) under several requests at once. A transaction takes the write lock when it
    # begins, so two never both read and then both wait to write ("database is locked" at once, whatever the
    # timeout); a request waits up to 20 seconds for the lock instead of failing; and readers do not block the
    # writer (write-ahead log, kept in db.sqlite3-wal beside the database).
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "calcinosis_site.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast when Redis is away, so /health/ reports it instead of hanging.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        },
        # The same Redis for the parts of pages kept as template fragments: there an error is a miss, not a 500.
        "fragments": {
            "BACKEND": "calcinosis_site.cache.FragmentCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"},
    }
# Case pages, figure pages and the list of cases for signed-out visitors are kept this many seconds at most
# (cases.page_cache; docs/performance.md, "Caching"); 0 turns it off. On by default only with Redis: a local-memory
# cache is one per gunicorn worker, and an edit seen by one worker would not reach the pages the others keep.
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 600 if REDIS_URL else 0)

# Sessions live in the database, so any app server can answer any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# How long sessions live (calcinosis_site.sessions; docs/deployment.md, "Sessions"). A session ends after this
# long without requests: a signed-out learner's (it holds the key to their quiz attempts) after days...
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_IDLE_DAYS", 7) * 24 * 60 * 60
# ...a signed-in one after hours, and in any case this long after signing in (the user is signed out).
SESSION_SIGNED_IN_IDLE = timedelta(minutes=env_int("DJANGO_SESSION_SIGNED_IN_IDLE_MINUTES", 120))
SESSION_SIGNED_IN_MAX_AGE = timedelta(hours=env_int("DJANGO_SESSION_SIGNED_IN_MAX_HOURS", 12))
if min(SESSION_COOKIE_AGE, SESSION_SIGNED_IN_IDLE.total_seconds(), SESSION_SIGNED_IN_MAX_AGE.total_seconds()) <= 0:
    raise ImproperlyConfigured(
        "DJANGO_SESSION_IDLE_DAYS, DJANGO_SESSION_SIGNED_IN_IDLE_MINUTES and DJANGO_SESSION_SIGNED_IN_MAX_HOURS "
        "must be at least 1."
    )
# An active session's expiry is moved forward (a database write) at most this often, not at every request.
SESSION_REFRESH_INTERVAL = min(timedelta(minutes=5), SESSION_SIGNED_IN_IDLE / 4)

# --- Files ------------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Cleaned full-size masters of uploaded figures. Never served: pages use the renditions in MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))

# Where figures are stored. "filesystem": renditions in MEDIA_ROOT (nginx serves them at /media/), masters in
# PRIVATE_MEDIA_ROOT. "s3": an S3-compatible object store, renditions and masters in two buckets (s3_storages).
# Several app servers need either "s3" or both folders on storage they all share (docs/deployment.md).
FIGURE_STORAGE = os.environ.get("DJANGO_STORAGE", "filesystem").strip().lower() or "filesystem"
if FIGURE_STORAGE == "filesystem":
    _figure_renditions = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _figure_masters = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }
    MEDIA_ORIGINS = []
elif FIGURE_STORAGE == "s3":
    _figure_renditions, _figure_masters, _media_origin = s3_storages(os.environ)
    MEDIA_ORIGINS = [_media_origin]
else:
    raise ImproperlyConfigured(f"DJANGO_STORAGE must be filesystem or s3, not {FIGURE_STORAGE!r}.")

STORAGES = {
    "default": _figure_renditions,
    "figure_masters": _figure_masters,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Figure uploads: accepted size in bytes and in pixels (width x height).
FIGURE_MAX_UPLOAD_BYTES = env_int("FIGURE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
FIGURE_MAX_PIXELS = env_int("FIGURE_MAX_PIXELS", 40_000_000)

# --- Security ---------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Features no page uses, switched off (calcinosis_site.security.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Cookies: never readable by scripts, and on a server sent over HTTPS only.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG

# HTTPS. nginx terminates TLS and says so in X-Forwarded-Proto. Trusting that header is safe only because
# gunicorn listens on loopback behind nginx, which always overwrites it (deploy/nginx.conf).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer or monitor probes /health/ over plain HTTP on loopback or a private network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Preloading puts the domain into browsers for months and cannot be undone quickly; that is the domain
    # owner's decision (DJANGO_SECURE_HSTS_PRELOAD=1), so check --deploy is not asked to insist on it.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Login throttling (django-axes, calcinosis_site.login_throttling). Two limits within the cool-off period:
# AXES_FAILURE_LIMIT wrong passwords for one username from one address lock that pair (guessing one account);
# LOGIN_ADDRESS_FAILURE_LIMIT wrong passwords from one address, whatever the usernames, lock the address
# (one password tried on many accounts). The second is higher: a class may share one NAT'd address.
# After the cool-off period they may try again. Attempts are kept in the database, so every app server sees them.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Signing in with an e-mail address as well as a username (django-allauth), still behind axes' check above.
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_HANDLER = "calcinosis_site.login_throttling.AddressLimitDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
# The address's own limit is the handler's: listed here, it would be held to AXES_FAILURE_LIMIT.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# What axes records of the username typed: at most its column's 255 characters (the sign-in forms refuse
# more than a username's 150 before that; calcinosis_site.sign_in).
AXES_USERNAME_CALLABLE = "calcinosis_site.login_throttling.attempted_username"
# The page a locked-out login gets: templates/axes/lockout.html, status 429.
AXES_LOCKOUT_CALLABLE = "calcinosis_site.security.lockout_response"
# The client's address: behind nginx it is in X-Forwarded-For (calcinosis_site.security.client_ip).
AXES_CLIENT_IP_CALLABLE = "calcinosis_site.security.client_ip"
# How many proxies in front of gunicorn append to X-Forwarded-For: 1 with deploy/nginx.conf, 2 with a load
# balancer in front of that nginx. 0 trusts no header and uses the connection's address.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws form controls with small inline SVG images in its stylesheet.
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Language and time ------------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Forms ------------------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# What happens to a learner's quiz attempts when they delete their account (accounts.services.delete_account):
# "delete" them, or "anonymise": keep them for the educators' statistics with no link to anyone.
DELETED_LEARNERS_ATTEMPTS = os.environ.get("DJANGO_DELETED_LEARNERS_ATTEMPTS", "delete")

# --- Accounts: sign-up, e-mail verification, password reset (django-allauth) -------------------
# Self sign-up is on by default only on a laptop: a server opens it deliberately (DJANGO_SIGNUP_OPEN=1),
# optionally only to addresses at given domains (DJANGO_SIGNUP_EMAIL_DOMAINS=example.ac.uk,nhs.net).
# Read at each request by accounts.adapter.AccountAdapter. docs/deployment.md, "Accounts and e-mail".
SIGNUP_OPEN = env_bool("DJANGO_SIGNUP_OPEN", default=DEBUG)
SIGNUP_EMAIL_DOMAINS = [domain.lower().lstrip("@") for domain in env_list("DJANGO_SIGNUP_EMAIL_DOMAINS")]
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "calcinosis_site.sign_in.LearnerSignInForm",
    "signup": "accounts.forms.SignUpForm",
    "reset_password_from_key": "accounts.forms.NewPasswordForm",
}
# Learners sign up with an e-mail address (no username to choose, so none to find taken); staff-made accounts
# and the demo educator keep signing in with their usernames.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# No sign-in before the address is verified; then the same message whether an address is known or not
# (a known address gets an e-mail saying so instead of a second account).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# No "Remember me" box: a sign-in lasts what calcinosis_site.sessions says (the sign-in form puts it back).
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Teaching cases] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Sign-up, reset and verification e-mails are rate-limited by django-allauth (in the cache: with several app
# servers, REDIS_URL makes the counts shared). Wrong passwords are counted by django-axes above, on this page
# and the admin's alike, so allauth's own login limits are off (they would count a class behind one address).
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": None,
    "signup": os.environ.get("DJANGO_SIGNUP_RATE_LIMIT", "20/m/ip,100/h/ip"),
    "reset_password": "20/m/ip,5/m/key,10/h/key",
    "reset_password_from_key": "20/m/ip",
}
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# E-mail: printed on the console on a laptop; a server sends through the SMTP relay set in the environment.
if DEBUG and not os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Teaching cases <webmaster@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging: everything to standard output, for systemd's journal or a container log ---------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Request errors (django.request, django.security) come out as one line each: status, method, path and
    # where the exception was raised, never a request body or an exception's message (calcinosis_site.logs).
    "formatters": {"plain": {"()": "calcinosis_site.logs.OneLineRequestFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stdout"}},
    # Django's own handlers (a debug-only console, e-mail to ADMINS) are replaced by the one above.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # Not a line on standard output at every start of every command (it would end up in `dumpdata > file`).
        "axes.apps": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
