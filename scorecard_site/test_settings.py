"""Settings for the test suite: fast hashing, in-memory mail and cache, eager Celery."""

from pathlib import Path

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# The npm assets (`make install-dev` installs them) are served as in development so that browser tests see the real
# pages; a folder that is not installed is left out, so the other tests run without node_modules.
STATICFILES_DIRS = [
    entry
    for entry in STATICFILES_DIRS  # noqa: F405
    if Path(str(entry[1] if isinstance(entry, tuple) else entry)).exists()
]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
DEBUG = False
LANGUAGE_CODE = "en"
WHITENOISE_AUTOREFRESH = True  # no collected static files in tests
