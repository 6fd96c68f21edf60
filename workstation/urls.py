from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.names import college_name_lazy, site_name_lazy

from . import views

admin.site.site_header = format_lazy(_("{site} administration"), site=site_name_lazy())
admin.site.site_title = site_name_lazy()
admin.site.index_title = college_name_lazy()
# The admin signs in through the portal's sign-in page, with its rate limits and two-factor step.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("notifications.urls")),
    path("study/", include("study.urls")),
    path("dorms/", include("dorms.urls")),
    path("suggestions/", include("feedback.urls")),
    path("tutoring/", include("tutoring.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("glance/", include("workstation.glance_urls")),
    path("", include("members.urls")),
    path("admin/", admin.site.urls),
]
