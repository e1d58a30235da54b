"""
/api/v1/: posts, channels, the reports' summary, the OpenAPI schema and its Swagger UI.

The schema is for programs: like the API it is exempt from the login page and
answers 401 JSON to an anonymous request, so that a client can fetch it with its
token. The docs page is for people in a browser: an anonymous visitor is sent to the
login page like everywhere else (DRF exempts all its views from the middleware, so
this is said with login_required), and Swagger UI then reads the schema with the
session. Both need a login (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]), whatever the
role: the schema tells what the API can do, not what is in the inbox.
"""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from .reports import SummaryView
from .views import ChannelViewSet, PostViewSet

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("posts", PostViewSet, basename="post")
router.register("channels", ChannelViewSet, basename="channel")

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    # The split view loads its start-up script from this address, not inline: the CSP
    # holds. Swagger UI sets style attributes as it draws, which this page alone allows.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema"))
        ),
        name="docs",
    ),
    path("reports/summary/", SummaryView.as_view(), name="reports-summary"),
    *router.urls,
]
