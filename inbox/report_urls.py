"""/reports/: the managers' dashboard (views in inbox/views/reports.py)."""

from django.urls import path

from .views import report_exports, reports

app_name = "reports"

urlpatterns = [
    path("", reports.dashboard, name="dashboard"),
    path("export/<slug:table>.<slug:kind>", report_exports.export, name="export"),
    path("mine/", reports.mine, name="mine"),
]
