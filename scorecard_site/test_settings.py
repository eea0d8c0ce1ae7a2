"""Settings for the test suite: fast hashing, in-memory mail and cache, eager Celery."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STATICFILES_DIRS = [BASE_DIR / "static"]  # noqa: F405 - no built assets needed in tests
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
DEBUG = False
LANGUAGE_CODE = "en"
WHITENOISE_AUTOREFRESH = True  # no collected static files in tests
