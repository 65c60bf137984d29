"""The site: its address and hosts, the apps and middleware, templates, languages and time
zone, static files and the tables' look."""

from django.utils.translation import gettext_lazy as _

from config.settings_parts.environment import BASE_DIR, VAR_DIR, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-only-for-local-development")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Unset, the development server on this machine, on the port `make run PORT=…` serves.
RUNSERVER_PORT = env.int("RUNSERVER_PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{RUNSERVER_PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "core",
    "members",
    "outbox",
    "events",
    "attendance",
    "outputs",
    "records",
    "personal_data",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Indonesian unless English was chosen with the switch; the browser's language is not asked.
    "core.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Before any view or process_view (the CSRF check) reads a body larger than Rakor takes.
    "core.http.RequestTooLargeMiddleware",
    "core.links.TooManyWrongLinksMiddleware",
    # request.htmx: whether htmx asked (the HX-Request header), and its other headers.
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

# Django's widgets are drawn by the project's templates (templates/django/forms/widgets/), which
# give them Bootstrap's classes: no form in Python names a CSS class.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    # The check-in scanner: the BarcodeDetector ponyfill, its WebAssembly, the offline queue.
    ("vendor/barcode-detector", BASE_DIR / "node_modules/barcode-detector/dist/iife"),
    ("vendor/zxing-wasm", BASE_DIR / "node_modules/zxing-wasm/dist/reader"),
    ("vendor/idb-keyval", BASE_DIR / "node_modules/idb-keyval/dist"),
    ("vendor/signature_pad", BASE_DIR / "node_modules/signature_pad/dist"),
    # Searchable selects: the meeting's time zone, the inviting page's search-as-you-type picker.
    ("vendor/tom-select", BASE_DIR / "node_modules/tom-select/dist"),
]

DJANGO_TABLES2_TEMPLATE = "tables/rakor.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}
