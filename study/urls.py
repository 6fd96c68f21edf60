from django.urls import path

from .views import activities

app_name = "study"

urlpatterns: list = [
    # Activities and readings.
    path("activities/", activities.activity_list, name="activities"),
    path("activities/new/", activities.activity_create, name="activity-create"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", activities.activity_edit, name="activity-edit"),
    path("activities/<int:pk>/sign-up/", activities.activity_sign_up, name="activity-sign-up"),
    path("activities/<int:pk>/cancel/", activities.activity_cancel, name="activity-cancel"),
    path("activities/<int:pk>/sign-in/", activities.activity_sign_in, name="activity-sign-in"),
    path("activities/<int:pk>/code/", activities.activity_code, name="activity-code"),
    path(
        "activities/<int:pk>/attendance/",
        activities.activity_attendance,
        name="activity-attendance",
    ),
    path(
        "activities/<int:pk>/attendance/<int:registration_pk>/mark/",
        activities.activity_mark,
        name="activity-mark",
    ),
    path(
        "activities/<int:pk>/attendance/<int:registration_pk>/unmark/",
        activities.activity_unmark,
        name="activity-unmark",
    ),
    path("readings/", activities.reading_list, name="readings"),
    path("readings/<int:pk>/", activities.reading_detail, name="reading"),
    path("readings/<int:pk>/pdf/", activities.reading_pdf, name="reading-pdf"),
]
