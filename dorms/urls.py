from django.urls import path

from . import views

app_name = "dorms"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("rooms/<int:pk>/", views.room, name="room"),
    path("rooms/<int:pk>/key-dorm/", views.key_dorm_open, name="key-dorm-open"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("inspections/<int:pk>/inspect/", views.inspect, name="inspect"),
    path("inspections/<int:pk>/item/", views.inspect_item, name="inspect-item"),
    path("inspections/<int:pk>/again/", views.reinspect, name="reinspect"),
    path("inspections/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("items/<int:pk>/photo/", views.photo, name="photo"),
    path("items/<int:pk>/comment/", views.dispute, name="dispute"),
    path("key-dorms/", views.key_dorms, name="key-dorms"),
    path("key-dorms/export/", views.key_dorms_export, name="key-dorms-export"),
    path("key-dorms/<int:pk>/", views.key_dorm, name="key-dorm"),
    path("key-dorms/<int:pk>/<str:action>/", views.key_dorm_step, name="key-dorm-step"),
    path("actions/<int:pk>/confirm/", views.action_confirm, name="action-confirm"),
    path("branches/<int:pk>/", views.branch, name="branch"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/export/", views.round_export, name="round-export"),
    path("scores/", views.scores, name="scores"),
    path("scores/export/", views.scores_export, name="scores-export"),
    path("disputes/", views.disputes, name="disputes"),
    path("disputes/export/", views.disputes_export, name="disputes-export"),
    path("disputes/<int:pk>/settle/", views.settle, name="settle"),
]
