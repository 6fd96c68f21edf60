"""Every URL of the portal, for every role, against the expected-access tables: one for GET,
one for POST.

A URL pattern missing from the GET table fails the run: a new page must state who may open it.
A URL that takes a POST and is missing from the POST table fails too, and a POST that is
refused must leave the database as it was. The admin has its own permission model and is
covered by its own tests.
"""

import copy
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dorms.models import Answer, AssistanceAction, Dispute, Inspection, KeyDorm
from dorms.services.inspections import assign_round_rooms
from evaluations.models import Campaign, Evaluatee, Relation
from evaluations.services import close_campaign, open_campaign, publish_results
from notifications.models import Notice
from tests.dorms.factories import (
    BuildingFactory,
    ChecklistItemFactory,
    ContactFactory,
    FloorFactory,
    ResidencyFactory,
    RoomFactory,
    RoundFactory,
)
from tests.evaluations.factories import CampaignFactory, QuestionFactory
from tests.factories import MilestoneFactory, NoticeFactory
from tests.feedback.factories import PhotoFactory, image_bytes
from tests.study.factories import (
    ActivityFactory,
    EnrollmentFactory,
    ReadingFactory,
    RegistrationFactory,
    StudyEntryFactory,
)
from tests.tutoring.factories import PairingFactory, SessionFactory
from tutoring.models import CheckIn

from .fingerprint import changed_tables, fingerprint

ROLES = ["visitor", "student", "member", "reviewer", "staff"]
THIRD_PARTY_PREFIXES = ("admin/",)

