"""The benchmark server's settings: the product's own, with the floor views' URLs added.

Only the benchmarks' gunicorn runs with these (`DJANGO_SETTINGS_MODULE=bench.settings`), so
the floor views never reach the product's URLs.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
