"""Configuration classes, read from the environment.

``create_app()`` picks one by ``APP_ENV`` (development, production, testing); development is the default so that
``make run`` works on a laptop with nothing but Python.
"""

import hashlib
import hmac
import os
from pathlib import Path

from celery.schedules import crontab

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", PROJECT_ROOT / "instance"))


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the operator wrote (postgres://, postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class BaseConfig:
    """Settings shared by every environment. Instantiated by ``create_app`` so the environment is read then."""

    APP_ENV = "base"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Language: the product speaks Bahasa Indonesia by default, English on request.
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Makassar"
    LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")

    # Bootstrap 5 files come from the Bootstrap-Flask package, never a CDN.
    BOOTSTRAP_SERVE_LOCAL = True

    # Cookies: never readable by scripts, not sent on cross-site POSTs.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False

    # Requests: bounded bodies so that an oversized post is a 413, not memory pressure.
    MAX_FORM_MEMORY_SIZE = 500 * 1024

    RATELIMIT_HEADERS_ENABLED = True
    # If the limits' Redis fails, each process counts the same limits in its own memory (per process rather than
    # shared: looser, never absent) and goes back to Redis once it answers a PING, tried after 1, 2, 4 ... 32 s in a
    # cycle. Whatever else fails in the limiter is logged and the request served: never a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    #: Seconds a dead or silent Redis may hold a request, per call (an answer on the same network takes a millisecond).
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}

    #: Attachments per submission and bytes per file (issue: up to 5 files of up to 10 MB; PDF, JPEG, PNG), and
    #: at most this many files on one case in all (documents supplied later included).
    MAX_ATTACHMENTS = 5
    MAX_CASE_ATTACHMENTS = 30
    #: CSRF tokens last as long as the browser session: a citizen may take hours over a report.
    WTF_CSRF_TIME_LIMIT = None
    MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
    #: The event reported must be no older than two years (UU 37/2008 art. 24(3)); older ones may be refused.
    EVENT_AGE_LIMIT_YEARS = 2
    #: The date from which new cases run on PO 58/2023 instead of PO 26/2017 as amended by PO 48/2020 (DESIGN §2).
    #: A setting, since the switch-over is an administrative decision: the default is a documented assumption.
    RULE_SET_SWITCH_DATE = "2023-10-01"

    #: Registration number series per kind of case: "LM" (laporan masyarakat) as the Ombudsman numbers reports;
    #: the quick-response and own-motion series are the office's choice (settings).
    REGISTRATION_SERIES = {"report": "LM", "quick_response": "RCO", "own_motion": "IPS"}
    #: Days before a due date when the one reminder goes out (the law sets none: office policy).
    CLOCK_REMINDER_DAYS = 3
    #: How long one clock sweep may work before leaving the rest to the next (beat starts one every 15 minutes).
    CLOCK_SWEEP_SECONDS = 600

    #: Passwords shorter than this are refused (NIST SP 800-63B asks for at least 8; we ask a little more).
    PASSWORD_MIN_LENGTH = 10
    #: werkzeug's default, memory-hard scrypt (n=2**15, r=8, p=1).
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name)

    #: Without MAIL_SERVER, whether the mail log shows the secrets e-mails carry (access keys, one-time links): on a
    #: laptop the log is how `make run` delivers a receipt; production's log gets the redacted body.
    MAIL_LOG_SECRETS = False

    def __init__(self) -> None:
        env = os.environ.get
        self.SECRET_KEY = env("SECRET_KEY")
        #: Keys the case history's chain and its signed checkpoints (HMAC-SHA256). Its own secret, not SECRET_KEY:
        #: rotating SECRET_KEY (sessions, links) must not make the history unverifiable, and whoever verifies the
        #: history need not be able to forge sessions. Required in production; derived from SECRET_KEY elsewhere.
        self.AUDIT_KEY = env("AUDIT_KEY")
        self.DATABASE_URL = env("DATABASE_URL")
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            self.DATABASE_URL or f"sqlite:///{INSTANCE_DIR / 'complaints.db'}"
        )
        self.REDIS_URL = env("REDIS_URL")

        # Celery: eager (in process) unless a broker is configured.
        self.CELERY = {
            "broker_url": self.REDIS_URL or "memory://",
            "result_backend": self.REDIS_URL,
            "task_always_eager": not self.REDIS_URL,
            "task_eager_propagates": True,
            "task_ignore_result": True,
            "broker_connection_retry_on_startup": True,
            "timezone": "UTC",
            # A broker that is down must not hold a citizen's request: one quick retry, then give up (the outbox
            # keeps the message and the relay sends it later). Workers reconnect by their own, longer policy.
            "broker_connection_timeout": 3,
            "broker_transport_options": {
                "max_retries": 1,
                "interval_start": 0,
                "interval_step": 0.2,
                "interval_max": 0.5,
                "socket_connect_timeout": 2,
                # A broker that accepts the connection and never answers would otherwise hold a request forever.
                "socket_timeout": 2,
            },
            "task_default_queue": env("CELERY_QUEUE", "celery"),
            "beat_schedule": {
                "relay-outbox": {"task": "complaints.notifications.relay", "schedule": 60.0},
                "sweep-clocks": {"task": "complaints.clocks.sweep", "schedule": 15 * 60.0},
                # Catches up on events whose after-commit refresh did not reach a worker (broker down).
                "refresh-figures": {"task": "complaints.figures.refresh", "schedule": 5 * 60.0},
                "clean-reports": {
                    "task": "complaints.compliance.clean_reports",
                    "schedule": crontab(hour=20, minute=0),
                },
                # 23:00 UTC is 07:00 in Kendari (WITA): the digest is there when the office opens.
                "liaison-digests": {"task": "complaints.portal.digests", "schedule": crontab(hour=23, minute=0)},
                # The first day of each quarter: the review of the quarter that ended.
                # 19:00 UTC is 03:00 in Kendari: reporters of cases closed past retention are anonymised at night.
                "reporter-data-retention": {
                    "task": "complaints.privacy.retention",
                    "schedule": crontab(hour=19, minute=0),
                },
                "joint-reviews": {
                    "task": "complaints.portal.quarterly_reviews",
                    "schedule": crontab(day_of_month=1, month_of_year="1,4,7,10", hour=1, minute=0),
                },
            },
        }

        # Rate limits (Flask-Limiter syntax). Storage is Redis when there is one, memory on a laptop.
        #: Filing counts successful reports only; FILING_ATTEMPT_LIMIT bounds every try (mistakes included).
        self.RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", self.REDIS_URL or "memory://")
        self.RATELIMIT_KEY_PREFIX = env("RATELIMIT_KEY_PREFIX", "complaints")
        self.LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
        self.REGISTER_RATE_LIMIT = env("REGISTER_RATE_LIMIT", "5 per minute;30 per day")

        # Sign-in sessions live on the server (sign_in_sessions) and end after a time without use (idle) or a time
        # since sign-in (absolute), whichever comes first; "Keep me signed in" keeps the cookie across browser
        # restarts, never past the absolute end. Staff sign in with two factors and see reporters' identities: the
        # limits of NIST SP 800-63B (2017) §4.2.3 for that level (AAL2: 30 minutes idle, 12 hours in all).
        # Citizens, one factor (AAL1, §4.1.3): 30 days in all; a week idle is our choice (the standard sets none).
        self.STAFF_SESSION_IDLE_MINUTES = int(env("STAFF_SESSION_IDLE_MINUTES", "30"))
        self.STAFF_SESSION_HOURS = int(env("STAFF_SESSION_HOURS", "12"))
        self.CITIZEN_SESSION_IDLE_DAYS = int(env("CITIZEN_SESSION_IDLE_DAYS", "7"))
        self.CITIZEN_SESSION_DAYS = int(env("CITIZEN_SESSION_DAYS", "30"))
        #: Officers, supervisors and administrators must sign in with an authenticator app's code (unit heads and
        #: liaisons may). Only tests turn it off; production refuses to start without it.
        self.TWO_FACTOR_REQUIRED = env("TWO_FACTOR_REQUIRED", "1") != "0"
        #: Minutes between the password and the code before the half-done sign-in lapses.
        self.TWO_FACTOR_PENDING_MINUTES = int(env("TWO_FACTOR_PENDING_MINUTES", "5"))
        #: Hours a report opened with its access key stays open in that browser (unless closed there before).
        self.REPORT_ACCESS_HOURS = int(env("REPORT_ACCESS_HOURS", "24"))
        #: Days a finished sign-in session or report access (device, IP address) is kept for the account's own
        #: "active sessions" history and for looking into an incident; then the nightly retention job deletes it.
        #: The law sets no period (to confirm): 90 days covers a quarter's review of an incident.
        self.SESSION_RECORD_DAYS = int(env("SESSION_RECORD_DAYS", "90"))

        # E-mail: written to the log unless an SMTP server is configured.
        self.MAIL_SERVER = env("MAIL_SERVER")
        self.MAIL_PORT = int(env("MAIL_PORT", "25"))
        self.MAIL_DEFAULT_SENDER = env("MAIL_DEFAULT_SENDER", "no-reply@ombudsman.localhost")
        self.MAIL_USE_TLS = env("MAIL_USE_TLS", "") == "1"
        self.MAIL_USERNAME = env("MAIL_USERNAME")
        self.MAIL_PASSWORD = env("MAIL_PASSWORD")
        self.MAIL_TIMEOUT = int(env("MAIL_TIMEOUT", "10"))
        #: Without MAIL_SERVER, e-mails are appended here so that a developer can read them.
        self.MAIL_LOG_FILE = env("MAIL_LOG_FILE", str(INSTANCE_DIR / "mail.log"))
        #: After this many failed attempts (about 9 hours with the back-off) a message is marked failed.
        self.OUTBOX_MAX_ATTEMPTS = int(env("OUTBOX_MAX_ATTEMPTS", "15"))

        # Filing and tracking: limits per address, and where uploads live (outside static files).
        self.FILING_RATE_LIMIT = env("FILING_RATE_LIMIT", "5 per hour;20 per day")
        self.FILING_ATTEMPT_LIMIT = env("FILING_ATTEMPT_LIMIT", "60 per hour")
        self.TRACKING_RATE_LIMIT = env("TRACKING_RATE_LIMIT", "20 per hour")
        #: Open311: reports filed per client application (it files for many citizens), and tries per address.
        self.OPEN311_RATE_LIMIT = env("OPEN311_RATE_LIMIT", "120 per hour;1000 per day")
        self.OPEN311_ATTEMPT_LIMIT = env("OPEN311_ATTEMPT_LIMIT", "600 per hour")
        #: Compliance reports (PDF) a visitor may have built; the same region's report of the day is reused anyway.
        self.REPORT_RATE_LIMIT = env("REPORT_RATE_LIMIT", "10 per hour")
        #: JSON API calls per token (or per address without one).
        self.API_RATE_LIMIT = env("API_RATE_LIMIT", "1200 per minute")

        #: A unit is ranked in a region's live record only with this many registered cases in the period (the law is
        #: silent; a setting so that an office can raise it). Fewer cases show their figures but no rank.
        self.PROFILE_MIN_CASES = int(env("PROFILE_MIN_CASES", "5"))
        self.UPLOAD_FOLDER = env("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
        #: Days after a case closes until its reporter is anonymised and the ID card deleted (UU 27/2022; README,
        #: "Personal data"): five years, the usual 2 active + 3 inactive years of a complaint file, to confirm
        #: against the Ombudsman's records retention schedule (JRA).
        self.REPORTER_DATA_RETENTION_DAYS = int(env("REPORTER_DATA_RETENTION_DAYS", str(5 * 365 + 1)))
        #: Cases anonymised per transaction by the retention job.
        self.RETENTION_BATCH_SIZE = int(env("RETENTION_BATCH_SIZE", "200"))

        #: The address citizens use, for links in e-mails (e.g. https://pengaduan.example.go.id); required in
        #: production, where the request's own Host header is never trusted for links.
        self.PUBLIC_BASE_URL = env("PUBLIC_BASE_URL")

        # Reverse proxies in front of gunicorn (number of hops to trust for X-Forwarded-*).
        self.PROXY_FIX_HOPS = int(env("PROXY_FIX_HOPS", "0"))
        self.MAX_CONTENT_LENGTH = int(env("MAX_CONTENT_LENGTH", str(60 * 1024 * 1024)))

    def validate(self) -> None:
        """Raise if the configuration cannot run safely."""


DEVELOPMENT_SECRET_KEY = "development-only-not-secret"  # noqa: S105 (known, and refused in production)


def derived_audit_key(secret_key: str) -> str:
    """Outside production, a laptop's or the tests' audit key follows from SECRET_KEY (one setting less to make)."""
    return hmac.new(secret_key.encode(), b"audit-key", hashlib.sha256).hexdigest()


class DevelopmentConfig(BaseConfig):
    APP_ENV = "development"
    MAIL_LOG_SECRETS = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = self.SECRET_KEY or DEVELOPMENT_SECRET_KEY
        self.AUDIT_KEY = self.AUDIT_KEY or derived_audit_key(self.SECRET_KEY)


class TestingConfig(BaseConfig):
    """Isolated from the machine: the suite passes its own database, broker and limiter storage."""

    APP_ENV = "testing"
    TESTING = True
    #: Off for most tests; tests/test_security.py turns it on to prove every form demands the token.
    WTF_CSRF_ENABLED = False
    #: Tests sign in hundreds of times; a cheap hash keeps the suite fast (never used outside tests).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 (a method name)
    MAIL_LOG_SECRETS = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "testing-not-secret"  # noqa: S105 (tests only)
        self.AUDIT_KEY = derived_audit_key(self.SECRET_KEY)
        # tests/conftest.py replaces this with a database of its own for each run.
        self.SQLALCHEMY_DATABASE_URI = "sqlite://"
        self.REDIS_URL = None
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.CELERY = {**self.CELERY, "broker_url": "memory://", "result_backend": None, "task_always_eager": True}
        self.MAIL_SERVER = None
        #: Most tests sign staff in with a password alone; tests/test_two_factor.py turns this on to prove it.
        self.TWO_FACTOR_REQUIRED = False


class ProductionConfig(BaseConfig):
    APP_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    def validate(self) -> None:
        # PUBLIC_BASE_URL too: without it, e-mailed links would follow whatever Host header a request carried.
        required = ("SECRET_KEY", "AUDIT_KEY", "DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL")
        missing = [name for name in required if not getattr(self, name)]
        if missing:
            raise RuntimeError(f"Production refuses to start without: {', '.join(missing)}")
        if not self.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
            raise RuntimeError("Production runs on PostgreSQL: DATABASE_URL must be a postgresql:// URL")
        if self.SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(self.SECRET_KEY) < 32:
            raise RuntimeError("SECRET_KEY must be a random value of at least 32 characters")
        if not self.TWO_FACTOR_REQUIRED:
            raise RuntimeError("Production refuses TWO_FACTOR_REQUIRED=0: Ombudsman staff sign in with two factors")
        if len(self.AUDIT_KEY) < 32 or self.AUDIT_KEY == self.SECRET_KEY:
            raise RuntimeError("AUDIT_KEY must be a random value of at least 32 characters, other than SECRET_KEY")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[BaseConfig]:
    name = os.environ.get("APP_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