# What a GET returns: "ok" 200, "login" a redirect to sign-in, "away" another redirect
# (e.g. a signed-in person sent home from the sign-in page), "405" wrong method, "403", "404".
EVERYONE = dict.fromkeys(ROLES, "ok")
SIGNED_IN_ONLY = {"visitor": "login"} | dict.fromkeys(ROLES[1:], "ok")
VISITORS_ONLY = {"visitor": "ok"} | dict.fromkeys(ROLES[1:], "away")
POST_ONLY = {"visitor": "login"} | dict.fromkeys(ROLES[1:], "405")
STEP_UP = {"visitor": "login"} | dict.fromkeys(ROLES[1:], "away")  # asks for the password again
MID_SIGN_IN = dict.fromkeys(ROLES, "away")  # only a step of a sign-in that has begun
OWN_ONLY = {"visitor": "login"} | dict.fromkeys(ROLES[1:], "404")  # nothing of theirs to show
REVIEWERS_AND_STAFF = {"visitor": "login", "student": "403", "member": "403"} | {
    "reviewer": "ok",
    "staff": "ok",
}
STAFF_ONLY = {"visitor": "login", "student": "403", "member": "403", "reviewer": "403"} | {
    "staff": "ok",
}
# The member's own page and his branch: the student is outside, everyone else sees them.
MEMBERS_OWN = {"visitor": "login", "student": "404"} | dict.fromkeys(ROLES[2:], "ok")
# Activities and readings: for members, reviewers and staff; an activity of the member's branch
# is run by its organiser (staff) and the branch's secretary (the reviewer).
ACTIVITY_READERS = {"visitor": "login", "student": "403"} | dict.fromkeys(ROLES[2:], "ok")
ACTIVITY_RUNNERS = {"visitor": "login", "student": "404", "member": "403"} | {
    "reviewer": "ok",
    "staff": "ok",
}
# The study log: members (the reviewer is one too) log study; staff are not members. The
# member's draft is his to edit; his reviewer and staff see it but may not change it.
STUDY_LOGGERS = {"visitor": "login", "student": "403", "staff": "403"} | {
    "member": "ok",
    "reviewer": "ok",
}
AUTHOR_ONLY = {"visitor": "login", "student": "404", "member": "ok"} | {
    "reviewer": "403",
    "staff": "403",
}
# Peer tutoring: the cast's pairing is the student's (tutee) with the member (tutor); the tutor's
# pages are for the people of the workstation.
PAIRING_SIDES = {"visitor": "login", "student": "ok", "member": "ok", "reviewer": "404"} | {
    "staff": "ok"
}
TUTORS = {"visitor": "login", "student": "403", "member": "ok", "reviewer": "ok"} | {"staff": "403"}
# A room and its inspections: its resident, the member looking after it, and staff.
ROOM_PEOPLE = {"visitor": "login", "student": "ok", "member": "ok", "reviewer": "404"} | {
    "staff": "ok"
}
# A branch's view and the lists behind its figures: its secretary (the reviewer) and staff.
BRANCH_READERS = {"visitor": "login", "student": "404", "member": "404"} | {
    "reviewer": "ok",
    "staff": "ok",
}
EXPECTED: dict[str, dict[str, str]] = {
    # The portal's own pages.
    "home": EVERYONE,
    "healthz": EVERYONE,
    "favicon": EVERYONE,
    "set_language": dict.fromkeys(ROLES, "405"),
    # The workstation at a glance: the branch view (its secretary, staff), the staff dashboard,
    # "compute again" and the semester report (the college's without a branch: staff only).
    "workstation:branches": {"visitor": "login", "student": "403", "member": "403"}
    | {"reviewer": "away", "staff": "ok"},  # a secretary goes straight to his branch
    "workstation:branch": BRANCH_READERS,
    "workstation:dashboard": STAFF_ONLY,
    "workstation:refresh": POST_ONLY,
    "workstation:report": STAFF_ONLY,
    "workstation:report-xlsx": STAFF_ONLY,
    "notifications:inbox": SIGNED_IN_ONLY,
    "notifications:open": POST_ONLY,
    "notifications:read-all": POST_ONLY,
    # Members: profiles, the directory, timelines and branches.
    "members:me": SIGNED_IN_ONLY,
    "members:directory": REVIEWERS_AND_STAFF,
    "members:directory-export": STAFF_ONLY,
    "members:person": MEMBERS_OWN,
    "members:add-milestone": POST_ONLY,
    "members:remove-step": POST_ONLY,
    "members:branch": MEMBERS_OWN,
    # Party development: the branch's page for its secretary (the reviewer) and staff; the
    # college's ledger and the incomplete timelines for staff.
    "members:development": {"visitor": "login", "student": "404", "member": "403"}
    | {"reviewer": "ok", "staff": "ok"},
    "members:ledger": STAFF_ONLY,
    "members:ledger-export": STAFF_ONLY,
    "members:incomplete": STAFF_ONLY,
    "members:branches": {"visitor": "login", "student": "403"} | dict.fromkeys(ROLES[2:], "ok"),
    # Study: the track (my study, the log and its review, progress, sign-off, staff pages).
    "study:mine": SIGNED_IN_ONLY,
    "study:entry-new": STUDY_LOGGERS,
    "study:entry": MEMBERS_OWN,
    "study:entry-edit": AUTHOR_ONLY,
    "study:entry-submit": POST_ONLY,
    "study:entry-delete": POST_ONLY,
    "study:entry-approve": POST_ONLY,
    "study:entry-return": POST_ONLY,
    "study:review": REVIEWERS_AND_STAFF,
    "study:review-approve-selected": POST_ONLY,
    "study:person": MEMBERS_OWN,
    "study:sign-off": POST_ONLY,
    "study:participant-remove": POST_ONLY,
    "study:participants": STAFF_ONLY,
    "study:overview": STAFF_ONLY,
    "study:progress-list": REVIEWERS_AND_STAFF,
    "study:export-entries": STAFF_ONLY,
    "study:export-progress": STAFF_ONLY,
    # Study: activities and readings.
    "study:activities": ACTIVITY_READERS,
    "study:activity-places": REVIEWERS_AND_STAFF,
    "study:activity-create": REVIEWERS_AND_STAFF,
    "study:activity": MEMBERS_OWN,
    "study:activity-edit": ACTIVITY_RUNNERS,
    "study:activity-sign-up": POST_ONLY,
    "study:activity-cancel": POST_ONLY,
    "study:activity-sign-in": MEMBERS_OWN,
    "study:activity-code": ACTIVITY_RUNNERS,
    "study:activity-attendance": ACTIVITY_RUNNERS,
    "study:activity-mark": POST_ONLY,
    "study:activity-unmark": POST_ONLY,
    "study:readings": ACTIVITY_READERS,
    "study:reading": MEMBERS_OWN,
    "study:reading-pdf": MEMBERS_OWN,
    # The suggestion board (no handler among the cast: the queue is staff's).
    "feedback:board": SIGNED_IN_ONLY,
    "feedback:submit": SIGNED_IN_ONLY,
    "feedback:similar": SIGNED_IN_ONLY,
    "feedback:mine": SIGNED_IN_ONLY,
    "feedback:detail": SIGNED_IN_ONLY,
    "feedback:photo": SIGNED_IN_ONLY,
    "feedback:support": POST_ONLY,
    "feedback:report": POST_ONLY,
    "feedback:handle": POST_ONLY,
    "feedback:rate": POST_ONLY,
    "feedback:reopen": POST_ONLY,
    "feedback:moderate": POST_ONLY,
    "feedback:queue": STAFF_ONLY,
    "feedback:bulk-assign": POST_ONLY,
    "feedback:assignees": STAFF_ONLY,
    "feedback:export": STAFF_ONLY,
    "feedback:statistics": STAFF_ONLY,
    # Peer tutoring: the student asks, the member tutors him (the cast's pairing); the tutor's
    # pages are for the workstation; the reviewer is outside the pairing.
    "tutoring:mine": SIGNED_IN_ONLY,
    "tutoring:request-new": {"visitor": "login", "staff": "403"} | dict.fromkeys(ROLES[1:4], "ok"),
    "tutoring:request": PAIRING_SIDES,
    "tutoring:request-withdraw": POST_ONLY,
    "tutoring:propose": POST_ONLY,
    "tutoring:pairing": PAIRING_SIDES,
    "tutoring:pairing-step": POST_ONLY,
    "tutoring:session-log": POST_ONLY,
    "tutoring:session-confirm": POST_ONLY,
    "tutoring:session-rate": POST_ONLY,
    "tutoring:check-in": {"visitor": "login", "student": "ok", "member": "404"}
    | {"reviewer": "404", "staff": "ok"},
    "tutoring:tutor": TUTORS,
    "tutoring:offer": TUTORS,
    "tutoring:overview": STAFF_ONLY,
    "tutoring:branch": BRANCH_READERS,
    "tutoring:hand-over": STAFF_ONLY,
    "tutoring:export": STAFF_ONLY,
    # Dorms: the student lives in the room the member looks after and inspects; the member is
    # responsible for its key dorm's plan and the reviewer reviews it.
    "dorms:mine": SIGNED_IN_ONLY,
    "dorms:room": ROOM_PEOPLE,
    "dorms:key-dorm-open": POST_ONLY,
    "dorms:inspection": ROOM_PEOPLE,
    "dorms:inspect": {"visitor": "login", "student": "404", "member": "ok"}
    | {"reviewer": "404", "staff": "403"},
    "dorms:inspect-item": POST_ONLY,
    "dorms:reinspect": POST_ONLY,
    "dorms:reassign": POST_ONLY,
    "dorms:photo": ROOM_PEOPLE,
    "dorms:dispute": POST_ONLY,
    "dorms:key-dorms": ACTIVITY_READERS,
    "dorms:key-dorms-export": STAFF_ONLY,
    "dorms:key-dorm": {"visitor": "login", "student": "404"} | dict.fromkeys(ROLES[2:], "ok"),
    "dorms:key-dorm-step": POST_ONLY,
    "dorms:action-confirm": POST_ONLY,
    "dorms:branch": BRANCH_READERS,
    "dorms:rounds": STAFF_ONLY,
    "dorms:round": STAFF_ONLY,
    "dorms:round-export": STAFF_ONLY,
    "dorms:scores": STAFF_ONLY,
    "dorms:scores-export": STAFF_ONLY,
    "dorms:disputes": STAFF_ONLY,
    "dorms:disputes-export": STAFF_ONLY,
    "dorms:settle": POST_ONLY,
    # Evaluations: in the open campaign the student (tutee) and the reviewer (branch) evaluate
    # the member, who evaluates himself; in the published one the member reads his results,
    # which his secretary (the reviewer) and staff read and grade.
    "evaluations:mine": SIGNED_IN_ONLY,
    "evaluations:ballot": {"visitor": "login", "staff": "404"} | dict.fromkeys(ROLES[1:4], "ok"),
    "evaluations:result": {"visitor": "login", "student": "404"} | dict.fromkeys(ROLES[2:], "ok"),
    "evaluations:appraise": POST_ONLY,
    "evaluations:campaigns": STAFF_ONLY,
    "evaluations:campaign": STAFF_ONLY,
    "evaluations:branch": {"visitor": "login", "student": "404", "member": "404"}
    | {"reviewer": "ok", "staff": "ok"},
    "evaluations:export": STAFF_ONLY,
    "evaluations:publish": POST_ONLY,
    # Accounts (allauth).
    "account_login": VISITORS_ONLY,
    "account_signup": VISITORS_ONLY,
    "account_request_login_code": VISITORS_ONLY,
    "account_confirm_login_code": MID_SIGN_IN,
    "account_logout": {"visitor": "away"} | dict.fromkeys(ROLES[1:], "ok"),
    "account_inactive": EVERYONE,
    "account_reset_password": EVERYONE,
    "account_reset_password_done": EVERYONE,
    "account_reset_password_from_key": EVERYONE,  # a bad key shows "link invalid"
    "account_reset_password_from_key_done": EVERYONE,
    "account_confirm_email": EVERYONE,  # a bad key shows "link invalid"
    "account_email_verification_sent": EVERYONE,
    "account_email": SIGNED_IN_ONLY,
    "account_change_password": SIGNED_IN_ONLY,
    "account_set_password": STEP_UP,  # people with a password are sent to "change"
    "account_reauthenticate": SIGNED_IN_ONLY,
    "account_request_reauthentication_code": SIGNED_IN_ONLY,
    "account_confirm_reauthentication_code": STEP_UP,
    # Two-factor (allauth.mfa).
    "mfa_index": SIGNED_IN_ONLY,
    "mfa_authenticate": MID_SIGN_IN,
    "mfa_reauthenticate": STEP_UP,
    "mfa_activate_totp": STEP_UP,
    "mfa_deactivate_totp": OWN_ONLY,
    "mfa_generate_recovery_codes": STEP_UP,
    "mfa_view_recovery_codes": OWN_ONLY,
    "mfa_download_recovery_codes": OWN_ONLY,
}


