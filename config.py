"""Portal configuration.

Every value can be overridden by an environment variable of the same name
(see ``_env``) or by passing a mapping to ``create_app(config=...)``.
Secrets are never written here: ``SECRET_KEY`` comes from the environment,
or from ``instance/secret_key`` generated on first start (see app.secrets).
"""

import functools
import json
import os

BASE_DIR = os.path.abspath(os.path.dirname(__file__))
INSTANCE_DIR = os.environ.get("PORTAL_INSTANCE_DIR", os.path.join(BASE_DIR, "instance"))


def _env(name, default=None):
    return os.environ.get(name, default)


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = _env("PORTAL_ENV", "production")

    # --- database -----------------------------------------------------------
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", "sqlite:///" + os.path.join(INSTANCE_DIR, "portal.db"))
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # JSON columns keep Chinese as characters, so a row read with psql or sqlite3 is legible.
    SQLALCHEMY_ENGINE_OPTIONS = {
        "json_serializer": functools.partial(json.dumps, ensure_ascii=False),
    }
    # A pooled connection idle longer than this is pinged before use (app/platform/db_liveness.py), not every one.
    DATABASE_PING_AFTER_IDLE_SECONDS = float(_env("DATABASE_PING_AFTER_IDLE_SECONDS", "10"))

    # --- health checks (app/views/health.py) -------------------------------------
    # /readyz gives all its checks (database, Redis, file store, broker) this long together before answering.
    READY_TIMEOUT_SECONDS = float(_env("READY_TIMEOUT_SECONDS", "2"))

    # --- metrics and logs (app/platform/request_observer.py, app/log_format.py) ---------
    # Who may read /metrics (Prometheus text): addresses or networks, separated by commas; anyone else gets 404.
    METRICS_ALLOWED_NETWORKS = _env("METRICS_ALLOWED_NETWORKS", "127.0.0.1/8,::1/128")
    METRICS_FIGURES_SECONDS = float(_env("METRICS_FIGURES_SECONDS", "15"))  # cases, certificates, SMS jobs kept
    # The Celery worker's metrics (jobs failed, SMS retried …): its own small server on this port (unset: none).
    WORKER_METRICS_PORT = _env("WORKER_METRICS_PORT")
    WORKER_METRICS_ADDRESS = _env("WORKER_METRICS_ADDRESS", "127.0.0.1")
    # "text" (plain lines, the default) or "json" (one JSON object a line, one line per request, request ids).
    LOG_FORMAT = _env("LOG_FORMAT", "text")
    LOG_LEVEL = _env("LOG_LEVEL")  # default INFO with json, WARNING with text (INFO when debugging)

    # --- shared store (rate limits, SMS codes, face sessions) ----------------
    REDIS_URL = _env("REDIS_URL")
    # The shared cache of query pages (app/platform/cache.py): this Redis, else REDIS_URL's, else each process's own.
    CACHE_REDIS_URL = _env("CACHE_REDIS_URL")

    # --- background jobs (app/services/platform/jobs.py) -----------------------
    # The Celery broker, e.g. redis://127.0.0.1:6379/2. Set it only where a worker runs (`make worker`);
    # unset (the default, also when REDIS_URL is set), every job runs at once in the request that queues it.
    CELERY_BROKER_URL = _env("CELERY_BROKER_URL")
    CLEANUP_INTERVAL_SECONDS = float(_env("CLEANUP_INTERVAL_SECONDS", "3600"))  # beat: housekeeping.cleanup
    SMS_JOB_RETRIES = int(_env("SMS_JOB_RETRIES", "5"))  # an SMS the gateway refuses is tried again this often,
    SMS_JOB_RETRY_SECONDS = float(_env("SMS_JOB_RETRY_SECONDS", "2"))  # after 2, 4, 8 … seconds, then a dead letter
    SMS_JOB_KEEP_DAYS = int(_env("SMS_JOB_KEEP_DAYS", "30"))  # sent SMS jobs kept this long
    # beat sends the expiry reminders (flask portal send-reminders) daily at this hour, Beijing time.
    EXPIRY_REMINDERS_HOUR = int(_env("EXPIRY_REMINDERS_HOUR", "9"))

    # --- security -----------------------------------------------------------
    SECRET_KEY = _env("SECRET_KEY")  # filled from instance/secret_key when unset
    # Reverse proxies in front of the portal (nginx, a load balancer): how many
    # X-Forwarded-For / -Proto / -Host entries to believe. 0 believes none (a
    # client could otherwise claim any address and escape the per-IP limits).
    TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0"))
    # Sessions (app/sessions.py): "cookie" (signed cookies) or "redis" (the cookie holds only an id);
    # unset: "cookie" (Redis sessions are chosen explicitly: while Redis is down they sign everybody out).
    SESSION_BACKEND = _env("SESSION_BACKEND")
    SESSION_REDIS_URL = _env("SESSION_REDIS_URL")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    PERMANENT_SESSION_LIFETIME = 30 * 60  # seconds; sessions end after 30 minutes idle
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024

    # --- third parties (pluggable; the built-in ones simulate them) ---------
    IDENTITY_VERIFIER = _env("IDENTITY_VERIFIER", "app.services.accounts.verification.BuiltinIdentityVerifier")
    ENTERPRISE_VERIFIER = _env("ENTERPRISE_VERIFIER", "app.services.accounts.verification.BuiltinEnterpriseVerifier")
    SMS_GATEWAY = _env("SMS_GATEWAY", "app.services.platform.sms.OutboxGateway")
    # Codes one client (an address, an IPv6 /64) may ask for, whatever the numbers.
    SMS_PER_CLIENT_PER_HOUR = int(_env("SMS_PER_CLIENT_PER_HOUR", "5"))
    SMS_PER_CLIENT_PER_DAY = int(_env("SMS_PER_CLIENT_PER_DAY", "20"))
    # 到期提醒 (flask portal send-reminders): reminder SMS to one holder a day (more wait for the next day);
    # the days a returned case may be corrected in, and an untouched draft is kept.
    REMINDER_SMS_PER_PHONE_PER_DAY = int(_env("REMINDER_SMS_PER_PHONE_PER_DAY", "3"))
    CORRECTION_TIME_LIMIT_DAYS = int(_env("CORRECTION_TIME_LIMIT_DAYS", "30"))
    DRAFT_RETENTION_DAYS = int(_env("DRAFT_RETENTION_DAYS", "90"))
    # REST API /api/v1: anonymous calls per address a minute (a client has its own rate); webhook tries.
    API_PUBLIC_PER_MINUTE = int(_env("API_PUBLIC_PER_MINUTE", "60"))
    WEBHOOK_MAX_ATTEMPTS = int(_env("WEBHOOK_MAX_ATTEMPTS", "8"))
    # Numbers the built-in identity verifier's "national database" refuses, so that
    # the manual's FAQ 5 failure (身份证信息效验失败) can be shown and tested.
    IDENTITY_VERIFIER_REJECTED_NUMBERS = ("110101199003070134",)

    # --- electronic certificates (chapter 六) -----------------------------------
    CERTIFICATE_AUTHORITY = "中华人民共和国住房和城乡建设部"
    # The address the certificate QR codes lead to (the public 证照核验 page).
    PORTAL_PUBLIC_URL = _env("PORTAL_PUBLIC_URL", "http://127.0.0.1:5000")
    CERTIFICATE_SIGNING_KEY_PATH = _env("CERTIFICATE_SIGNING_KEY_PATH")  # default instance/keys/certificate-sm2.json
    CERTIFICATE_CACHE_DIR = _env("CERTIFICATE_CACHE_DIR")  # default instance/cache/certificates
    NOTICE_CACHE_DIR = _env("NOTICE_CACHE_DIR")  # formal notices (受理通知书 ...); default instance/cache/notices
    # Compiled templates (Jinja bytecode), so that a new or restarted worker does not compile every template
    # again; default instance/cache/jinja, "off" for none. Keyed by the template's source: an edit is seen.
    JINJA_BYTECODE_CACHE_DIR = _env("JINJA_BYTECODE_CACHE_DIR")

    # --- file storage (app/services/platform/file_store.py) ----------------------
    # "local": the folders above and UPLOAD_DIR (default instance/uploads), one machine.
    # "s3": one bucket shared by every instance (SeaweedFS, MinIO, Ceph, AWS S3).
    STORAGE_BACKEND = _env("STORAGE_BACKEND", "local")
    UPLOAD_DIR = _env("UPLOAD_DIR")  # default instance/uploads
    AUDIT_ARCHIVE_DIR = _env(
        "AUDIT_ARCHIVE_DIR"
    )  # the archived audit trail (local store); default instance/archive/audit

    # --- audit trail retention (等保: at least six months; the portal refuses to start below 180 days) -----
    # Rows older than this many days are archived to the file store ("audit" area), a month a file, then deleted
    # from the table (flask portal archive-audit; beat daily at AUDIT_ARCHIVE_HOUR Beijing time).
    AUDIT_RETENTION_DAYS = int(_env("AUDIT_RETENTION_DAYS", "180"))
    AUDIT_ARCHIVE_HOUR = int(_env("AUDIT_ARCHIVE_HOUR", "3"))
    S3_ENDPOINT_URL = _env("S3_ENDPOINT_URL")  # e.g. http://127.0.0.1:8333; unset for AWS
    S3_BUCKET = _env("S3_BUCKET", "portal")
    S3_ACCESS_KEY = _env("S3_ACCESS_KEY")
    S3_SECRET_KEY = _env("S3_SECRET_KEY")
    S3_REGION = _env("S3_REGION", "us-east-1")
    S3_PREFIX = _env("S3_PREFIX", "")  # key prefix, to share a bucket
    # Downloads: "proxy" streams the object through the portal (the endpoint may stay private);
    # "redirect" answers with a signed URL valid S3_URL_SECONDS (the endpoint must be reachable by browsers).
    S3_SEND = _env("S3_SEND", "proxy")
    S3_URL_SECONDS = int(_env("S3_URL_SECONDS", "60"))

    # --- public queries (热门服务) ------------------------------------------------
    # Query pages that are the same for every visitor are shared for this long, or
    # until a register changes (app/platform/query_cache.py); 0 turns that off.
    QUERY_CACHE_SECONDS = int(_env("QUERY_CACHE_SECONDS", "300"))
    QUERY_PAGE_CACHE_ENTRIES = 1000  # whole pages each server process keeps (about 25 KB each)
    # Anonymous public pages the same for every visitor without a cookie are marked
    # "Cache-Control: public, max-age=PUBLIC_CACHE_SECONDS" and "Vary: Cookie" for a reverse proxy
    # (app/platform/public_cache.py); 0 marks none.
    PUBLIC_CACHE_SECONDS = int(_env("PUBLIC_CACHE_SECONDS", "60"))
    # Answer those whole pages in front of Flask (app/platform/query_fast_path.py; bench/queries.py measures it).
    QUERY_FAST_PATH = _env_bool("QUERY_FAST_PATH", True)

    # --- accounts ---------------------------------------------------------------
    LOGIN_CAPTCHA_AFTER_FAILURES = 3
    LOGIN_LOCK_AFTER_FAILURES = 5
    LOGIN_LOCK_MINUTES = 30
    # Staff sign-in (/admin/login/): failed attempts from one address before it waits; successes never count.
    LOGIN_ADDRESS_FAILURE_LIMIT = 10
    LOGIN_ADDRESS_FAILURE_MINUTES = 5
    # A passed 人脸识别 opens its purpose's pages (在线办理 or 我的证照) in the sign-in session that passed it, this long.
    FACE_CHECK_VALID_MINUTES = 5
    # 法人变更 (二.5): failed 实名认证 per USCC and per address before they wait LEGAL_REP_CHECK_LOCK_MINUTES
    # (counted in the shared store from the first failure on).
    LEGAL_REP_CHECK_FAILURES_PER_USCC = int(_env("LEGAL_REP_CHECK_FAILURES_PER_USCC", "5"))
    LEGAL_REP_CHECK_FAILURES_PER_ADDRESS = int(_env("LEGAL_REP_CHECK_FAILURES_PER_ADDRESS", "10"))
    LEGAL_REP_CHECK_LOCK_MINUTES = int(_env("LEGAL_REP_CHECK_LOCK_MINUTES", "60"))
    # 好差评: an applicant may change his rating of a case for this many days after first giving it.
    EVALUATION_CHANGE_DAYS = int(_env("EVALUATION_CHANGE_DAYS", "7"))

    # --- Flask-AppBuilder (staff back office) --------------------------------
    APP_NAME = "住房和城乡建设部政务服务门户"
    FAB_SECURITY_MANAGER_CLASS = "app.security.PortalSecurityManager"
    FAB_INDEX_VIEW = "app.views.admin.index.AdminIndexView"
    FAB_BASE_TEMPLATE = "admin/base.html"
    FAB_CREATE_DB = False  # the schema belongs to Alembic migrations
    FAB_UPDATE_PERMS = _env_bool("FAB_UPDATE_PERMS", False)  # `flask portal sync-roles` at deploy
    FAB_ADD_SECURITY_API = False
    FAB_API_SWAGGER_UI = False
    AUTH_TYPE = 1  # AUTH_DB
    AUTH_USER_REGISTRATION = False  # citizens register through the portal, not FAB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    RECAPTCHA_PUBLIC_KEY = ""  # FAB's Google reCAPTCHA is never used
    # FAB's limit counts every sign-in POST, successful ones too: the portal counts failures instead
    # (LOGIN_ADDRESS_FAILURE_LIMIT, app/services/accounts/login.py).
    AUTH_RATE_LIMITED = False
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = _env("REDIS_URL") or "memory://"
    # With Redis down, Flask-Limiter counts in memory instead of failing every limited request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False

    # --- languages ----------------------------------------------------------
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = os.path.join(BASE_DIR, "translations")
    LANGUAGES = {
        "zh": {"flag": "cn", "name": "中文"},
        "en": {"flag": "gb", "name": "English"},
    }

    # --- portal identity (header, footer, contact page defaults) -------------
    # Staff can override the contact values in the back office (站点设置);
    # these are the values a fresh installation starts with.
    PORTAL_SITE = {
        "site_name": "住房和城乡建设部政务服务门户",
        "platform_line": "全国一体化在线政务服务平台",
        "host_organization": "中华人民共和国住房和城乡建设部",
        "operator_organization": "住房和城乡建设部信息中心",
        "icp_record": "京ICP备10036469号",
        "address": "北京市海淀区三里河路9号",
        "postcode": "100835",
        "support_phone": "010-58934213/010-58934446",
        "support_email": "XTC@mohurd.gov.cn",
        "peak_hours_advice": "当前办理业务用户太多，建议您避开9:00-11:00;14:00-17:00高峰期进行业务办理",
    }


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    FAB_UPDATE_PERMS = True


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-only-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    # Tests send several codes to one phone in a row; the 60-second rule has its own test.
    SMS_RESEND_SECONDS = 0
    # Tests ask many codes from one test client; the per-client limit has its own test.
    SMS_PER_CLIENT_PER_HOUR = 1000
    SMS_PER_CLIENT_PER_DAY = 1000
