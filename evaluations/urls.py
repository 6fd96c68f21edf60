from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:campaign>/ballots/<int:pk>/", views.ballot, name="ballot"),
    path("results/<int:pk>/", views.result, name="result"),
    path("results/<int:pk>/appraise/", views.appraise, name="appraise"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/branches/<int:branch>/", views.branch, name="branch"),
    path("campaigns/<int:pk>/export/", views.export, name="export"),
    path("campaigns/<int:pk>/publish/", views.publish, name="publish"),
]
