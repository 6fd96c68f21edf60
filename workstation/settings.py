"""Settings for the workstation portal, read from environment variables.

Every variable is listed with a comment in `.env.example`. Development defaults are safe;
secrets have no default once debug is off. Production behaviour is switched by variables, so
the code that runs in production is the code the tests run.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-in-production")
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see .env.example)."
        )

# The key of the tokens that let an anonymous author (and only him) find his suggestions again.
# Kept apart from SECRET_KEY so that SECRET_KEY can be rotated; losing or changing this key cuts
# every anonymous author off from his suggestions. Unset, SECRET_KEY stands in for it (with a
# warning from `check --deploy`): set it to the SECRET_KEY in use before rotating that one.
FEEDBACK_ANONYMITY_KEY = env("FEEDBACK_ANONYMITY_KEY", default="")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = env("SITE_NAME", default="学生党员工作站")
COLLEGE_NAME = env("COLLEGE_NAME", default="崇实书院")
# The names on English pages and in English e-mails.
SITE_NAME_EN = env("SITE_NAME_EN", default="Student Party-Member Workstation")
COLLEGE_NAME_EN = env("COLLEGE_NAME_EN", default="Chongshi College")

# --- applications ----------------------------------------------------------------------------

INSTALLED_APPS = [
    # The portal's own apps, top to bottom: a lower app never imports a higher one.
    "workstation",
    "study",
    "evaluations",
    "tutoring",
    "dorms",
    "feedback",
    "members",
    "notifications",
    "common",
    # Django and third parties.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "csp",
    "simple_history",
    "import_export",
    "django_celery_beat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "workstation.middleware.LoginRequiredMiddleware",
    "workstation.bad_input.RefuseNulBytesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "workstation.middleware.StaffTwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "workstation.urls"
WSGI_APPLICATION = "workstation.wsgi.application"

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
                "django.template.context_processors.i18n",
                "workstation.context_processors.portal",
                "workstation.context_processors.navigation",
                "notifications.context_processors.unread_notices",
                "members.context_processors.navigation",
                "study.context_processors.navigation",
                "dorms.context_processors.navigation",
                "feedback.context_processors.navigation",
                "tutoring.context_processors.navigation",
                "evaluations.context_processors.navigation",
            ],
        },
    },
]

# --- database, cache, sessions ---------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/workstation")
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "DATABASE_URL must point to a PostgreSQL server (postgres://user:password@host:port/name); "
        f"the portal runs on PostgreSQL only, not {DATABASES['default']['ENGINE']}."
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiles a query whose estimated cost is high (a count over everyone at a
# university) in 50 ms or more, for queries that then run in a few: off, as for any web workload.
# A pooler in front of PostgreSQL must pass `options` on (PgBouncer: ignore_startup_parameters).
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache (rate limits, throttles) lives in PostgreSQL, shared by every web process, so that a
# Redis outage never fails a page; Redis is the Celery broker only.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    },
    # Each process's own memory, for figures that change slowly, may be a few minutes late and
    # must cost no query at all (the directory's choices over everyone).
    "process": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- accounts ---------------------------------------------------------------------------------

AUTH_USER_MODEL = "members.User"
# One backend, allauth's with each account's password checked once (it is Django's ModelBackend
# too, for permissions): a known account must cost as many password hashes as an unknown one,
# or a stopwatch tells which accounts exist.
AUTHENTICATION_BACKENDS = ["members.backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Students may sign themselves up only when the college turns it on.
SIGNUP_OPEN = env.bool("SIGNUP_OPEN", default=False)
# Staff must set up two-factor authentication before they can use the admin.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=not DEBUG)

ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "members.forms.LoginForm",
    "signup": "members.forms.SignupForm",
    "request_login_code": "members.forms.RequestLoginCodeForm",
    "reset_password": "members.forms.ResetPasswordForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = "student_number"
ACCOUNT_USER_DISPLAY = "members.models.display_name_of"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_USERNAME_MIN_LENGTH = 4
# A person without a password (an imported roster) can sign in with a code sent by e-mail.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Failed sign-ins: per client address per minute (high, for a campus NAT of students), and per
# account (its e-mail and student number together) per five minutes, which stops guessing.
# A browser the person has signed in on before is held only to its own failures (members.adapters).
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=60)
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=5)
ACCOUNT_RATE_LIMITS = {
    # Every sign-in, failed or not, and every request for a sign-in code, per client address:
    # allauth's 30 and 20 a minute would hold back a campus NAT at the start of a class.
    "login": "300/m/ip",
    "request_login_code": "60/m/ip,3/m/key",
    "login_failed": f"{LOGIN_FAILURES_PER_ADDRESS}/m/ip,{LOGIN_FAILURES_PER_ACCOUNT}/300s/key",
    "reset_password": "20/m/ip,5/m/key",
    "signup": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

# --- roster import and export ---------------------------------------------------------------

# A roster file over this many bytes, or with more rows than this, is refused before it is read.
ROSTER_MAX_BYTES = env.int("ROSTER_MAX_BYTES", default=5 * 1024 * 1024)
ROSTER_MAX_ROWS = env.int("ROSTER_MAX_ROWS", default=20000)
# An .xlsx file is a zip: one whose parts unpack to more than this is refused before it is read.
ROSTER_MAX_UNPACKED_BYTES = env.int("ROSTER_MAX_UNPACKED_BYTES", default=30 * 1024 * 1024)
# The shape of a student number at this college, a regular expression the whole number must
# match (after full-width digits are made plain and spaces dropped). Every way in checks it:
# the roster, the admin. "\d{6,20}" is said to staff as "6 to 20 digits".
STUDENT_NUMBER_PATTERN = env.str("STUDENT_NUMBER_PATTERN", default=r"\d{6,20}")
# Importing needs the model's "import" permission (members.import_user); exporting needs "view",
# for otherwise any staff member who reaches the admin could export every table.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
# The file waits between preview and confirmation in the shared cache, not on one machine's disk.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
# IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is left off: it only strips a leading "=" and turns
# every cell into text; the roster escapes =, +, -, @, tab and CR itself (members/resources.py).

# --- suggestion board ---------------------------------------------------------------------

# Visitors (not signed in) may read the board, without supporting or submitting.
FEEDBACK_PUBLIC_BOARD = env.bool("FEEDBACK_PUBLIC_BOARD", default=False)
# Suggestions one person may submit per day (anonymous ones included).
FEEDBACK_DAILY_LIMIT = env.int("FEEDBACK_DAILY_LIMIT", default=5)
# A photo (of a suggestion, of a dorm inspection) with more pixels than this is refused from its
# header, before it is decoded: a 5 MB file can hold a gigantic image. A phone photo has 12 to 50
# million. FEEDBACK_PHOTO_MAX_PIXELS is its former name, still read.
PHOTO_MAX_PIXELS = env.int(
    "PHOTO_MAX_PIXELS", default=env.int("FEEDBACK_PHOTO_MAX_PIXELS", default=40_000_000)
)
# Reports that hide a suggestion until staff review it.
FEEDBACK_REPORTS_TO_HIDE = env.int("FEEDBACK_REPORTS_TO_HIDE", default=3)
# The authors of anonymous suggestions are told of news in batches: at most one batch every
# so many hours, and only once it tells at least so many authors, unless the oldest news has
# waited the longest wait (then it goes with fewer).
FEEDBACK_ANONYMOUS_NEWS_EVERY_HOURS = env.int("FEEDBACK_ANONYMOUS_NEWS_EVERY_HOURS", default=24)
FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS = env.int("FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS", default=3)
FEEDBACK_ANONYMOUS_NEWS_MAX_WAIT_DAYS = env.int("FEEDBACK_ANONYMOUS_NEWS_MAX_WAIT_DAYS", default=7)

# --- peer tutoring ---------------------------------------------------------------------------

# An active pairing with no session for this many days reminds both sides; after twice as many,
# staff are told (each once per quiet spell).
TUTORING_QUIET_DAYS = env.int("TUTORING_QUIET_DAYS", default=21)
# Staff are told of a request waiting this many days without a proposal.
TUTORING_REQUEST_WAIT_DAYS = env.int("TUTORING_REQUEST_WAIT_DAYS", default=3)
# A tutor is reminded of a proposal he has not answered in this many days.
TUTORING_PROPOSAL_ANSWER_DAYS = env.int("TUTORING_PROPOSAL_ANSWER_DAYS", default=2)
# The tutee's first check-in survey comes this many days after the pairing began; the others at
# the end of each semester, on these month-days.
TUTORING_FIRST_CHECK_IN_DAYS = env.int("TUTORING_FIRST_CHECK_IN_DAYS", default=30)
TUTORING_SEMESTER_ENDS = env.list("TUTORING_SEMESTER_ENDS", default=["01-20", "07-10"])

# --- evaluations -----------------------------------------------------------------------------

# A member's results (averages, grade, comments) show only over at least this many ballots of
# others, so that no single ballot can be read off them.
EVALUATIONS_MIN_BALLOTS = env.int("EVALUATIONS_MIN_BALLOTS", default=3)

# --- internationalisation --------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static files -----------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
# Uploaded files (suggestion photos): every web process and worker must see the same files, so
# with several machines MEDIA_ROOT is a shared mount (NFS, CephFS), or MEDIA_STORAGE names
# another storage class (one that needs no MEDIA_ROOT).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_STORAGE = env("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage")
STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- e-mail -----------------------------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10
# A notice whose e-mail failed this many times is given up (it stays in the inbox).
NOTICE_EMAIL_MAX_ATTEMPTS = env.int("NOTICE_EMAIL_MAX_ATTEMPTS", default=10)

# --- study activities -------------------------------------------------------------------------

# Sign-in to an activity opens this many minutes before it starts and closes as long after it ends.
STUDY_SIGN_IN_GRACE_MINUTES = env.int("STUDY_SIGN_IN_GRACE_MINUTES", default=15)

# --- Celery -----------------------------------------------------------------------------------

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
# Without these timeouts, publishing to a dead broker blocks forever.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "visibility_timeout": 3600,
}
CELERY_BROKER_POOL_LIMIT = 10
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="workstation")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- security ---------------------------------------------------------------------------------

# HTTPS redirect, secure cookies and HSTS: on by default whenever debug is off.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client address the rate limits key on. Behind the proxy, the address it appends to
# X-Forwarded-For (one proxy by default); or a header the proxy sets, such as X-Real-IP. Without
# either, REMOTE_ADDR: behind a proxy that is the proxy, and everyone shares one limit.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=int(BEHIND_PROXY))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("DJANGO_CLIENT_IP_HEADER", default="") or None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

MESSAGE_TAGS = {40: "danger"}

# The portal's public address, used for links in e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
