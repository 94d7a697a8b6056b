"""Settings of the load-test server only (`services.bench`): the product's settings, plus a bench URL
conf holding the bare baseline view. Never used by the product or its tests."""
from governance.settings import *  # noqa: F401,F403
from governance.settings import STORAGES

ROOT_URLCONF = "bench.urls"
# The API answers JSON; no collected static manifest is needed to serve it.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
