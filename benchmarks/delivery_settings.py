"""Production settings with the two comparison routes of benchmarks/delivery.py
(benchmarks/delivery_urls.py)."""

from cms.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.delivery_urls"
