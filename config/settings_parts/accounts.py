"""Accounts and signing in (django-allauth: email and a one-time code), and the proxies whose
X-Forwarded-For gives a client's address."""

from config.settings_parts.environment import env

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email only, one-time code by email, optional password, verified email.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Rakor] "
ACCOUNT_LOGOUT_ON_GET = False
# Government mail can be slow (greylisting): a sign-in code lives 10 minutes, not allauth's 3,
# and a new one can be asked for. Still 3 tries per code, and allauth's rate limits (default
# ACCOUNT_RATE_LIMITS, kept in the cache above) cap code requests per address and per IP.
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
# The reverse proxies in front of gunicorn, each appending to X-Forwarded-For: limits per client
# address (Rakor's through core.http.client_ip, and allauth's) count the entry that many from the
# right, not REMOTE_ADDR, which is the proxy's for everybody. One by default with BEHIND_PROXY.
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=1 if env.bool("BEHIND_PROXY", default=False) else 0
)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
