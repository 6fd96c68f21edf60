from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.open_notice, name="open"),
    path("read-all/", views.mark_all_read, name="read-all"),
]
