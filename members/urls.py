from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("people/", views.directory, name="directory"),
    path("people/export/", views.directory_export, name="directory-export"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/milestones/", views.add_milestone, name="add-milestone"),
    path("branches/", views.branches, name="branches"),
    path("branches/<int:pk>/", views.branch, name="branch"),
]
