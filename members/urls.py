from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("people/", views.directory, name="directory"),
    path("people/export/", views.directory_export, name="directory-export"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/milestones/", views.add_milestone, name="add-milestone"),
    path(
        "people/<int:pk>/milestones/<int:step_pk>/remove/",
        views.remove_step,
        name="remove-step",
    ),
    path("development/ledger/", views.ledger, name="ledger"),
    path("development/ledger/export/", views.ledger_export, name="ledger-export"),
    path("development/incomplete/", views.incomplete, name="incomplete"),
    path("branches/", views.branches, name="branches"),
    path("branches/<int:pk>/development/", views.development, name="development"),
    path("branches/<int:pk>/", views.branch, name="branch"),
]
