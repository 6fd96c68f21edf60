from django.contrib import admin

from common.admin_lists import ShownLookupsMixin

from .models import Notice


@admin.register(Notice)
class NoticeAdmin(ShownLookupsMixin, admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "email_wanted", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "dedup_key", "recipient__email", "recipient__name"]
    list_select_related = ["recipient"]
    # Filtered lists say "n results" without counting the whole table again.
    show_full_result_count = False
    raw_id_fields = ["recipient"]
    readonly_fields = [
        "dedup_key",
        "texts",
        "created_at",
        "emailed_at",
        "email_attempts",
        "email_failed_at",
    ]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # Private notices are for their recipients only, superusers' eyes included: who was
        # told, and when, is what they keep (see README, "Anonymity, by construction").
        return super().get_queryset(request).not_private()
