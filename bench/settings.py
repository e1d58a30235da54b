"""
The project's settings for the benchmarks, with one addition: a trivial view
(bench/urls.py) that measures what the stack itself costs.
"""

from socialstrategy.settings import *  # noqa: F403 - the project's settings, unchanged but for the URLs

ROOT_URLCONF = "bench.urls"
