from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.submit, name="submit"),
    path("similar/", views.similar, name="similar"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/support/", views.support, name="support"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/handle/<str:action>/", views.handle, name="handle"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("queue/", views.queue, name="queue"),
    path("queue/assign/", views.bulk_assign, name="bulk-assign"),
    path("queue/assignees/", views.assignees, name="assignees"),
    path("queue/export/", views.export, name="export"),
    path("statistics/", views.statistics, name="statistics"),
]
