from django.urls import path

from .views import activities, progress_list, track

app_name = "study"

urlpatterns: list = [
    # The track: my study, the log and its review, progress and sign-off, the staff pages.
    path("", track.mine, name="mine"),
    path("entries/new/", track.entry_new, name="entry-new"),
    path("entries/<int:pk>/", track.entry_detail, name="entry"),
    path("entries/<int:pk>/edit/", track.entry_edit, name="entry-edit"),
    path("entries/<int:pk>/submit/", track.entry_submit, name="entry-submit"),
    path("entries/<int:pk>/delete/", track.entry_delete, name="entry-delete"),
    path("entries/<int:pk>/approve/", track.entry_approve, name="entry-approve"),
    path("entries/<int:pk>/return/", track.entry_return, name="entry-return"),
    path("review/", track.review_queue, name="review"),
    path("review/approve/", track.review_approve_selected, name="review-approve-selected"),
    path("people/<int:pk>/", track.person, name="person"),
    path("participants/<int:pk>/sign-off/", track.sign_off, name="sign-off"),
    path("participants/<int:pk>/remove/", track.participant_remove, name="participant-remove"),
    path("plans/<int:pk>/participants/", track.participants, name="participants"),
    path("overview/", track.overview, name="overview"),
    path("progress/", progress_list.progress_list, name="progress-list"),
    path("overview/entries.xlsx", track.export_entries, name="export-entries"),
    path("overview/progress.xlsx", track.export_progress, name="export-progress"),
    # Activities and readings.
    path("activities/", activities.activity_list, name="activities"),
    path("activities/places/", activities.activity_places, name="activity-places"),
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
