import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialstrategy.settings")

application = get_wsgi_application()

# The application's own objects (modules, settings, URL patterns, translations: some
# 100,000) are left out of the garbage collector's full passes, which otherwise walk
# them all inside whichever request set one off. A report that builds many small
# objects set them off often: at 5 M posts the 12-month report's p95 was 270 ms with
# them, 150 ms without (bench/dashboard.py measures with this module loaded).
gc.freeze()

# And the youngest generation is collected every 50,000 allocations, not every 700: a
# report page allocates a few hundred thousand short-lived objects (rows, tallies,
# template nodes), and set off some twenty collections each. Measured on the reports
# at 5 M posts, in one process taking turns: the 12-month page's p50 329 -> 301 ms,
# today's 194 -> 177 ms. The older generations keep their default ratios.
YOUNGEST_COLLECTED_EVERY = 50_000
gc.set_threshold(YOUNGEST_COLLECTED_EVERY, *gc.get_threshold()[1:])
