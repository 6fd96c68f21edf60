from django.urls import path

from . import dashboards

app_name = "workstation"

urlpatterns = [
    path("", dashboards.dashboard, name="dashboard"),
    path("branches/", dashboards.branch_views, name="branches"),
    path("branches/<int:pk>/", dashboards.branch, name="branch"),
    path("refresh/", dashboards.refresh, name="refresh"),
    path("report/", dashboards.report, name="report"),
    path("report.xlsx", dashboards.report_xlsx, name="report-xlsx"),
]