def row(*outcomes: str) -> dict[str, str]:
    """A row of the POST table, one outcome per role in the order of ROLES."""
    assert len(outcomes) == len(ROLES)
    return dict(zip(ROLES, outcomes, strict=True))


# What a POST with no data does, for each role (visitor, student, member, reviewer, staff):
# "done" changed the database (the role may do this), "ok" a form shown again and "away" a
# redirect, both with nothing changed; "login", "403", "404", "405" refused, nothing changed.
# The objects are those of `url_kwargs`: the student's notice and suggestion, the member's
# draft entry, enrolment and registration for an activity of his branch organised by staff.
# A URL missing here must refuse a POST with 405 (a visitor may be sent to sign in first).
POSTED: dict[str, dict[str, str]] = {
    "set_language": row("away", "away", "away", "away", "away"),  # no language: kept as it was
    "notifications:open": row("login", "done", "404", "404", "404"),
    # No period given: this semester's figures are queued for computing after the commit.
    "workstation:refresh": row("login", "403", "403", "403", "away"),
    "notifications:read-all": row("login", "done", "away", "away", "away"),  # nothing unread
    "members:me": row("login", "done", "done", "done", "done"),  # an empty phone clears it
    "members:add-milestone": row("login", "404", "403", "ok", "ok"),
    "members:remove-step": row("login", "404", "403", "done", "done"),
    "study:entry-new": row("login", "403", "ok", "ok", "403"),
    "study:entry-edit": row("login", "404", "ok", "403", "403"),
    "study:entry-submit": row("login", "404", "done", "403", "403"),
    "study:entry-delete": row("login", "404", "done", "403", "403"),
    "study:entry-approve": row("login", "404", "403", "away", "away"),  # a draft: not yet
    "study:entry-return": row("login", "404", "403", "away", "away"),
    "study:review-approve-selected": row("login", "403", "403", "away", "away"),  # none chosen
    "study:sign-off": row("login", "404", "403", "ok", "ok"),
    "study:participant-remove": row("login", "403", "403", "403", "done"),
    "study:participants": row("login", "403", "403", "403", "ok"),
    "study:activity-create": row("login", "403", "403", "ok", "ok"),
    "study:activity-edit": row("login", "404", "403", "ok", "ok"),
    # The member is registered already; staff organise it.
    "study:activity-sign-up": row("login", "404", "away", "done", "away"),
    "study:activity-cancel": row("login", "404", "done", "away", "away"),
    "study:activity-sign-in": row("login", "404", "ok", "ok", "ok"),
    "study:activity-mark": row("login", "404", "403", "away", "away"),  # no choice: no change
    "study:activity-unmark": row("login", "404", "403", "away", "away"),
    "study:reading": row("login", "404", "ok", "ok", "ok"),
    "feedback:submit": row("login", "ok", "ok", "ok", "ok"),
    # The student wrote the suggestion: he may not support or report his own.
    # The student wrote it: nobody supports or reports his own suggestion.
    "feedback:support": row("login", "403", "done", "done", "done"),
    "feedback:report": row("login", "403", "done", "done", "done"),
    "feedback:handle": row("login", "403", "403", "403", "away"),  # no answer written
    "feedback:rate": row("login", "away", "403", "403", "403"),  # not answered yet
    "feedback:reopen": row("login", "away", "403", "403", "403"),
    "feedback:moderate": row("login", "403", "403", "403", "away"),
    "feedback:bulk-assign": row("login", "403", "403", "403", "away"),
    # The student asked; the member tutors him and logged the session, not yet confirmed.
    "tutoring:request-new": row("login", "ok", "ok", "ok", "403"),
    "tutoring:request-withdraw": row("login", "done", "403", "404", "403"),
    "tutoring:propose": row("login", "away", "403", "404", "away"),  # matched: no proposal
    "tutoring:pairing-step": row("login", "403", "away", "404", "403"),  # decline: no reason
    "tutoring:session-log": row("login", "ok", "ok", "404", "403"),  # shown again
    "tutoring:session-confirm": row("login", "done", "403", "404", "403"),
    "tutoring:session-rate": row("login", "away", "403", "404", "403"),  # not confirmed yet
    "tutoring:check-in": row("login", "ok", "404", "404", "403"),
    "tutoring:offer": row("login", "403", "ok", "ok", "403"),
    "tutoring:hand-over": row("login", "403", "403", "403", "ok"),
    "dorms:key-dorm-open": row("login", "403", "403", "404", "away"),  # no reason given
    "dorms:inspect": row("login", "404", "done", "404", "403"),  # the draft is started
    "dorms:inspect-item": row("login", "404", "400", "404", "403"),  # no item named
    "dorms:reinspect": row("login", "403", "done", "404", "done"),
    "dorms:reassign": row("login", "403", "403", "403", "away"),  # nobody chosen
    "dorms:dispute": row("login", "away", "403", "404", "403"),  # no comment written
    "dorms:key-dorm-step": row("login", "404", "done", "403", "done"),  # start the plan
    "dorms:action-confirm": row("login", "404", "403", "done", "403"),
    "dorms:settle": row("login", "403", "403", "403", "away"),  # no decision given
    "evaluations:ballot": row("login", "ok", "ok", "ok", "404"),  # no scores: shown again
    "evaluations:appraise": row("login", "404", "403", "ok", "ok"),  # no grade: shown again
    "evaluations:publish": row("login", "403", "403", "403", "away"),  # published already
    "account_login": row("ok", "away", "away", "away", "away"),
    "account_signup": row("ok", "away", "away", "away", "away"),
    "account_request_login_code": row("ok", "away", "away", "away", "away"),
    "account_confirm_login_code": row("away", "away", "away", "away", "away"),
    "account_logout": row("away", "away", "away", "away", "away"),  # the session only
    "account_reset_password": row("ok", "ok", "ok", "ok", "ok"),
    "account_reset_password_from_key": row("ok", "ok", "ok", "ok", "ok"),  # "link invalid"
    "account_confirm_email": row("404", "404", "404", "404", "404"),
    "account_email": row("login", "away", "away", "away", "away"),
    "account_change_password": row("login", "ok", "ok", "ok", "ok"),
    "account_set_password": row("login", "away", "away", "away", "away"),
    "account_reauthenticate": row("login", "ok", "ok", "ok", "ok"),
    "account_request_reauthentication_code": row("login", "ok", "ok", "ok", "ok"),
    "account_confirm_reauthentication_code": row("login", "away", "away", "away", "away"),
    "mfa_authenticate": row("away", "away", "away", "away", "away"),
    "mfa_reauthenticate": row("login", "away", "away", "away", "away"),
    "mfa_activate_totp": row("login", "away", "away", "away", "away"),
    "mfa_deactivate_totp": row("login", "404", "404", "404", "404"),
    "mfa_generate_recovery_codes": row("login", "away", "away", "away", "away"),
    "mfa_download_recovery_codes": row("login", "404", "404", "404", "404"),
}


