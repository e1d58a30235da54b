"""
Settings for socialstrategy, all of them driven by the environment (django-environ).

Production differs from the demo only by environment variables; the README lists
them. With none set, DEBUG is off and SECRET_KEY is required, so nothing insecure
runs by accident. `make demo` and the test suite set DEBUG=true.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env file is optional; real environment variables win over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Only a DEBUG run may fall back to a key everyone can read in this file.
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="django-insecure-demo-only-never-use-this-key-in-production" if DEBUG else environ.Env.NOTSET,
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # Swagger UI and ReDoc served from our static files, never from a CDN.
    "drf_spectacular_sidecar",
    # Login throttling and lockout; the Content-Security-Policy header.
    "axes",
    "csp",
    "socialstrategy",
    "strategy",
    "inbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Cache-Control: private, no-store behind the login; the Permissions-Policy header.
    "socialstrategy.middleware.PrivatePagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "socialstrategy.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says otherwise (health, webhooks).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Ends a session past its absolute lifetime, however active it has been.
    "socialstrategy.middleware.SessionLifetimeMiddleware",
    # Last, as its documentation asks: it answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "socialstrategy.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "socialstrategy.navigation.navigation",
                "socialstrategy.notifications.unread_count",
            ],
        },
    },
]

WSGI_APPLICATION = "socialstrategy.wsgi.application"

# Database: PostgreSQL in production and CI, SQLite under var/ for a first look.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'socialstrategy.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
# A page may run its slowest read on a second connection beside its own (socialstrategy/alongside.py).
READS_ALONGSIDE = env.bool("READS_ALONGSIDE", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # web, worker and beat share one SQLite file in the demo: WAL lets readers
    # run beside a writer, IMMEDIATE transactions and a timeout avoid "locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The tests use the fast MD5 hasher (pyproject.toml); production keeps Django's default.
if env.str("PASSWORD_HASHERS", default=""):
    PASSWORD_HASHERS = env.list("PASSWORD_HASHERS")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Axes first: a locked-out username and address is refused before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked out for AXES_COOLOFF_MINUTES; a right
# password resets the count. Unlock earlier: `python manage.py axes_reset_username NAME`,
# or delete the attempt in the admin (README: "Accounts").
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind the proxy the client's address is in X-Forwarded-For: how many proxies to trust.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Sessions end after SESSION_IDLE_HOURS without a request (a working day by default), and
# after SESSION_ABSOLUTE_HOURS whatever happens (socialstrategy.middleware renews the
# idle expiry every few minutes of use).
SESSION_COOKIE_AGE = int(env.float("SESSION_IDLE_HOURS", default=8) * 3600)
SESSION_ABSOLUTE_SECONDS = int(env.float("SESSION_ABSOLUTE_HOURS", default=24) * 3600)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: bokmål first, English available.
LANGUAGE_CODE = "nb"
# English pages write dates the Norwegian way round, on the 24-hour clock (formats/en).
FORMAT_MODULE_PATH = ["socialstrategy.formats"]
LANGUAGES = [
    ("nb", _("Norwegian bokmål")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

MODELTRANSLATION_DEFAULT_LANGUAGE = "nb"
MODELTRANSLATION_LANGUAGES = ("nb", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("nb", "en")}

# Static files: vendored assets under static/, served by whitenoise.
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: printed to the console unless EMAIL_URL names a real server.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="socialstrategy <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", address) for address in env.list("ADMIN_EMAILS", default=[])]

# Security: secure by default whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): our own files only, no inline script or style
# (the pages have none; htmx is told not to inject its indicator style), no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The browser features no page of ours uses, turned off.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"forbidden_without_traceback": {"()": "socialstrategy.logs.ForbiddenWithoutTraceback"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["forbidden_without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport
# under var/, so that a real worker and beat run on a machine without Redis.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # CELERY_FILESYSTEM_DIR lets tests give a worker a broker of its own.
    _broker_dir = env.path("CELERY_FILESYSTEM_DIR", default=VAR_DIR / "broker")
    for _folder in ("queue", "processed", "results", "control"):
        (Path(_broker_dir) / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(Path(_broker_dir) / "queue"),
        "data_folder_out": str(Path(_broker_dir) / "queue"),
        "processed_folder": str(Path(_broker_dir) / "processed"),
        "store_processed": False,
        # Broadcasts (the worker's pidbox) go under var/ too, not into the working directory.
        "control_folder": str(Path(_broker_dir) / "control"),
        # The transport sleeps this long whenever the queue looks empty; the default
        # second holds a worker to about two tasks a second.
        "polling_interval": 0.1,
    }
    CELERY_RESULT_BACKEND = f"file://{Path(_broker_dir) / 'results'}"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# The CSV import is the longest task; its hard time limit (seconds) bounds every other.
# The blind set the learned triage is measured on before a version is activated (never
# trained on): JSON Lines files in this folder; without it, a new version is measured
# on its held-out folds only.
# How often a worker asks whether the rules or the learned model's active version
# changed (0: before every post, as the tests do).
TRIAGE_VERSION_CHECK_SECONDS = env.float("TRIAGE_VERSION_CHECK_SECONDS", default=5.0)
TRIAGE_BLIND_SET = env.path("TRIAGE_BLIND_SET", default=BASE_DIR / "tests" / "data" / "blind")
INBOX_CSV_IMPORT_TIME_LIMIT = env.int("INBOX_CSV_IMPORT_TIME_LIMIT", default=60 * 60)
BROKER_VISIBILITY_TIMEOUT = INBOX_CSV_IMPORT_TIME_LIMIT + 600
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Fail fast when Redis is down: a webhook must answer within seconds, and what
        # it stored is sent again by the sweep.
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        # With acks_late, Redis hands a message that was not acknowledged within this
        # many seconds to another worker. It must outlast the longest task's hard time
        # limit (the CSV import), or a long import still running would be started a
        # second time beside itself. A message whose worker died is redelivered after
        # it; the sweeps take up what it carried (deliveries, triage) within minutes.
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    }
    CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60
# Most tasks write their outcome to the database; the few whose result a
# caller waits for say so with ignore_result=False.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=120)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queues: deliveries, triage, everything else (notifications, sending, sweeps), and the
# bulk work (CSV import, re-triage, later rollups and training) that must never hold up
# a webhook. The Procfile's worker consumes all four; elsewhere run a worker per queue
# (README: "Workers and queues"). Routes go by the tasks' explicit names.
CELERY_TASK_DEFAULT_QUEUE = "default"
INBOX_QUEUES = ("ingest", "triage", "default", "bulk")
# Declared, so that a worker started without --queues consumes all four.
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in INBOX_QUEUES]
CELERY_TASK_ROUTES = {
    "inbox.tasks.process_delivery_task": {"queue": "ingest"},
    "inbox.tasks.poll_youtube_channel_task": {"queue": "ingest"},
    "inbox.tasks.triage_post_task": {"queue": "triage"},
    "inbox.tasks.import_csv_task": {"queue": "bulk"},
    "inbox.triage.retriage_post": {"queue": "bulk"},
    "inbox.triage.retrain_model": {"queue": "bulk"},
    "inbox.triage.train_model": {"queue": "bulk"},
    "inbox.reports.recompute_rollups": {"queue": "bulk"},
    # A few emails once a week, beside the notifications' (a report of two weeks from the rollups).
    "inbox.reports.weekly_digest": {"queue": "default"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# Periodic tasks: sweeps that query what is due, never ETAs hours ahead. One beat runs them.
# INBOX_SWEEP_SECONDS is shorter only in the fault tests.
INBOX_SWEEP_SECONDS = env.float("INBOX_SWEEP_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-deliveries": {"task": "inbox.tasks.requeue_stale_deliveries_task", "schedule": INBOX_SWEEP_SECONDS},
    "sweep-deadlines": {"task": "inbox.tasks.sweep_deadlines_task", "schedule": INBOX_SWEEP_SECONDS},
    "sweep-untriaged": {"task": "inbox.triage.sweep_untriaged", "schedule": INBOX_SWEEP_SECONDS},
    "sweep-outbox": {"task": "inbox.work.sweep_outbox", "schedule": INBOX_SWEEP_SECONDS},
    # The dashboards' rollups: the last closed days (late answers) and the days marked (a changed policy).
    "recompute-rollups": {"task": "inbox.reports.recompute_rollups", "schedule": INBOX_SWEEP_SECONDS},
    # The learned triage learns from the week's decisions: Monday 03:00, Oslo time.
    "retrain-triage-model": {
        "task": "inbox.triage.retrain_model",
        "schedule": crontab(minute=0, hour=3, day_of_week=1),
    },
    # The weekly digest: asked every hour (Oslo time, CELERY_TIMEZONE); the task sends it from
    # Monday 08:00 (the first working day after a holiday Monday) to whoever has not had it
    # that week, so that a beat or a worker down at 08:00 delays it by an hour, not a week.
    "weekly-digest": {"task": "inbox.reports.weekly_digest", "schedule": crontab(minute=0)},
    # "poll-youtube" is added with the platform settings below, where YOUTUBE_POLL_MINUTES is.
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The platforms. Secrets come from the environment only.
FACEBOOK_APP_SECRET = env.str("FACEBOOK_APP_SECRET", default="")
FACEBOOK_VERIFY_TOKEN = env.str("FACEBOOK_VERIFY_TOKEN", default="")
X_CONSUMER_SECRET = env.str("X_CONSUMER_SECRET", default="")
X_OAUTH2_CLIENT_SECRET = env.str("X_OAUTH2_CLIENT_SECRET", default="")
YOUTUBE_API_KEY = env.str("YOUTUBE_API_KEY", default="")
# Record outgoing replies and publications in the outbox instead of calling the platforms.
SOCIAL_SANDBOX = env.bool("SOCIAL_SANDBOX", default=DEBUG)

# Sending replies and publications (inbox/sending.py), and the YouTube poller
# (inbox/polling.py). Tokens from the environment only; the base URLs change only
# for tests, which point them at a local fake server.
# Facebook: a Page access token (pages_manage_engagement, pages_manage_posts, pages_messaging).
FACEBOOK_PAGE_ACCESS_TOKEN = env.str("FACEBOOK_PAGE_ACCESS_TOKEN", default="")
FACEBOOK_GRAPH_API_VERSION = env.str("FACEBOOK_GRAPH_API_VERSION", default="v21.0")
FACEBOOK_GRAPH_BASE_URL = env.str("FACEBOOK_GRAPH_BASE_URL", default="https://graph.facebook.com")
# X: an OAuth 2.0 user access token of the organisation's account
# (tweet.read, tweet.write, users.read, dm.read, dm.write).
X_API_BASE_URL = env.str("X_API_BASE_URL", default="https://api.x.com")
X_USER_ACCESS_TOKEN = env.str("X_USER_ACCESS_TOKEN", default="")
# YouTube: reading needs only YOUTUBE_API_KEY; replying needs an OAuth token (youtube.force-ssl).
YOUTUBE_API_BASE_URL = env.str("YOUTUBE_API_BASE_URL", default="https://www.googleapis.com/youtube/v3")
YOUTUBE_OAUTH_ACCESS_TOKEN = env.str("YOUTUBE_OAUTH_ACCESS_TOKEN", default="")
# Each poll of a channel costs at least 1 of the API's 10,000 daily quota units.
YOUTUBE_POLL_MINUTES = env.int("YOUTUBE_POLL_MINUTES", default=5)
CELERY_BEAT_SCHEDULE["poll-youtube"] = {
    "task": "inbox.tasks.poll_youtube_task",
    "schedule": YOUTUBE_POLL_MINUTES * 60.0,
}

# Ingestion.
INBOX_WEBHOOK_MAX_BYTES = 1024 * 1024
INBOX_DELIVERY_MAX_ATTEMPTS = env.int("INBOX_DELIVERY_MAX_ATTEMPTS", default=5)
INBOX_DELIVERY_STALE_SECONDS = env.int("INBOX_DELIVERY_STALE_SECONDS", default=120)
# A worker's claim on a delivery: longer than the task's hard time limit, so a live
# worker never loses it; a dead worker's delivery is taken up again once it expires.
INBOX_DELIVERY_LEASE_SECONDS = env.int("INBOX_DELIVERY_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 30)
# A post still untriaged this long after it was stored lost its triage task: the sweep sends it again.
INBOX_UNTRIAGED_SECONDS = env.int("INBOX_UNTRIAGED_SECONDS", default=120)
# After this many attempts by the sweep, a post that triage cannot decide is put before a
# person as must-reply (the communication unit's, with the default deadline): never left unseen.
INBOX_TRIAGE_MAX_ATTEMPTS = env.int("INBOX_TRIAGE_MAX_ATTEMPTS", default=5)
# An outbox message still "sending" after this long belonged to a process that died mid-call.
INBOX_OUTBOX_PENDING_SECONDS = env.int("INBOX_OUTBOX_PENDING_SECONDS", default=120)
# Triage: how long before a deadline the sweep warns.
INBOX_DUE_SOON_MINUTES = env.int("INBOX_DUE_SOON_MINUTES", default=30)
# Where the product is reached, for links in emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# The REST API (/api/v1/). Integrations send a token ("Authorization: Token ..."),
# people in a browser their session; what a role may do follows the Django model
# permissions of its group (inbox/api/permissions.py).
REST_FRAMEWORK = {
    # Token first, so that an anonymous request is answered 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Cursors stay correct while posts keep arriving, and cost no COUNT(*) over millions of rows.
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": _("socialstrategy API"),
    "DESCRIPTION": _(
        "The inbox's posts and the organisation's channels. Authenticate with a token "
        "(`Authorization: Token <key>`) or a logged-in session."
    ),
    "VERSION": "1.0.0",
    # The schema describes the API; it is not an endpoint of it.
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Separate request and response components: what a client sends is not what it reads.
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from our own static files, never a CDN, and the schema is
    # not sent to swagger.io's online validator either.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}
