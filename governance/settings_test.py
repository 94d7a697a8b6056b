"""Test settings: real PostgreSQL and real Redis (overridable by the same variables as production)."""
import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/governance")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("PII_KEY", "test-only-pii-key-0123456789abcdefghijklmnopqrstuv")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("VAR_DIR", "/tmp/governance-test-var")

from .settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "governance.hashers.OneTimePasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
AXES_ENABLED = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# The sign-in policy's own tests switch these on (accounts/tests/); the rest of the suite signs in with
# force_login and many clients per user.
OTP_REQUIRED = False
SESSION_MAX_CONCURRENT = 0
