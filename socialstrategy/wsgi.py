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