def expected_post(name: str, role: str) -> set[str]:
    """What a POST to `name` may answer `role`; a page that only shows refuses it (a visitor
    may be sent to sign in first)."""
    if name in POSTED:
        return {POSTED[name][role]}
    return {"405", "login"} if role == "visitor" else {"405"}


def portal_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(THIRD_PARTY_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, ns)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"URL {route} has no name"
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "", "")
    return names


def test_every_url_is_in_the_table():
    assert portal_url_names() == set(EXPECTED)
    assert set(POSTED) <= set(EXPECTED)


def _dorms(student, member, reviewer, staff) -> dict[str, dict]:
    """The student's room, looked after by the member; a round under way with the room given
    to the member (to do), a done inspection with a photo and the student's open dispute; a
    key dorm with its plan agreed (the member responsible, the reviewer reviewing) and an
    action the member logged."""
    room = RoomFactory(floor=FloorFactory(building=BuildingFactory()))
    ResidencyFactory(person=student, room=room)
    ContactFactory(member=member, room=room)
    item = ChecklistItemFactory()
    ChecklistItemFactory(checklist=item.checklist)
    done_round = RoundFactory(checklist=item.checklist)
    done = Inspection.objects.create(
        round=done_round, room=room, inspector=member, status="done", score=80, done_on="2026-01-05"
    )
    answers = [
        Answer.objects.create(
            inspection=done,
            item=row,
            group=row.group,
            text=row.text,
            weight=1,
            scale=row.scale,
            value=2,
        )
        for row in item.checklist.items.all()
    ]
    answers[0].photo_type = "image/jpeg"
    answers[0].photo.save("photo", SimpleUploadedFile("p.jpg", image_bytes()), save=True)
    dispute = Dispute.objects.create(
        answer=answers[0], resident=student, text="不对", is_dispute=True, status="open"
    )
    current = RoundFactory(checklist=item.checklist)
    current.buildings.set([room.floor.building])
    assign_round_rooms(current)
    to_do = Inspection.objects.get(round=current, room=room)
    key_dorm = KeyDorm.objects.create(
        room=room,
        reason="测试",
        status="plan_agreed",
        goals="整洁",
        responsible=member,
        reviewer=reviewer,
        review_date="2026-12-01",
    )
    action = AssistanceAction.objects.create(
        key_dorm=key_dorm, date="2026-11-01", kind="talk", note="谈心", member=member
    )
    return {
        "dorms:room": {"pk": room.pk},
        "dorms:key-dorm-open": {"pk": room.pk},
        "dorms:inspection": {"pk": done.pk},
        "dorms:reinspect": {"pk": done.pk},
        "dorms:inspect": {"pk": to_do.pk},
        "dorms:inspect-item": {"pk": to_do.pk},
        "dorms:reassign": {"pk": to_do.pk},
        "dorms:photo": {"pk": answers[0].pk},
        "dorms:dispute": {"pk": answers[1].pk},
        "dorms:key-dorm": {"pk": key_dorm.pk},
        "dorms:key-dorm-step": {"pk": key_dorm.pk, "action": "start"},
        "dorms:action-confirm": {"pk": action.pk},
        "dorms:round": {"pk": current.pk},
        "dorms:round-export": {"pk": current.pk},
        "dorms:settle": {"pk": dispute.pk},
    }


