"""Settings for Scorecard, read from the environment in this one place (django-environ).

Every variable is documented in README.md. Unset variables fall back to the embedded
defaults (SQLite file and filesystem broker under var/, local-memory cache) so that
`make run` works on a bare machine.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # local state of the embedded defaults (SQLite, broker, static)
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development, production or test, not {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION and not env.str("SECRET_KEY", default=""):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. In production (DJANGO_ENV=production) set SECRET_KEY to a "
        "long random value, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-key-not-for-production")
DEBUG = env.bool("DEBUG", default=not PRODUCTION and DJANGO_ENV != "test")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "auditlog",
    # Sign-in (allauth): passwords with a second factor (TOTP, recovery codes, passkeys) and single sign-on
    # (OpenID Connect, SAML 2.0) configured per organisation in teams.SsoProvider.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "teams",
    "strategy",
    "metrics",
    "scorecard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Http404 from a view gets the app's own 404 page, also with DEBUG on (not Django's list of URL patterns).
    "teams.error_views.NotFoundPageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Members of a team that requires two-factor authentication (or everyone, SCORECARD_REQUIRE_2FA) are sent to
    # set it up first (teams.two_factor).
    "teams.two_factor.RequireTwoFactorMiddleware",
    # After authentication: records the signed-in user as the actor of every audited change (django-auditlog's
    # middleware, with the client address from teams.remote.client_ip).
    "teams.remote.AuditlogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "scorecard_site.urls"
WSGI_APPLICATION = "scorecard_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "teams.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A worker, beat and the web process share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker, results -------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
SCORECARD_LATE_DATA_DAYS = env.int("SCORECARD_LATE_DATA_DAYS", default=7)  # days a period stays open for late data
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "scorecard",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # Room for the cached period results of a few hundred scorecards (scorecard.evaluation.cache); the default
    # 300 entries would cull them while a portfolio of 50 teams x 12 periods is being read.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 20_000}}
    }
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'results'}"
    # The filesystem broker and result backend need their folders to exist.
    for _folder in (_broker_dir / "queue", _broker_dir / "processed", VAR_DIR / "results"):
        _folder.mkdir(parents=True, exist_ok=True)

# --- Celery reliability choices -----------------------------------------------------------
# Tasks are written to be idempotent (upserts, claimed work), so a task is acknowledged only
# after it ran: a worker killed mid-task leaves the message on the broker and another worker
# runs it again instead of losing it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per worker process, so a long task does not hold others hostage.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis re-delivers an unacknowledged message after this; it must exceed the longest task.
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# A task that hangs is stopped: soft limit raises inside the task, hard limit kills it.
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
# On shutdown, running tasks get time to finish before the worker stops (Celery 5.5 soft
# shutdown); what is still running afterwards goes back to the queue (acks_late).
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 30.0
CELERY_WORKER_ENABLE_SOFT_SHUTDOWN_ON_IDLE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# The one place for periodic schedules: exactly one beat process reads it.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "teams-clear-expired-sessions": {
        "task": "teams.tasks.clear_expired_sessions",
        "schedule": crontab(hour="3", minute="17"),
    },
    # Claims the channels whose sync is due and enqueues one sync each (metrics.tasks).
    "metrics-channels-dispatch": {
        "task": "metrics.tasks.channels_dispatch",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Deletes CSV uploads nobody confirmed within a day (metrics.tasks).
    "metrics-import-uploads-expire": {
        "task": "metrics.tasks.import_uploads_expire",
        "schedule": crontab(hour="4", minute="7"),
    },
    # E-mails each KPI owner a digest of red, stale and overdue items (scorecard.tasks).
    # Renews OAuth access tokens before they expire; marks lapsed connections (metrics.tasks).
    "metrics-channel-tokens-refresh": {
        "task": "metrics.tasks.channel_tokens_refresh",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    "scorecard-daily-digest": {
        "task": "scorecard.tasks.send_daily_digest",
        "schedule": crontab(hour="6", minute="30"),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Auth ---------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Username or e-mail address and password (allauth's backend; it also signs in SSO users).
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "teams:team-list"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600  # invitation links stay valid for a week

# Login throttling (django-axes): lock a username on one address after 5 failures for 15 min.
# Reverse proxies in front of the app: only the X-Forwarded-For hops they append are believed (teams.remote).
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "teams.remote.client_ip"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures count per account whether the user typed the username or the e-mail address, and bad two-factor codes
# count with bad passwords (teams.two_factor).
AXES_USERNAME_CALLABLE = "teams.two_factor.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_VERBOSE = False

# --- Sign-in: allauth (two-factor authentication, single sign-on) -------------------------------------------
# Accounts come from invitations (teams.services.member_invite) or a first single sign-on of a configured
# domain (teams.sso): there is no self sign-up. Sign-in takes the username or the e-mail address.
ACCOUNT_ADAPTER = "teams.sso.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "teams.sso.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_FORMS = {"login": "teams.sso.forms.SignInForm"}
MFA_FORMS = {
    "authenticate": "teams.two_factor.AxesAuthenticateForm",
    "reauthenticate": "teams.two_factor.AxesReauthenticateForm",
}
# The identity provider is trusted for the e-mail domains it is configured for (and only those, teams.sso):
# a first SSO sign-in of an invited address joins the invited account.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SCORECARD_SSO_TIMEOUT", default=10)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = env.str("SCORECARD_TOTP_ISSUER", default="Scorecard")
MFA_RECOVERY_CODE_COUNT = 10
# Every signed-in user must set up two-factor authentication (teams can require it for their members alone).
SCORECARD_REQUIRE_2FA = env.bool("SCORECARD_REQUIRE_2FA", default=False)

# --- I18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["scorecard_site.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    # plotly.js partial bundle (scatter, bar, heatmap, ...) matching the plotly.py version.
    ("vendor/plotly", BASE_DIR / "node_modules" / "plotly.js-cartesian-dist-min"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# --- E-mail -------------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@mail.example.com:587 (default: the console in
# development, an SMTP server on localhost in production).
_email = env.email_url("EMAIL_URL", default="smtp://localhost:25" if PRODUCTION else "consolemail://")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {k: v for k, v in _smtp_options.items() if v} if "smtp" in _email["EMAIL_BACKEND"] else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Scorecard <scorecard@localhost>")

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "teams.api_auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["teams.api_auth.IsAuthenticatedOrApiKey"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only, no browsable API: Swagger UI and Redoc (/api/docs/) document and try the API, and the browsable
    # API's forms would be a second way to write data past the application's own pages (and crashed on views
    # without a queryset). `?format=api` is a 404, a client that accepts only HTML gets 406.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "teams.api_parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_THROTTLE_CLASSES": ["teams.api_auth.ApiKeyRateThrottle", "teams.api_auth.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env.str("SCORECARD_API_KEY_RATE", default="600/minute"),
        "user": env.str("SCORECARD_API_USER_RATE", default="600/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXIES,  # throttles of anonymous requests key on the address, read as teams.remote does
    "EXCEPTION_HANDLER": "teams.api_errors.exception_handler",
    # No OPTIONS metadata: it would describe forms before access checks ran (and crashed on generic views
    # without a queryset); the OpenAPI schema at /api/schema/ is the description of the API.
    "DEFAULT_METADATA_CLASS": None,
}
# Password-reset and invitation e-mails, counted per address asked for and per client address (teams.ratelimit).
SCORECARD_MAIL_RATE_PER_ADDRESS = env.str("SCORECARD_MAIL_RATE_PER_ADDRESS", default="5/hour")
SCORECARD_MAIL_RATE_PER_CLIENT = env.str("SCORECARD_MAIL_RATE_PER_CLIENT", default="20/hour")
API_KEY_CUSTOM_HEADER = None  # keys only in "Authorization: Api-Key <key>", never in a URL
SPECTACULAR_SETTINGS = {
    "TITLE": "Scorecard API",
    "DESCRIPTION": "Social Media Scorecard: teams, metrics, strategy maps and scorecards.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents its error answers (401/403/404/429, 400 on writes): teams/api_docs.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "teams.api_docs.add_error_responses",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Audit trail (django-auditlog) -------------------------------------------------------
# Every create, change and delete of these models is recorded with who, when and what changed; the web actor
# comes from AuditlogMiddleware, an API key is named in the entry by teams.api_auth. Data points are not
# tracked: each one records its source instead. Timestamps and sync bookkeeping are left out so that a
# connector run does not flood the history; secrets are masked.
_AUDIT_TIMESTAMPS = ["created_at", "updated_at"]
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    *(
        {"model": model, "exclude_fields": _AUDIT_TIMESTAMPS}
        for model in (
            "strategy.StrategyMap",
            "strategy.Objective",
            "strategy.SuccessFactor",
            "strategy.ObjectiveLink",
            "scorecard.Scorecard",
            "scorecard.Perspective",
            "scorecard.Target",
            "scorecard.Action",
            "metrics.Metric",
            "teams.Membership",
            "teams.Invitation",
        )
    ),
    {
        "model": "metrics.Channel",
        "exclude_fields": [*_AUDIT_TIMESTAMPS, "next_sync_at", "last_synced_at", "status", "last_error"],
        "mask_fields": ["credentials_encrypted"],
    },
    # The digest's memory of what it already reported is bookkeeping, not a change by anyone.
    {"model": "scorecard.KPI", "exclude_fields": [*_AUDIT_TIMESTAMPS, "alert_status", "alert_stale"]},
    {"model": "teams.TeamApiKey", "exclude_fields": ["created", "hashed_key", "last_used_at"]},
    # Who required (or stopped requiring) two-factor authentication of a team's members, and when.
    {"model": "teams.Team", "include_fields": ["require_2fa"]},
)
AUDITLOG_STORE_JSON_CHANGES = True
# Links and KPIs show "Grow reach" rather than "12" in the history.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

# --- Scorecard ----------------------------------------------------------------------------
# The strategy map's objective and success factor statuses, and the objectives' monthly scores for
# the evidence of its links: the scorecard app provides them (the strategy app may not import it).
STRATEGY_MAP_STATUSES = "scorecard.selectors.factors.objective_statuses"
STRATEGY_OBJECTIVE_SERIES = "scorecard.selectors.factors.objective_monthly_series"
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="scorecard-demo")
SCORECARD_INGEST_MAX_POINTS = env.int("SCORECARD_INGEST_MAX_POINTS", default=5000)
# Links in e-mails (the daily digest) start with this address.
SCORECARD_BASE_URL = env.str("SCORECARD_BASE_URL", default="http://127.0.0.1:8000")

# --- Channels and connectors ----------------------------------------------------------------
# Fernet key(s) for channel credentials, comma-separated (first encrypts, all decrypt).
# Default: derived from SECRET_KEY (changing SECRET_KEY then makes stored credentials unreadable).
CHANNEL_CREDENTIALS_KEY = env.str("CHANNEL_CREDENTIALS_KEY", default="")
# Base URLs, API versions and request timeouts (seconds) per platform; tests point them at fakes.
SCORECARD_CONNECTOR_TIMEOUT = env.float("SCORECARD_CONNECTOR_TIMEOUT", default=10.0)
# API versions: metrics/connectors/versions.py knows their sunset dates, and a test fails 30 days before one.
GRAPH_API_VERSION = env.str("GRAPH_API_VERSION", default="v26.0")
LINKEDIN_API_VERSION = env.str("LINKEDIN_API_VERSION", default="202603")
SCORECARD_CONNECTORS: dict[str, dict] = {
    "mastodon": {"scheme": "https"},
    "bluesky": {"base_url": "https://public.api.bsky.app"},
    "youtube": {
        "base_url": "https://www.googleapis.com/youtube/v3",
        "analytics_url": "https://youtubeanalytics.googleapis.com/v2",
    },
    "facebook_page": {"base_url": "https://graph.facebook.com", "version": GRAPH_API_VERSION},
    # Instagram with Facebook Login reads graph.facebook.com; with Instagram Login, graph.instagram.com.
    "instagram": {
        "base_url": "https://graph.facebook.com",
        "login_base_url": "https://graph.instagram.com",
        "version": GRAPH_API_VERSION,
    },
    "linkedin_org": {"base_url": "https://api.linkedin.com/rest", "version": LINKEDIN_API_VERSION},
    "x": {"base_url": "https://api.x.com/2"},
    "ga4": {
        "base_url": "https://analyticsdata.googleapis.com/v1beta",
        "admin_url": "https://analyticsadmin.googleapis.com/v1beta",
    },
    "tiktok": {"base_url": "https://open.tiktokapis.com/v2"},
    "http_json": {},
}
# Outgoing connector requests (metrics/connectors/safety.py): private and local networks are
# refused unless listed here (host names, ".domain" for a domain and its subdomains, or address
# ranges such as 10.20.0.0/16); one deadline for all requests of a sync; a cap on each answer.
SCORECARD_CONNECTOR_ALLOWED_HOSTS = env.list("SCORECARD_CONNECTOR_ALLOWED_HOSTS", default=[])
SCORECARD_SYNC_DEADLINE_SECONDS = env.float("SCORECARD_SYNC_DEADLINE_SECONDS", default=60.0)
SCORECARD_CONNECTOR_MAX_BYTES = env.int("SCORECARD_CONNECTOR_MAX_BYTES", default=5 * 1024 * 1024)

# "Connect with …" (metrics/oauth): per provider the app's client id and secret, and the endpoints (defaults: the
# platform's documented ones, see docs/oauth/<key>.md). A provider without a client id offers the manual token field.
_OAUTH_ENDPOINTS = {
    "meta": {
        "authorize_url": f"https://www.facebook.com/{GRAPH_API_VERSION}/dialog/oauth",
        "token_url": f"https://graph.facebook.com/{GRAPH_API_VERSION}/oauth/access_token",
    },
    "instagram": {
        "authorize_url": "https://www.instagram.com/oauth/authorize",
        "token_url": "https://api.instagram.com/oauth/access_token",
        "exchange_url": "https://graph.instagram.com/access_token",
        "refresh_url": "https://graph.instagram.com/refresh_access_token",
    },
    "linkedin": {
        "authorize_url": "https://www.linkedin.com/oauth/v2/authorization",
        "token_url": "https://www.linkedin.com/oauth/v2/accessToken",
        "revoke_url": "https://www.linkedin.com/oauth/v2/revoke",
        "userinfo_url": "https://api.linkedin.com/v2/userinfo",
    },
    "google": {
        "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
        "token_url": "https://oauth2.googleapis.com/token",
        "revoke_url": "https://oauth2.googleapis.com/revoke",
        "userinfo_url": "https://openidconnect.googleapis.com/v1/userinfo",
    },
    "x": {
        "authorize_url": "https://x.com/i/oauth2/authorize",
        "token_url": "https://api.x.com/2/oauth2/token",
        "revoke_url": "https://api.x.com/2/oauth2/revoke",
    },
    "tiktok": {
        "authorize_url": "https://www.tiktok.com/v2/auth/authorize/",
        "token_url": "https://open.tiktokapis.com/v2/oauth/token/",
        "revoke_url": "https://open.tiktokapis.com/v2/oauth/revoke/",
    },
}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


OAUTH_PROVIDERS: dict[str, dict[str, str]] = {
    key: {
        **endpoints,
        "client_id": env.str(f"OAUTH_{key.upper()}_CLIENT_ID", default=""),
        "client_secret": env.str(f"OAUTH_{key.upper()}_CLIENT_SECRET", default=""),
        "authorize_url": env.str(f"OAUTH_{key.upper()}_AUTHORIZE_URL", default=endpoints["authorize_url"]),
        "token_url": env.str(f"OAUTH_{key.upper()}_TOKEN_URL", default=endpoints["token_url"]),
    }
    for key, endpoints in _OAUTH_ENDPOINTS.items()
}
# How long a "Connect with …" sign-in may take between leaving for the platform and coming back.
OAUTH_STATE_MAX_AGE = env.int("OAUTH_STATE_MAX_AGE", default=600)
# How long a claimed sync may run before another worker may take the channel over.
SCORECARD_SYNC_LEASE_SECONDS = env.int("SCORECARD_SYNC_LEASE_SECONDS", default=600)
# Celery retries of one sync after a transient failure (timeouts, 5xx, 429), with backoff.
SCORECARD_SYNC_MAX_RETRIES = env.int("SCORECARD_SYNC_MAX_RETRIES", default=3)
SCORECARD_SYNC_DISPATCH_BATCH = env.int("SCORECARD_SYNC_DISPATCH_BATCH", default=500)

# --- Forms --------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -----------------------------------------------------------------------------
# Scripts only from our own static files (no inline scripts); plotly.js needs inline styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "worker-src": [CSP.SELF, "blob:"],  # Redoc (/api/redoc/) renders in a web worker
    # "Connect with …" posts to our start URL, which redirects to the platform's sign-in page: browsers check
    # form-action on that redirect too, so the platforms' authorize origins are allowed here (and only those).
    "form-action": [CSP.SELF, *sorted({_origin(p["authorize_url"]) for p in OAUTH_PROVIDERS.values()})],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Exempt the health check so a load balancer can probe it over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # httpx logs every request URL at INFO; connector URLs can carry an API key or access token.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}
