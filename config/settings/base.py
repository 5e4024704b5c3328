"""Settings shared by every environment; values come from the environment (django-environ)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

# Secrets, one per purpose so rotating one leaves the others working (README, "Security").
# No defaults: `make setup` generates them once into .local/secrets.env (platform/local_secrets.py),
# docker compose keeps them in a volume, a deployment sets them; only the test settings fix some.
# A *_FALLBACKS list keeps the previous values valid while a rotation rolls out.
SECRET_KEY = env("SECRET_KEY", default="")  # Django: sessions, CSRF, password resets, cursors
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
JWT_SIGNING_KEY = env("JWT_SIGNING_KEY", default="")  # API access and refresh tokens (HS256)
QR_SIGNING_KEY = env("QR_SIGNING_KEY", default="")  # signed QR payloads (core.codes)
QR_SIGNING_KEY_FALLBACKS = env.list("QR_SIGNING_KEY_FALLBACKS", default=[])
CARD_PIN_PEPPER = env("CARD_PIN_PEPPER", default="")  # consumption passwords (loyalty)
CARD_PIN_PEPPER_FALLBACKS = env.list("CARD_PIN_PEPPER_FALLBACKS", default=[])
SECRET_NAMES = ("SECRET_KEY", "JWT_SIGNING_KEY", "QR_SIGNING_KEY", "CARD_PIN_PEPPER")
# The key this project once shipped as a default: published, so never accepted again.
PUBLISHED_SECRET_KEY = "dev-insecure-o2o-secret-key-change-me-in-production"  # noqa: S105


def secrets_check(values: dict[str, str], *, minimum_length: int = 0) -> None:
    """Refuse to start without every secret, with a published one, or with one reused."""
    from django.core.exceptions import ImproperlyConfigured

    missing = [name for name in SECRET_NAMES if not values.get(name)]
    if missing:
        raise ImproperlyConfigured(
            f"缺少密钥 / missing secrets: {', '.join(missing)}. Run `make setup` (it generates "
            "them once into .local/secrets.env) or set them in the environment."
        )
    for name in SECRET_NAMES:
        value = values[name]
        if value == PUBLISHED_SECRET_KEY or value.startswith("dev-insecure"):
            raise ImproperlyConfigured(f"{name} is a published value: set a random one.")
        if len(value) < minimum_length:
            raise ImproperlyConfigured(
                f"Set {name} to a random value of at least {minimum_length} characters."
            )
    if len({values[name] for name in SECRET_NAMES}) < len(SECRET_NAMES):
        raise ImproperlyConfigured("Each secret needs its own value (one per purpose).")


DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_gis",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "phonenumber_field",
    "axes",
    "django_celery_beat",
    "captcha",
    "core",
    "accounts",
    "moderation",
    "merchants",
    "consumers",
    "coupons",
    "loyalty",
    "payments",
    "geo",
    "dashboard",
    "pgtrigger",
    "pghistory",
    "audit",
    "settlement",
    "notifications",
    "deals",
    "crm",
    "privacy",
    "verification",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Audit context (acting user, path) for writes; see audit/models.py.
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = env("ROOT_URLCONF", default="config.urls")  # bench.urls adds a naive view
WSGI_APPLICATION = "config.wsgi.application"
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
            ],
        },
    },
]

# --- data ---------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default="postgis://postgres@127.0.0.1:5432/o2o")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Short OLTP queries: JIT compilation costs more than it saves (600 ms on a KNN query at 1M rows).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Read replicas for lag-tolerant reads (discovery): see core.db_router.
for index, url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[])):
    DATABASES[f"replica{index}"] = {
        **env.db_url_config(url),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"options": "-c jit=off"},
    }
DATABASE_ROUTERS = ["core.db_router.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "o2o",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

# --- accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out phones
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PHONENUMBER_DEFAULT_REGION = "CN"
PHONENUMBER_DB_FORMAT = "E164"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # what authenticate() and the admin form pass
AXES_LOCKOUT_CALLABLE = "dashboard.access.lockout_response"  # the API's, or the sign-in page
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = [
    # Lock per phone, not per IP: Chinese mobile carriers put many customers behind one
    # address, so an IP lock would lock strangers out; per-IP abuse is met by throttling.
    "axes.W006",
    # Debian 12 ships GDAL 3.6; we never open user-supplied spatial files with GDAL.
    "gis.W001",
]

# --- i18n ------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media --------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)  # from the web process without DEBUG
# The consumer app's build (consumer_app/dist/app/, made by the set-up), served by WhiteNoise at
# /app/; config/consumer_app.py answers its history-mode routes with its index.html.
CONSUMER_APP_DIST = BASE_DIR / "consumer_app" / "dist"
WHITENOISE_ROOT = CONSUMER_APP_DIST
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.JWTAuthentication",  # simplejwt's, revoked on logout
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "drf_orjson_renderer.parsers.ORJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CursorPagination",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.negotiation.ContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.SignedInRateThrottle",
        "core.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="120/min"),
        "user": env("THROTTLE_USER", default="600/min"),
        "auth": env("THROTTLE_AUTH", default="10/min"),
        # SMS codes asked for from one client address, whatever the phones
        "sms_code_address": env("THROTTLE_SMS_CODE_ADDRESS", default="20/hour"),
        "counter_code_failures": env("THROTTLE_COUNTER_CODE_FAILURES", default="10/min"),
    },
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": JWT_SIGNING_KEY,  # its own secret, not SECRET_KEY
}
SPECTACULAR_SETTINGS = {
    "TITLE": "O2O 商户平台 API",
    "DESCRIPTION": "Discovery, orders, coupons, membership cards and CRM for small service "
    'merchants. Errors are always `{"code", "detail", "fields"}` with a stable `code`.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.bound_id_parameters",  # every integer parameter bounded
    ],
    "ENUM_NAME_OVERRIDES": {
        "CardStatusEnum": "loyalty.models.CardStatus",
        "LedgerEntryKindEnum": "loyalty.models.EntryKind",
        "OrderKindEnum": "consumers.models.OrderKind",
        "OrderStateEnum": "consumers.models.OrderState",
        "PaymentStatusEnum": "payments.models.PaymentStatus",
        "SettlementEntryKindEnum": "settlement.models.EntryKind",
        "PhotoKindEnum": "merchants.models.PhotoKind",
        "ShopStatusEnum": "merchants.models.ShopStatus",
        "PlaceKindEnum": "geo.models.PlaceKind",
        "MessageKindEnum": "notifications.models.MessageKind",
        "CrmContactChannelEnum": "crm.models.ContactChannel",
        "CrmSegmentEnum": "crm.models.Segment",
        "CrmTierEnum": "crm.models.Tier",
        "ClientChannelEnum": "accounts.models.CLIENT_CHANNELS",
        "SmsCodePurposeEnum": "verification.models.CodePurpose",
        "CrmContactPurposeEnum": "crm.models.Purpose",
        "ConsentSourceEnum": "notifications.models.ConsentSource",
    },
}

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose worker died unacknowledged goes back to the queue after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic work, synced into django-celery-beat's tables when beat starts (edit times there).
CELERY_BEAT_SCHEDULE = {
    "purge-idempotency-records": {
        "task": "core.tasks.idempotency_records_purge",
        "schedule": timedelta(hours=1),
    },
    "expire-card-points": {
        "task": "loyalty.tasks.points_expire_due",
        "schedule": timedelta(hours=1),
    },
    "review-card-levels": {"task": "loyalty.tasks.levels_review", "schedule": timedelta(days=1)},
    "end-coupon-campaigns-past-window": {
        "task": "coupons.tasks.campaigns_end_expired",
        "schedule": timedelta(minutes=5),
    },
    "orders-auto-consume": {
        "task": "consumers.tasks.orders_auto_consume",
        "schedule": timedelta(minutes=10),
    },
    "orders-expire": {
        "task": "consumers.tasks.orders_expire",
        "schedule": timedelta(minutes=5),
    },
    "rating-priors-refresh": {
        "task": "consumers.tasks.rating_priors_refresh",
        "schedule": crontab(hour=4, minute=10),
    },
    "flash-deals-fan-out-due": {
        "task": "deals.tasks.flash_deals_fan_out_due",
        "schedule": timedelta(minutes=1),
    },
    "notifications-outbox-dispatch": {
        "task": "notifications.tasks.outbox_dispatch_due",
        "schedule": timedelta(minutes=1),
    },
    "activity-areas-refresh": {
        "task": "geo.tasks.activity_areas_refresh",
        "schedule": crontab(hour=4, minute=40),
    },
    "crm-pending-touches-apply": {
        "task": "crm.tasks.pending_touches_apply",
        "schedule": timedelta(minutes=1),
    },
    "crm-customers-recompute": {
        "task": "crm.tasks.customers_recompute_all",
        "schedule": crontab(hour=3, minute=30),
    },
    "privacy-deletions-due": {
        "task": "privacy.tasks.deletions_due_run",
        "schedule": crontab(minute=15),
    },
    "privacy-locations-retention": {
        "task": "privacy.tasks.locations_retention_purge",
        "schedule": crontab(hour=4, minute=20),
    },
    "privacy-exports-expire": {
        "task": "privacy.tasks.exports_expire",
        "schedule": crontab(hour=4, minute=25),
    },
    "payments-pending-check": {
        "task": "payments.tasks.payments_pending_check",
        "schedule": timedelta(minutes=1),
    },
    "payments-reconcile": {
        "task": "payments.tasks.payments_reconcile",
        "schedule": crontab(hour=10, minute=0),
    },
    "payout-batches-create": {
        "task": "settlement.tasks.payout_batches_create",
        "schedule": crontab(day_of_week="mon", hour=3, minute=0),
    },
}

# --- payments and membership cards -------------------------------------------------------------
# Payment backends by name, like EMAIL_BACKEND: cash at the counter everywhere; local and test
# settings add the sandbox gateway; production adds real gateways here.
PAYMENT_GATEWAY_CLASSES = {
    "wechatpay": "payments.backends.wechatpay.WeChatPayBackend",
    "wechatpay_code": "payments.backends.wechatpay.WeChatPayCodeBackend",
    "alipay": "payments.backends.alipay.AlipayBackend",
    "alipay_code": "payments.backends.alipay.AlipayCodeBackend",
}
# The real gateways in use, by name: PAYMENT_GATEWAYS=wechatpay,wechatpay_code,alipay,alipay_code
PAYMENT_BACKENDS = {
    "cash": "payments.backends.cash.CashAtCounterBackend",
    **{name: PAYMENT_GATEWAY_CLASSES[name] for name in env.list("PAYMENT_GATEWAYS", default=[])},
}
# An order or top-up not paid in this time closes and gives back what it held (places, points).
PAYMENT_TIMEOUT_MINUTES = env.int("PAYMENT_TIMEOUT_MINUTES", default=15)
# A pending payment with no notification after this long is asked about (beat, every minute).
PAYMENT_QUERY_AFTER_SECONDS = env.int("PAYMENT_QUERY_AFTER_SECONDS", default=60)
# Our numbers at the gateways (out_trade_no) start with this: one per deployment sharing a
# merchant account (staging, production).
PAYMENT_TRADE_NO_PREFIX = env("PAYMENT_TRADE_NO_PREFIX", default="o2o")
# The counter's payment code the customer must confirm: asked every N s for M s, then reversed.
PAYMENT_CODE_POLL_SECONDS = env.float("PAYMENT_CODE_POLL_SECONDS", default=5)
PAYMENT_CODE_WAIT_SECONDS = env.float("PAYMENT_CODE_WAIT_SECONDS", default=30)
# Where gateways POST their notifications: this origin + /api/v1/payments/notify/<backend>/.
PAYMENT_NOTIFY_ORIGIN = env("PAYMENT_NOTIFY_ORIGIN", default="http://127.0.0.1:8000")
# WeChat Pay API v3 (payments.backends.wechatpay), public-key mode. Keys inline or as PEM paths.
WECHATPAY_MCHID = env("WECHATPAY_MCHID", default="")
WECHATPAY_APPID = env("WECHATPAY_APPID", default="")
WECHATPAY_APIV3_KEY = env("WECHATPAY_APIV3_KEY", default="")
WECHATPAY_PRIVATE_KEY = env("WECHATPAY_PRIVATE_KEY", default="")  # the merchant's API key
WECHATPAY_CERT_SERIAL_NO = env("WECHATPAY_CERT_SERIAL_NO", default="")
WECHATPAY_PUBLIC_KEY = env("WECHATPAY_PUBLIC_KEY", default="")  # the platform's public key
WECHATPAY_PUBLIC_KEY_ID = env("WECHATPAY_PUBLIC_KEY_ID", default="")
WECHATPAY_GATEWAY = env("WECHATPAY_GATEWAY", default="https://api.mch.weixin.qq.com")
WECHATPAY_TIMEOUT_SECONDS = env.int("WECHATPAY_TIMEOUT_SECONDS", default=10)
# Alipay (payments.backends.alipay), RSA2. Keys inline or as PEM paths.
ALIPAY_APPID = env("ALIPAY_APPID", default="")
ALIPAY_APP_PRIVATE_KEY = env("ALIPAY_APP_PRIVATE_KEY", default="")
ALIPAY_PUBLIC_KEY = env("ALIPAY_PUBLIC_KEY", default="")  # Alipay's public key, not ours
ALIPAY_SELLER_ID = env("ALIPAY_SELLER_ID", default="")  # 2088...: checked in notifications
ALIPAY_GATEWAY = env("ALIPAY_GATEWAY", default="https://openapi.alipay.com/gateway.do")
ALIPAY_TIMEOUT_SECONDS = env.int("ALIPAY_TIMEOUT_SECONDS", default=15)
CARD_PASSWORD_FAILURE_LIMIT = env.int("CARD_PASSWORD_FAILURE_LIMIT", default=5)
CARD_PASSWORD_LOCK_MINUTES = env.int("CARD_PASSWORD_LOCK_MINUTES", default=15)
CARD_FONT_PATH = env("CARD_FONT_PATH", default="")  # empty: a known CJK font, else fontconfig

# --- crm -------------------------------------------------------------------------------------
# True: other apps' writes reach the customer directory on commit through a Celery task.
CRM_FEED_ASYNC = env.bool("CRM_FEED_ASYNC", default=True)

# --- coupons ---------------------------------------------------------------------------------
COUPON_REVERSAL_WINDOW_MINUTES = env.int("COUPON_REVERSAL_WINDOW_MINUTES", default=30)

# --- dashboard ------------------------------------------------------------------------------
LOGIN_URL = "dashboard:login"
# Map tiles of the shop page's pin ({z}/{x}/{y}); empty: no base map, the pin still works.
# Tiles must be WGS84 like the stored locations: Chinese providers serve GCJ-02 (offset).
DASHBOARD_MAP_TILES_URL = env(
    "MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
DASHBOARD_MAP_ATTRIBUTION = env("MAP_ATTRIBUTION", default="© OpenStreetMap contributors")
# How often the orders inbox asks for new orders (seconds); each ask is one small query.
DASHBOARD_INBOX_POLL_SECONDS = env.int("DASHBOARD_INBOX_POLL_SECONDS", default=15)

# --- reviews ---------------------------------------------------------------------------------
# The automatic hiding rule (consumers.services.reviews.review_report): this many pending reports
# from accounts at least this many days old, none of them the shop's merchant.
REVIEW_REPORTS_TO_HIDE = env.int("REVIEW_REPORTS_TO_HIDE", default=3)
REVIEW_REPORT_ACCOUNT_MIN_DAYS = env.int("REVIEW_REPORT_ACCOUNT_MIN_DAYS", default=7)

# --- orders and settlement --------------------------------------------------------------------
# A confirmed booking nobody disputes counts as consumed this many hours after its slot ends.
ORDER_AUTO_CONFIRM_HOURS = env.int("ORDER_AUTO_CONFIRM_HOURS", default=24)
# How consumers pay for orders when they name no online method: a PAYMENT_BACKENDS name. The
# sandbox exists in local and test settings only; production sets a real gateway here.
ORDER_PAYMENT_BACKEND = env("ORDER_PAYMENT_BACKEND", default="sandbox")
# The platform's commission for merchants without their own rate, in basis points (6.00%).
SETTLEMENT_DEFAULT_COMMISSION_BP = env.int("SETTLEMENT_DEFAULT_COMMISSION_BP", default=600)

# --- flash deals and notifications ----------------------------------------------------------
# Channel backends, like EMAIL_BACKEND (notifications.backends): console, file, or a gateway's.
NOTIFICATION_SMS_BACKEND = env(
    "NOTIFICATION_SMS_BACKEND", default="notifications.backends.console.ConsoleBackend"
)
NOTIFICATION_PUSH_BACKEND = env(
    "NOTIFICATION_PUSH_BACKEND", default="notifications.backends.console.ConsoleBackend"
)
# A push channel per device platform: ios, android and harmony go through the native push
# backend above (JPush, say); browsers' subscriptions (platform "web") through Web Push.
NOTIFICATION_WEB_PUSH_BACKEND = env(
    "NOTIFICATION_WEB_PUSH_BACKEND", default="notifications.backends.webpush.WebPushBackend"
)
NOTIFICATION_FILE_PATH = env.path("NOTIFICATION_FILE_PATH", default=BASE_DIR / ".local" / "outbox")
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=6)
NOTIFICATION_RETRY_BASE_SECONDS = env.int("NOTIFICATION_RETRY_BASE_SECONDS", default=30)
NOTIFICATION_RETRY_MAX_SECONDS = env.int("NOTIFICATION_RETRY_MAX_SECONDS", default=3600)
NOTIFICATION_SEND_LEASE_SECONDS = env.int("NOTIFICATION_SEND_LEASE_SECONDS", default=120)

# --- SMS codes, SMS gateways and push (README: Gateways) ---------------------------------
SMS_CODE_TTL_SECONDS = env.int("SMS_CODE_TTL_SECONDS", default=300)
SMS_CODE_MAX_ATTEMPTS = env.int("SMS_CODE_MAX_ATTEMPTS", default=5)
SMS_CODE_LIMITS = ((60, 1), (3600, 5), (86400, 10))  # per phone: (window seconds, codes)
CAPTCHA_TIMEOUT = 5  # minutes an image challenge lives (django-simple-captcha)
CAPTCHA_LENGTH = 4
# The approved sign name (签名) and, per message kind, the approved template and the names of
# its parameters, in order: {"verification": {"template": "SMS_1", "params": ["code"]}, ...}.
# A parameter is read from the message's data, else its `title` or `body`.
SMS_SIGN_NAME = env("SMS_SIGN_NAME", default="")
SMS_TEMPLATES = env.json("SMS_TEMPLATES", default={})
SMS_ALIYUN_ACCESS_KEY_ID = env("SMS_ALIYUN_ACCESS_KEY_ID", default="")
SMS_ALIYUN_ACCESS_KEY_SECRET = env("SMS_ALIYUN_ACCESS_KEY_SECRET", default="")
SMS_ALIYUN_ENDPOINT = env("SMS_ALIYUN_ENDPOINT", default="dysmsapi.aliyuncs.com")
SMS_TENCENT_SECRET_ID = env("SMS_TENCENT_SECRET_ID", default="")
SMS_TENCENT_SECRET_KEY = env("SMS_TENCENT_SECRET_KEY", default="")
SMS_TENCENT_SDK_APP_ID = env("SMS_TENCENT_SDK_APP_ID", default="")
SMS_TENCENT_REGION = env("SMS_TENCENT_REGION", default="ap-guangzhou")
SMS_TENCENT_ENDPOINT = env("SMS_TENCENT_ENDPOINT", default="sms.tencentcloudapi.com")
SMS_GATEWAY_PROTOCOL = env("SMS_GATEWAY_PROTOCOL", default="https")  # http: the tests' fakes
# The secret path segment of the gateways' receipt and reply callbacks (they sign nothing).
SMS_CALLBACK_TOKEN = env("SMS_CALLBACK_TOKEN", default="")
# What every marketing SMS ends with: the carriers require a way to refuse.
SMS_MARKETING_OPT_OUT = env("SMS_MARKETING_OPT_OUT", default="拒收请回复R")
# Replies that unsubscribe a phone from marketing (case-insensitive, whole reply).
# Marketing SMS carry a link here that unsubscribes their phone (…/sms/unsubscribe/<token>/).
SMS_UNSUBSCRIBE_URL = env("SMS_UNSUBSCRIBE_URL", default="")
SMS_OPT_OUT_REPLIES = env.list("SMS_OPT_OUT_REPLIES", default=["R", "T", "TD", "N", "退订"])
JPUSH_APP_KEY = env("JPUSH_APP_KEY", default="")
JPUSH_MASTER_SECRET = env("JPUSH_MASTER_SECRET", default="")
JPUSH_API_URL = env("JPUSH_API_URL", default="https://api.jpush.cn/v3/")
JPUSH_APNS_PRODUCTION = env.bool("JPUSH_APNS_PRODUCTION", default=True)
# Web Push (RFC 8030, VAPID RFC 8292) for the consumer app. The set-up generates the private key
# once (platform/local_secrets.py); the public key is derived from it unless given (then they
# must match). Production refuses to start without the key while WEBPUSH_ENABLED is on.
WEBPUSH_ENABLED = env.bool("WEBPUSH_ENABLED", default=True)
WEBPUSH_VAPID_PRIVATE_KEY = env("WEBPUSH_VAPID_PRIVATE_KEY", default="")
WEBPUSH_VAPID_PUBLIC_KEY = env("WEBPUSH_VAPID_PUBLIC_KEY", default="")
WEBPUSH_VAPID_SUBJECT = env("WEBPUSH_VAPID_SUBJECT", default="mailto:push@localhost")
WEBPUSH_TTL_SECONDS = env.int("WEBPUSH_TTL_SECONDS", default=86400)  # kept while offline
# The push services a subscription's endpoint may name (host, or "*." + domain): our workers
# POST to it, so only the browsers' own services (Chrome and Edge's FCM, Firefox's autopush,
# Safari's, Windows'); any other host is refused when the subscription is registered.
WEBPUSH_PUSH_SERVICES = env.list(
    "WEBPUSH_PUSH_SERVICES",
    default=[
        "fcm.googleapis.com",
        "*.push.services.mozilla.com",
        "*.push.apple.com",
        "*.notify.windows.com",
    ],
)
# Subscriptions on http://127.0.0.1 (the tests' fake push service) are taken with DEBUG on or
# this set (the test settings); production refuses it.
WEBPUSH_ALLOW_LOCAL_HTTP = env.bool("WEBPUSH_ALLOW_LOCAL_HTTP", default=False)
FLASH_DEAL_FANOUT_QUEUE = env("FLASH_DEAL_FANOUT_QUEUE", default="fanout")
FLASH_DEAL_FANOUT_BATCH = env.int("FLASH_DEAL_FANOUT_BATCH", default=2000)
# A pause between batches leaves the database room for other work on a huge fan-out.
FLASH_DEAL_FANOUT_PAUSE_MS = env.int("FLASH_DEAL_FANOUT_PAUSE_MS", default=0)

# --- privacy (PIPL) ---------------------------------------------------------------------------
# Account cancellation waits this many days; signing in during them cancels it.
PRIVACY_DELETION_WAIT_DAYS = env.int("PRIVACY_DELETION_WAIT_DAYS", default=15)
# Raw check-ins and orders' precise locations are purged after this many days.
PRIVACY_LOCATION_RETENTION_DAYS = env.int("PRIVACY_LOCATION_RETENTION_DAYS", default=180)
# A data export's download link works once, for this many minutes.
PRIVACY_EXPORT_LINK_MINUTES = env.int("PRIVACY_EXPORT_LINK_MINUTES", default=10)
# A prepared export nobody downloads is deleted after this many days.
PRIVACY_EXPORT_KEEP_DAYS = env.int("PRIVACY_EXPORT_KEEP_DAYS", default=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact": {"()": "core.redaction.RedactSecrets"}},  # no secrets in logs
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "pgtrigger": {"level": "WARNING"}},
}

# --- reliability and security (tests/reliability) --------------------------------------------
CSRF_FAILURE_VIEW = "core.api.csrf_failure"
# A database that does not answer fails the request in seconds (503), not at the worker timeout;
# TCP keepalives notice a server that vanished mid-query.
for _database in DATABASES.values():
    _database.setdefault("OPTIONS", {}).update(
        connect_timeout=env.int("DATABASE_CONNECT_TIMEOUT", default=3),
        keepalives=1,
        keepalives_idle=10,
        keepalives_interval=5,
        keepalives_count=3,
    )
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# Audit history (audit/models.py): triggers are installed by `migrate` itself, so tracking a
# model of another app adds no migration to that app; reads carry no audit context.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