def _evaluations(member, staff) -> dict[str, dict]:
    """An open campaign where the member's tutee (the student), his branch's secretary and he
    himself evaluate him; a published one with his results."""
    now = timezone.now()
    voting = CampaignFactory(relations=[Relation.TUTEE, Relation.SELF, Relation.BRANCH])
    QuestionFactory(campaign=voting)
    open_campaign(campaign=voting)
    done = CampaignFactory(relations=[Relation.SELF])
    open_campaign(campaign=done)
    Campaign.objects.filter(pk=done.pk).update(
        opens_at=now - datetime.timedelta(days=3), closes_at=now - datetime.timedelta(minutes=1)
    )
    close_campaign(campaign=done)
    publish_results(actor=staff, campaign=done)
    # Their notices would give "mark all read" something to do.
    Notice.objects.filter(kind__startswith="evaluations-").delete()
    target = Evaluatee.objects.get(campaign=voting, person=member)
    result = Evaluatee.objects.get(campaign=done, person=member)
    return {
        "evaluations:ballot": {"campaign": voting.pk, "pk": target.pk},
        "evaluations:result": {"pk": result.pk},
        "evaluations:appraise": {"pk": result.pk},
        "evaluations:campaign": {"pk": done.pk},
        "evaluations:branch": {"pk": done.pk, "branch": member.branch_id},
        "evaluations:export": {"pk": done.pk},
        "evaluations:publish": {"pk": done.pk},
    }


