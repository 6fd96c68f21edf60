from django.urls import path

from . import views

app_name = "tutoring"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("ask/", views.request_new, name="request-new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path("requests/<int:pk>/propose/", views.propose, name="propose"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing"),
    path("pairings/<int:pk>/step/<str:action>/", views.pairing_step, name="pairing-step"),
    path("pairings/<int:pk>/sessions/", views.session_log, name="session-log"),
    path("sessions/<int:pk>/confirm/", views.session_confirm, name="session-confirm"),
    path("sessions/<int:pk>/rate/", views.session_rate, name="session-rate"),
    path("check-ins/<int:pk>/", views.check_in, name="check-in"),
    path("tutor/", views.tutor, name="tutor"),
    path("tutor/offer/", views.offer, name="offer"),
    path("branches/<int:pk>/", views.branch, name="branch"),
    path("overview/", views.overview, name="overview"),
    path("overview/hand-over/", views.hand_over_all, name="hand-over"),
    path("overview/export/<str:table>/", views.export, name="export"),
]
