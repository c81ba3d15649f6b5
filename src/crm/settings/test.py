"""Settings for the test suite: the real settings with fast hashing and plain static files."""

import os

from crm.settings import *  # noqa: F403
from crm.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CRM_JOBS_BACKEND = "eager"
CRM_JOBS_SCHEDULER = False
LOGGING = {"version": 1, "disable_existing_loggers": False}

# A test-only app with an owned, shareable record type: the permission matrix runs against it.
INSTALLED_APPS = [*INSTALLED_APPS, "crm.core.tests.scopedapp"]  # noqa: F405
ROOT_URLCONF = "crm.core.tests.scopedapp.urls"

# SQLite tests use a file, not shared-cache memory: concurrency tests (20 claims at once) need
# real locking with busy waits, as in production; WAL keeps it fast.
if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:  # noqa: F405
    # One file per test process, so that test runs side by side do not share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-crm-{os.getpid()}.sqlite3")}  # noqa: F405
