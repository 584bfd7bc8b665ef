"""Configuration classes, read from the environment (see the README's settings table)."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url():
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'passerelle.db'}"
    # Heroku-style URLs and bare postgresql:// use psycopg 3, the driver we ship.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _base_url():
    """BASE_URL, else (outside production) the loopback address on the port the app is served on:
    `make run` binds gunicorn to $PORT, `flask run` to $FLASK_RUN_PORT."""
    url = os.environ.get("BASE_URL")
    if url:
        return url.rstrip("/")
    port = os.environ.get("PORT") or os.environ.get("FLASK_RUN_PORT") or "5000"
    return f"http://127.0.0.1:{port}"


class Config:
    APP_ENV = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    # No ping before every checkout (a round trip per request): app.common.dbping checks a connection
    # only after DATABASE_PING_AFTER_IDLE_SECONDS of rest; connections are renewed after an hour.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": 3600}
    DATABASE_PING_AFTER_IDLE_SECONDS = float(os.environ.get("DATABASE_PING_AFTER_IDLE_SECONDS", "10"))
    BASE_URL = _base_url()
    # RSA private key (PEM) signing the passport's Open Badges credentials; outside production
    # it defaults to instance/passport_signing_key.pem (`flask keys generate`). Env files that
    # cannot hold several lines may write the line breaks as \n.
    PASSPORT_SIGNING_KEY = (os.environ.get("PASSPORT_SIGNING_KEY") or "").replace("\\n", "\n") or None
    # An exported Open Badges credential expires after this many days (or at the entry's end date,
    # if sooner): the holder downloads a fresh one; revocation also reaches it through its status list.
    CREDENTIAL_VALIDITY_DAYS = int(os.environ.get("CREDENTIAL_VALIDITY_DAYS", "365"))
    # A passport document's verification link (/verify/<token>) stops working after this many days.
    PASSPORT_LINK_VALIDITY_DAYS = int(os.environ.get("PASSPORT_LINK_VALIDITY_DAYS", "365"))
    REDIS_URL = os.environ.get("REDIS_URL") or None
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Passerelle <ne-pas-repondre@passerelle.example>")
    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME") or None
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
    SMTP_STARTTLS = _bool("SMTP_STARTTLS", False)
    MAX_CONTENT_LENGTH = 30 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_I18N_ENABLED = False  # WTForms messages come from its French catalogue (BaseForm)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    FORCE_HTTPS = False
    # Rate limits: storage is memory, or Redis when REDIS_URL is set.
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "200 per 15 minutes")
    # Days a browser stays known after a successful sign-in (device cookie: its failures count apart).
    DEVICE_COOKIE_DAYS = int(os.environ.get("DEVICE_COOKIE_DAYS", "180"))
    # argon2id parameters (RFC 9106 second recommended option, lighter memory).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 2
    PASSWORD_MIN_LENGTH = 12
    RESET_TOKEN_HOURS = 2
    ACTIVATION_TOKEN_HOURS = 72
    EMAIL_CHANGE_TOKEN_HOURS = 24
    PER_PAGE = 25
    # Seconds a process keeps the training catalogue (modules, paths) it has read; 0 = read per request.
    REFERENCE_CACHE_SECONDS = int(os.environ.get("REFERENCE_CACHE_SECONDS", "60"))
    # Seconds a process keeps an expert's board filter choices (départements, procedures); 0 = read per request.
    BACKOFFICE_FILTERS_CACHE_SECONDS = int(os.environ.get("BACKOFFICE_FILTERS_CACHE_SECONDS", "60"))
    # SCORM packages, extracted once per content hash (default: instance/packages), and import limits.
    SCORM_STORAGE_DIR = os.environ.get("SCORM_STORAGE_DIR") or None
    # Learning record store (xAPI 1.0.3, Basic auth): when set, every statement is queued and forwarded
    # by the worker or `flask lrs send`.
    LRS_ENDPOINT = os.environ.get("LRS_ENDPOINT") or None
    LRS_USERNAME = os.environ.get("LRS_USERNAME") or None
    LRS_PASSWORD = os.environ.get("LRS_PASSWORD") or None
    SCORM_MAX_ZIP_BYTES = int(os.environ.get("SCORM_MAX_ZIP_MB", "100")) * 1024 * 1024
    SCORM_MAX_UNZIPPED_BYTES = int(os.environ.get("SCORM_MAX_UNZIPPED_MB", "300")) * 1024 * 1024
    # Retention periods (months), applied by `flask purge`.
    RETENTION_AUDIT_MONTHS = int(os.environ.get("RETENTION_AUDIT_MONTHS", "12"))
    RETENTION_CITIZEN_WORDS_MONTHS = int(os.environ.get("RETENTION_CITIZEN_WORDS_MONTHS", "12"))
    RETENTION_NOTIFICATIONS_MONTHS = int(os.environ.get("RETENTION_NOTIFICATIONS_MONTHS", "12"))
    RETENTION_EMAILS_MONTHS = int(os.environ.get("RETENTION_EMAILS_MONTHS", "3"))
    # SQLite: take the write lock when a transaction begins, so that concurrent writers wait
    # (busy timeout) instead of failing. The unit tests keep deferred transactions (their own
    # session stays open between requests); the concurrency test turns this on.
    SQLITE_BEGIN_IMMEDIATE = True
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    # Roles that must use two-factor authentication (comma-separated); production defaults below.
    TOTP_REQUIRED_ROLES = [r for r in os.environ.get("TOTP_REQUIRED_ROLES", "").split(",") if r.strip()]
    TOTP_ISSUER = "Passerelle"
    OPENAPI_VERSION = "3.0.3"
    API_TITLE = "Passerelle API"
    API_VERSION = "v1"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    CURRICULA_DIR = str(BASE_DIR / "curricula")
    # Sign-in with ProConnect (OpenID Connect): off unless the discovery URL, client id and secret
    # are set (see the README). ACR values are optional (e.g. "eidas1").
    PROCONNECT_DISCOVERY_URL = os.environ.get("PROCONNECT_DISCOVERY_URL") or None
    PROCONNECT_CLIENT_ID = os.environ.get("PROCONNECT_CLIENT_ID") or None
    PROCONNECT_CLIENT_SECRET = os.environ.get("PROCONNECT_CLIENT_SECRET") or None
    PROCONNECT_SCOPES = os.environ.get("PROCONNECT_SCOPES") or "openid email given_name usual_name siret uid"
    PROCONNECT_ACR_VALUES = os.environ.get("PROCONNECT_ACR_VALUES") or None
    # Report webhooks: private or loopback receivers (and plain http) only when explicitly allowed.
    WEBHOOK_ALLOW_PRIVATE = _bool("WEBHOOK_ALLOW_PRIVATE", False)
    WEBHOOK_TIMEOUT = int(os.environ.get("WEBHOOK_TIMEOUT", "10"))
    # A report's impact counts at most this many people per organisation and day (filing and « moi aussi »).
    REPORT_PEOPLE_PER_ORGANISATION_DAY = int(os.environ.get("REPORT_PEOPLE_PER_ORGANISATION_DAY", "500"))
    # Appui expert (back office): key encrypting citizen file blocks and attachments (Fernet,
    # outside production instance/support_data_key), retention after closing, business hours.
    SUPPORT_DATA_KEY = os.environ.get("SUPPORT_DATA_KEY") or None
    SUPPORT_RETENTION_DAYS = int(os.environ.get("SUPPORT_RETENTION_DAYS", "180"))
    SUPPORT_DAY_START = os.environ.get("SUPPORT_DAY_START", "09:00")
    SUPPORT_DAY_END = os.environ.get("SUPPORT_DAY_END", "17:00")
    SUPPORT_PATTERN_THRESHOLD = int(os.environ.get("SUPPORT_PATTERN_THRESHOLD", "5"))
    # Appui expert statistics: a figure computed on fewer requests than this is never shown as a figure.
    SUPPORT_STATS_MIN_COUNT = int(os.environ.get("SUPPORT_STATS_MIN_COUNT", "5"))
    # Reception quality: an indicator from fewer citizens' answers than this is never shown as a figure.
    QUALITY_MIN_COUNT = int(os.environ.get("QUALITY_MIN_COUNT", "5"))
    # Indicator pages (reception quality): figures kept per process this many seconds, then recomputed.
    INDICATORS_CACHE_SECONDS = int(os.environ.get("INDICATORS_CACHE_SECONDS", "300"))
    # « Votre avis »: answers accepted per address, and the least time (seconds) to fill the form.
    VOICE_RATE_LIMIT = os.environ.get("VOICE_RATE_LIMIT", "20 per minute")
    VOICE_MIN_FILL_SECONDS = float(os.environ.get("VOICE_MIN_FILL_SECONDS", "3"))

    @staticmethod
    def check(app):
        """Refuse unsafe settings for this environment."""


class DevelopmentConfig(Config):
    APP_ENV = "development"

    @staticmethod
    def check(app):
        if not os.environ.get("BASE_URL"):
            app.logger.warning(
                "BASE_URL n'est pas défini : les liens des e-mails, PDF, QR codes et attestations "
                "pointeront vers %s (le port servi). Définissez BASE_URL si l'application est "
                "jointe par une autre adresse.", app.config["BASE_URL"])


class TestConfig(Config):
    APP_ENV = "test"
    TESTING = True
    # Test configuration only: not a secret.
    SECRET_KEY = "test-only-not-secret"  # noqa: S105  # nosec B105
    SQLALCHEMY_DATABASE_URI = "sqlite://"  # the test fixtures pass the real one
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    MAIL_BACKEND = "memory"
    REDIS_URL = None  # the unit tests deliver inline, whatever the environment says
    SERVER_NAME = None
    SQLITE_BEGIN_IMMEDIATE = False
    REFERENCE_CACHE_SECONDS = 0  # the tests change the catalogue between requests
    INDICATORS_CACHE_SECONDS = 0  # the tests add visits between requests
    BACKOFFICE_FILTERS_CACHE_SECONDS = 0  # the tests open and close requests between board reads
    PROCONNECT_DISCOVERY_URL = None  # off unless a test turns it on against its own provider
    PROCONNECT_CLIENT_ID = None
    PROCONNECT_CLIENT_SECRET = None
    WEBHOOK_ALLOW_PRIVATE = True  # the tests' receivers listen on 127.0.0.1 (opt-in, never a default)


class ProductionConfig(Config):
    APP_ENV = "production"
    TOTP_REQUIRED_ROLES = [
        r.strip() for r in os.environ.get("TOTP_REQUIRED_ROLES", "admin,hr,expert").split(",") if r.strip()
    ]
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = True
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")

    @staticmethod
    def check(app):
        missing = [name for name in ("SECRET_KEY",) if not app.config.get(name)]
        if not os.environ.get("BASE_URL"):
            missing.append("BASE_URL")
        if not app.config.get("PASSPORT_SIGNING_KEY"):
            missing.append("PASSPORT_SIGNING_KEY")

        if missing:
            raise RuntimeError(
                "Configuration de production incomplète : définissez " + ", ".join(missing)
            )
        _check_signing_key(app.config["PASSPORT_SIGNING_KEY"])


def _check_signing_key(pem):
    """Refuse a PASSPORT_SIGNING_KEY that is not an RSA private key of 2048 bits or more."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem.encode() if isinstance(pem, str) else pem, password=None)
    except (ValueError, TypeError) as exc:
        raise RuntimeError(
            "PASSPORT_SIGNING_KEY doit être une clé privée RSA au format PEM, non chiffrée."
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise RuntimeError("PASSPORT_SIGNING_KEY doit être une clé privée RSA d'au moins 2048 bits.")


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
