"""Settings for Season Planner: the one place that reads the environment.

With no `.env` and no variables the app runs on the embedded default (SQLite, the in-memory
channel layer, deterministic agents). Each optional service switches on when its variable is
present; `.env.example` documents every variable with its default.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The generated sample data (`generate_sample_data`, `seed`, the demo's sample weeks).
SAMPLE_DATA_DIR = Path(env.str("SAMPLE_DATA_DIR", default=str(BASE_DIR / "fixtures" / "sample")))

# "production" demands a real SECRET_KEY and turns on the HTTPS and cookie protections that
# `manage.py check --deploy` asks for; "development" (the default) runs on plain HTTP.
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"DJANGO_ENV is '{DJANGO_ENV}'; use development or production.")
PRODUCTION = DJANGO_ENV == "production"
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-set-SECRET_KEY-in-prod"
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")  # no default: refuses to start without one
    # Django's own check (security.W009): at least 50 characters, 5 different ones.
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY is the development key or too weak for production: set a random value "
            "of 50+ characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
else:
    SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False) and not PRODUCTION
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_htmx",  # htmx itself, as a static file (the season page's live part)
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "shared",
    "planner",
    "forecasting",
    "allocation",
    "markdowns",
    "season_agents",
]

MIDDLEWARE = [
    "planner.middleware.RequestLogMiddleware",
    "planner.middleware.ApiJsonErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Innermost, so its 503 is answered before the JSON errors would log a 500 (a view's
    # exception meets the innermost first). Being sync-only, it also keeps the whole chain in
    # one thread under ASGI: an async-capable middleware innermost made every middleware
    # above it hop between the event loop and a thread twice a request.
    "planner.middleware.DatabaseUnavailableMiddleware",
]

# Content-Security-Policy: scripts, styles, data and the stream only from this server. The
# pages carry no inline script (charts are drawn by static/planner/season.js from JSON data);
# plotly sets inline styles on what it draws, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "planner.urls"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
ASGI_APPLICATION = "planner.asgi.application"
WSGI_APPLICATION = None

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
                "planner.web.context_processors.roles",
            ],
        },
    },
]

# --- Database: SQLite under var/ unless DATABASE_URL names another one -------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the server read while an import or a backup writes; the timeout waits out
    # short write locks instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    # Tests use a file too, not memory: WAL, locking and threads behave as in production.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("SQLITE_TEST_NAME", default=str(VAR_DIR / "test-db.sqlite3"))
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A pool per process instead of a new connection (and password handshake) per request;
    # Django's own psycopg pool, the way to reuse connections under ASGI.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DATABASE_POOL_SIZE", default=10),
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels: in-memory layer unless REDIS_URL is set ------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # No socket timeout on the layer's connections (redis-py 8 sets 5 s by default).
            # channels_redis waits for messages with a 5 s BZPOPMIN, which a 5 s read timeout
            # cut short, closing an idle stream's consumer. And with any socket timeout
            # redis-py sends each command through asyncio.wait_for, which on Python 3.11
            # swallows a cancellation that lands as the send completes: a closed stream's
            # pending receive then ran on, and its web process could not stop. Connecting
            # still times out (redis-py's socket_connect_timeout).
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Cache: throttle counters; shared through Redis when REDIS_URL is set ----------------
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- HTTPS and cookies in production (TLS ends at the proxy in front of uvicorn) -------------
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_REDIRECT_EXEMPT = [r"^api/health(/live)?$"]  # load balancers probe over plain HTTP
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = PRODUCTION
# The proxy tells Django the original scheme; only trust this header behind such a proxy.
if env.bool("BEHIND_TLS_PROXY", default=PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- LLM endpoint (any OpenAI-compatible server); absent key = deterministic agents -------
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="")
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_TIMEOUT_SECONDS = env.float("OPENAI_TIMEOUT_SECONDS", default=30.0)

# History older than this many years, or dated after today, is refused by the import.
HISTORY_WINDOW_YEARS = env.int("HISTORY_WINDOW_YEARS", default=20)
# A season may start this many years before or after today.
SEASON_WINDOW_YEARS = env.int("SEASON_WINDOW_YEARS", default=10)

# --- Planning defaults -----------------------------------------
PLANNING = {
    "DEFAULT_DC_HOLDBACK_PCT": env.float("PLANNING_DEFAULT_DC_HOLDBACK_PCT", default=0.45),
    "SAFETY_STOCK_PCT": {
        "weekly": env.float("PLANNING_SAFETY_STOCK_WEEKLY", default=0.20),
        "bi-weekly": env.float("PLANNING_SAFETY_STOCK_BIWEEKLY", default=0.22),
        "none": env.float("PLANNING_SAFETY_STOCK_NONE", default=0.25),
    },
    "VARIANCE_THRESHOLD": env.float("PLANNING_VARIANCE_THRESHOLD", default=0.20),
    # Replenishment stocks each store up to this quantile of its demand until the next
    # shipment while the chain holds more than the season still needs: a unit
    # then earns its margin on a shelf and costs nothing it would earn at the DC, so the ratio
    # is near 1. On the M5 replay (docs/replenishment.md) 0.99 lost 41,933 units with 101
    # store-weeks out of stock beside DC stock, 0.999 lost 21,286 with 32 and less leftover.
    "STORE_SERVICE_LEVEL": env.float("PLANNING_STORE_SERVICE_LEVEL", default=0.999),
    "DEFAULT_ELASTICITY": env.float("PLANNING_DEFAULT_ELASTICITY", default=2.0),
    "MARKDOWN_CAP": env.float("PLANNING_MARKDOWN_CAP", default=0.40),
    "MARKDOWN_LIFT_PER_POINT": env.float("PLANNING_MARKDOWN_LIFT_PER_POINT", default=1.5),
    "DEFAULT_MARKDOWN_THRESHOLD": env.float("PLANNING_DEFAULT_MARKDOWN_THRESHOLD", default=0.60),
    "CLUSTERS": env.int("PLANNING_CLUSTERS", default=3),
    # Economics when a category sets none: the price when history has
    # no revenue, the unit cost as a share of price, the salvage value as a share of cost.
    "DEFAULT_PRICE": env.float("PLANNING_DEFAULT_PRICE", default=30.0),
    "COST_SHARE": env.float("PLANNING_COST_SHARE", default=0.45),
    "SALVAGE_SHARE": env.float("PLANNING_SALVAGE_SHARE", default=0.3),
    # The season shock (forecasting.engine.risk): how far a season can land from its plan for
    # reasons the history does not hold (a range that does not sell, weather, a competitor),
    # as a log spread. Until the retailer has closed seasons this prior stands: 0.20 puts one
    # season in ten more than 23 % below or 29 % above plan. It is a judgement, not a
    # measurement; each closed season's miss replaces it, the prior counting as this many.
    "SEASON_SHOCK_SD": env.float("PLANNING_SEASON_SHOCK_SD", default=0.20),
    "SEASON_SHOCK_PRIOR_SEASONS": env.float("PLANNING_SEASON_SHOCK_PRIOR_SEASONS", default=4.0),
}

# --- Workflows and the stream -----------------------------------------------------------
# "thread": workflow steps run in a background thread of the web process (embedded default);
# "inline": they run before the request returns (scripts, tests); "celery": in Celery workers,
# the default when CELERY_BROKER_URL is set.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
WORKFLOW_EXECUTION = env.str(
    "WORKFLOW_EXECUTION", default="celery" if CELERY_BROKER_URL else "thread"
)
# Steps running in a web process's threads die with it, so the next start resumes them. Celery
# redelivers a lost worker's task itself, and a web process must not rerun a step a worker is
# running: off by default with Celery.
WORKFLOW_RECOVER_ON_START = env.bool(
    "WORKFLOW_RECOVER_ON_START", default=WORKFLOW_EXECUTION != "celery"
)
AUTO_APPROVE_REPLENISHMENT = env.bool("AUTO_APPROVE_REPLENISHMENT", default=False)
WEBSOCKET_HEARTBEAT_SECONDS = env.float("WEBSOCKET_HEARTBEAT_SECONDS", default=30.0)
# "auto": the OpenAI Agents SDK when OPENAI_API_KEY is set, else deterministic agents.
AGENT_BACKEND = env.str("AGENT_BACKEND", default="auto")
# Web and worker processes compile the forecasting models at start, in the background, so the
# first plan after a restart is no slower than the second; numba keeps the compiled code on
# disk for the next process (both read when statsforecast is first imported).
FORECAST_WARM_UP_ON_START = env.bool("FORECAST_WARM_UP_ON_START", default=True)
os.environ.setdefault("NIXTLA_NUMBA_CACHE", "1")
os.environ.setdefault("NUMBA_CACHE_DIR", str(VAR_DIR / "numba"))

# --- CPU-heavy requests -------------------------------------------------------------------
# What-if runs at once in one process (one per user at any time); the rest get 429 with
# Retry-After (planner/capacity.py).
SIMULATIONS_PER_PROCESS = env.int("SIMULATIONS_PER_PROCESS", default=2)
SIMULATION_SECONDS = env.float("SIMULATION_SECONDS", default=60.0)
# Uploads larger than this are parsed at several times their size in memory: at most this
# many at once per process, one per user (planner/capacity.py).
LARGE_UPLOAD_BYTES = env.int("LARGE_UPLOAD_BYTES", default=5 * 1024 * 1024)
LARGE_UPLOADS_PER_PROCESS = env.int("LARGE_UPLOADS_PER_PROCESS", default=2)

# --- Uploads ------------------------------------------------------------------------------
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
# Django buffers larger uploads on disk; the limit above is what we accept at all.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Refused before the body is read (planner/gate.py): any body over the upload limit plus room
# for the form (413), and a body over 64 KiB without credentials (401).
REQUEST_BODY_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024
ANONYMOUS_BODY_MAX_BYTES = env.int("ANONYMOUS_BODY_MAX_BYTES", default=64 * 1024)

# --- HTTP: CORS, static files -------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_EXPOSE_HEADERS = ["X-Request-ID"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the app folders until `collectstatic` has run (the run script runs it).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- REST framework and OpenAPI -----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "planner.api.schema.ReadableAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "planner.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "EXCEPTION_HANDLER": "planner.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "planner.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Session for the pages and the browsable API (with CSRF), tokens for integrations.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",  # first: 401 + WWW-Authenticate
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["planner.api.permissions.RolePermission"],
    # Uploads and extraction are the expensive requests: limited per user (the cache counts).
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "uploads": env.str("THROTTLE_UPLOADS", default="60/min"),
        "extraction": env.str("THROTTLE_EXTRACTION", default="30/min"),
        "simulations": env.str("THROTTLE_SIMULATIONS", default="20/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Season Planner API",
    "DESCRIPTION": (
        "Season planning for fashion retailers: demand forecast, store clusters, "
        "manufacturing order, allocation, in-season variance, replenishment and markdowns."
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two request bodies have a field named "action" with different choices.
    "ENUM_NAME_OVERRIDES": {
        "OrderDecisionActionEnum": [("accept", "accept"), ("modify", "modify")],
        "ReplenishmentActionEnum": [("approve", "approve"), ("reject", "reject")],
        "WorkflowStatusEnum": "shared.choices.WorkflowStatus",
        "AllocationStatusEnum": "allocation.choices.AllocationStatus",
        "ShipmentStatusEnum": "allocation.choices.ShipmentStatus",
        "MarkdownStatusEnum": "markdowns.choices.MarkdownStatus",
        "AgentNameEnum": "planner.choices.AgentName",
        "VarianceBandEnum": "planner.api.answers.VARIANCE_BANDS",
    },
}

# --- Logging: console and a rotating file -------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOG_FILE = env.str("LOG_FILE", default=str(VAR_DIR / "log" / "planner.log"))
if LOG_FILE:
    Path(LOG_FILE).parent.mkdir(parents=True, exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"redact": {"()": "planner.log_filters.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
        **(
            {
                "file": {
                    "class": "logging.handlers.RotatingFileHandler",
                    "filename": LOG_FILE,
                    "maxBytes": 10 * 1024 * 1024,
                    "backupCount": 5,
                    "formatter": "plain",
                    "filters": ["redact"],
                }
            }
            if LOG_FILE
            else {}
        ),
    },
    "root": {"handlers": ["console", "file"] if LOG_FILE else ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Our request log replaces Django's per-request warning lines.
        "django.request": {"level": "ERROR"},
    },
}