@pytest.fixture
def url_kwargs(student, member, branch, staff, reviewer, settings, tmp_path):
    """Arguments for URLs that address an object: the student's notice, the member, his branch,
    an activity of his branch organised by staff (with his registration), a reading's PDF, the
    member's study entry and enrolment, the student's suggestion and its photo."""
    notice = NoticeFactory(recipient=student)
    settings.MEDIA_ROOT = tmp_path
    activity = ActivityFactory(branch=branch, organiser=staff)
    registration = RegistrationFactory(activity=activity, person=member)
    reading = ReadingFactory(document=SimpleUploadedFile("dangzhang.pdf", b"%PDF-1.4 test"))
    enrollment = EnrollmentFactory(person=member)
    entry = StudyEntryFactory(person=member)
    photo = PhotoFactory(suggestion__author=student)
    suggestion = {"pk": photo.suggestion_id}
    step = MilestoneFactory(person=member, kind="application")
    pairing = PairingFactory(request__tutee=student, tutor=member)
    session = SessionFactory(pairing=pairing, logged_by=member)
    check_in = CheckIn.objects.create(pairing=pairing, occasion="month")
    dorms = _dorms(student, member, reviewer, staff)
    evaluations = _evaluations(member, staff)
    return (
        dorms
        | evaluations
        | {
            "tutoring:request": {"pk": pairing.request_id},
            "tutoring:request-withdraw": {"pk": pairing.request_id},
            "tutoring:propose": {"pk": pairing.request_id},
            "tutoring:pairing": {"pk": pairing.pk},
            "tutoring:pairing-step": {"pk": pairing.pk, "action": "decline"},
            "tutoring:session-log": {"pk": pairing.pk},
            "tutoring:session-confirm": {"pk": session.pk},
            "tutoring:session-rate": {"pk": session.pk},
            "tutoring:check-in": {"pk": check_in.pk},
            "tutoring:export": {"table": "requests"},
            "study:entry": {"pk": entry.pk},
            "study:entry-edit": {"pk": entry.pk},
            "study:entry-submit": {"pk": entry.pk},
            "study:entry-delete": {"pk": entry.pk},
            "study:entry-approve": {"pk": entry.pk},
            "study:entry-return": {"pk": entry.pk},
            "study:person": {"pk": member.pk},
            "study:sign-off": {"pk": enrollment.pk},
            "study:participant-remove": {"pk": enrollment.pk},
            "study:participants": {"pk": enrollment.plan_id},
            "study:activity": {"pk": activity.pk},
            "study:activity-edit": {"pk": activity.pk},
            "study:activity-sign-up": {"pk": activity.pk},
            "study:activity-cancel": {"pk": activity.pk},
            "study:activity-sign-in": {"pk": activity.pk},
            "study:activity-code": {"pk": activity.pk},
            "study:activity-attendance": {"pk": activity.pk},
            "study:activity-mark": {"pk": activity.pk, "registration_pk": registration.pk},
            "study:activity-unmark": {"pk": activity.pk, "registration_pk": registration.pk},
            "study:reading": {"pk": reading.pk},
            "study:reading-pdf": {"pk": reading.pk},
            "feedback:detail": suggestion,
            "feedback:support": suggestion,
            "feedback:report": suggestion,
            "feedback:handle": suggestion | {"action": "answer"},
            "feedback:rate": suggestion,
            "feedback:reopen": suggestion,
            "feedback:moderate": suggestion,
            "feedback:photo": {"pk": photo.pk},
            "notifications:open": {"pk": notice.pk},
            "members:person": {"pk": member.pk},
            "members:add-milestone": {"pk": member.pk},
            "members:remove-step": {"pk": member.pk, "step_pk": step.pk},
            "members:development": {"pk": branch.pk},
            "members:branch": {"pk": branch.pk},
            "workstation:branch": {"pk": branch.pk},
            "tutoring:branch": {"pk": branch.pk},
            "dorms:branch": {"pk": branch.pk},
            "account_confirm_email": {"key": "no-such-key"},
            "account_reset_password_from_key": {"uidb36": "1", "key": "no-such-key"},
        }
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_access_table(role, request, url_kwargs):
    client = request.getfixturevalue(f"{role}_client")
    for name, expected in EXPECTED.items():
        url = reverse(name, kwargs=url_kwargs.get(name))
        response = client.get(url)
        outcome = {200: "ok", 302: "away", 403: "403", 404: "404", 405: "405"}.get(
            response.status_code
        )
        if outcome == "away" and response["Location"].startswith("/accounts/login/?next="):
            outcome = "login"
        assert outcome == expected[role], f"{role} GET {url}: {response.status_code}"


def outcome_of(response, *, changed: bool) -> str:
    outcome = {200: "ok", 302: "away", 400: "400", 403: "403", 404: "404", 405: "405"}.get(
        response.status_code, str(response.status_code)
    )
    if outcome == "away" and response["Location"].startswith("/accounts/login/?next="):
        outcome = "login"
    if changed:
        return "done" if outcome in ("ok", "away") else f"{outcome}, and the database changed"
    return outcome


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_post_access_table(role, request, url_kwargs):
    """Every URL, posted to with no data: each POST is undone before the next (and the client's
    cookies put back, as signing out drops them), so each row starts from the same data."""
    client = request.getfixturevalue(f"{role}_client")
    for name in EXPECTED:
        url = reverse(name, kwargs=url_kwargs.get(name))
        cookies = copy.deepcopy(client.cookies)
        with transaction.atomic():
            before = fingerprint()
            response = client.post(url)
            changed = changed_tables(before, fingerprint())
            transaction.set_rollback(True)
        client.cookies = cookies
        outcome = outcome_of(response, changed=bool(changed))
        assert outcome in expected_post(name, role), f"{role} POST {url}: {outcome} {changed}"


@pytest.mark.django_db
def test_another_persons_notice_is_not_found(member_client, url_kwargs):
    url = reverse("notifications:open", kwargs=url_kwargs["notifications:open"])
    assert member_client.post(url).status_code == 404
