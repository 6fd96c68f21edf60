"""The main navigation's menus: every page a person reaches from the top bar, in one place.

Each link names the context flag that says whether the person may open the page; the apps'
context processors (`members`, `study`, `feedback`, ...) set those flags, so who sees a link
is decided where the page's own rule lives. A menu shows only the links its reader may open,
and a menu with none is not shown. A new app adds its links here and its flags in its own
context processor.

Where a link goes: "Manage" holds the pages where one handles other people's records (queues,
overviews, the directory, the admin); the other menus hold what one uses for oneself.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Link:
    url_name: str
    label: Promise
    shown_if: str  # a context variable, dotted as in a template ("nav_review", "user.is_staff")
    test_id: str


@dataclass(frozen=True)
class Menu:
    key: str
    label: Promise
    links: tuple[Link, ...]


MENUS: tuple[Menu, ...] = (
    Menu(
        "study",
        pgettext_lazy("navigation menu", "Study"),
        (
            Link("study:mine", _("My study"), "nav_my_study", "nav-my-study"),
            Link("study:activities", _("Activities"), "nav_activities", "nav-activities"),
            Link("members:branches", _("Branches"), "nav_branches", "nav-branches"),
        ),
    ),
    Menu(
        "services",
        pgettext_lazy("navigation menu", "Services"),
        (
            Link("tutoring:mine", _("Peer tutoring"), "nav_tutoring_request", "nav-tutoring"),
            Link("tutoring:tutor", _("My tutees"), "nav_tutoring_tutor", "nav-tutor"),
            Link("dorms:mine", _("My dorm"), "nav_dorms_mine", "nav-dorms"),
            Link(
                "evaluations:mine",
                _("Mutual evaluation"),
                "nav_evaluations",
                "nav-evaluations",
            ),
        ),
    ),
    Menu(
        "suggestions",
        pgettext_lazy("navigation menu", "Suggestions"),
        (Link("feedback:board", _("Suggestion board"), "user.is_authenticated", "nav-board"),),
    ),
    Menu(
        "manage",
        pgettext_lazy("navigation menu", "Manage"),
        (
            Link("study:review", _("Review queue"), "nav_review", "nav-review"),
            Link("study:overview", _("Study overview"), "nav_study_overview", "nav-study-overview"),
            Link("feedback:queue", _("Suggestion queue"), "nav_feedback_queue", "nav-queue"),
            Link(
                "tutoring:overview",
                _("Tutoring overview"),
                "nav_tutoring_overview",
                "nav-tutoring-overview",
            ),
            Link("dorms:rounds", _("Dorm inspections"), "nav_dorms_manage", "nav-dorm-rounds"),
            Link(
                "evaluations:campaigns",
                _("Evaluation campaigns"),
                "user.is_staff",
                "nav-evaluation-campaigns",
            ),
            Link("members:directory", _("Directory"), "nav_directory", "nav-directory"),
            Link("workstation:branches", _("Branch view"), "nav_branch_views", "nav-branch-views"),
            Link("workstation:dashboard", _("Staff dashboard"), "nav_dashboard", "nav-dashboard"),
            Link("members:ledger", _("Party development ledger"), "user.is_staff", "nav-ledger"),
            Link(
                "members:incomplete", _("Timelines incomplete"), "user.is_staff", "nav-incomplete"
            ),
            Link("admin:index", _("Administration"), "user.is_staff", "nav-admin"),
        ),
    ),
)
