"""Review: the queue, approving and returning in place (htmx) or by form, approving several,
and who may review what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import PoliticalStatus
from notifications.models import Notice
from study.models import Stage, StudyEntry
from tests.factories import BranchFactory, UserFactory

from .factories import StudyEntryFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("study:review")
BULK = reverse("study:review-approve-selected")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def approve_url(entry) -> str:
    return reverse("study:entry-approve", args=[entry.pk])


def return_url(entry) -> str:
    return reverse("study:entry-return", args=[entry.pk])


@pytest.fixture
def outsider():
    """A member of another branch, with his own secretary."""
    other = BranchFactory(name="研究生党支部")
    secretary = UserFactory(name="赵书记", political_status=PoliticalStatus.FULL, branch=other)
    other.secretary = secretary
    other.save(update_fields=["secretary"])
    return UserFactory(name="钱党员", party_member=True, branch=other)


def test_the_queue_shows_his_peoples_submitted_entries_only(
    reviewer_client, reviewer, member, outsider
):
    mine = StudyEntryFactory(person=member, submitted=True, material="党章第二章")
    StudyEntryFactory(person=member, material="草稿不显示")
    StudyEntryFactory(person=outsider, submitted=True, material="别的支部")
    StudyEntryFactory(person=reviewer, submitted=True, material="自己的")
    page = reviewer_client.get(QUEUE)
    assert list(page.context["page"]) == [mine]
    text = page.content.decode()
    assert "党章第二章" in text
    assert "别的支部" not in text


def test_staff_see_every_submitted_entry(staff_client, member, outsider):
    StudyEntryFactory(person=member, submitted=True)
    StudyEntryFactory(person=outsider, submitted=True)
    assert staff_client.get(QUEUE).context["page"].paginator.count == 2


def test_the_queue_filters(reviewer_client, member, branch):
    other = UserFactory(name="孙党员", party_member=True, branch=branch)
    old = timezone.now() - datetime.timedelta(days=5)
    first = StudyEntryFactory(person=member, submitted=True, submitted_at=old)
    second = StudyEntryFactory(
        person=other, submitted=True, stage=Stage.SPEECHES, kind=StudyEntry.Kind.READING
    )
    assert list(reviewer_client.get(QUEUE, {"q": "孙"}).context["page"]) == [second]
    assert list(reviewer_client.get(QUEUE, {"q": member.student_number}).context["page"]) == [first]
    assert list(reviewer_client.get(QUEUE, {"stage": "2"}).context["page"]) == [second]
    assert list(reviewer_client.get(QUEUE, {"kind": "reading"}).context["page"]) == [second]
    assert list(reviewer_client.get(QUEUE, {"waiting": "3"}).context["page"]) == [first]
    # Nonsense in the filters is ignored, not an error.
    assert reviewer_client.get(QUEUE, {"waiting": "x", "stage": "9"}).status_code == 200


def test_approve_in_place_with_htmx(reviewer_client, reviewer, member):
    entry = StudyEntryFactory(person=member, submitted=True)
    response = reviewer_client.post(approve_url(entry), {"comment": "认真"}, **HTMX, **EN)
    assert response.status_code == 200
    text = response.content.decode()
    assert f'id="entry-row-{entry.pk}"' in text
    assert "Approved." in text
    entry.refresh_from_db()
    assert entry.status == StudyEntry.Status.APPROVED
    assert entry.reviewed_by == reviewer
    assert entry.review_comment == "认真"
    notice = Notice.objects.get(recipient=member)
    assert notice.kind == "study-entry-approved"
    assert notice.link == entry.get_absolute_url()


def test_the_queue_count_follows_an_approval_in_place_with_the_page_filters(
    reviewer_client, member
):
    entry = StudyEntryFactory(person=member, submitted=True, stage=Stage.THEORY)
    StudyEntryFactory(person=member, submitted=True, stage=Stage.THEORY)
    StudyEntryFactory.create_batch(3, person=member, submitted=True, stage=Stage.SPEECHES)
    page = f"http://testserver{QUEUE}?stage={Stage.THEORY}"
    response = reviewer_client.post(
        approve_url(entry), {"comment": ""}, **HTMX, **EN, HTTP_HX_CURRENT_URL=page
    )
    text = response.content.decode()
    # One stage-1 entry is left of this filtered page's two; the three of stage 2 are not shown.
    assert 'id="queue-count" data-testid="queue-count" hx-swap-oob="true">1 entry waiting' in text


def test_return_needs_a_comment_and_changes_nothing_without_one(reviewer_client, member):
    entry = StudyEntryFactory(person=member, submitted=True)
    response = reviewer_client.post(return_url(entry), {"comment": " "}, **HTMX, **EN)
    assert response.status_code == 200
    assert "a returned entry needs a comment" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == StudyEntry.Status.SUBMITTED
    assert not Notice.objects.exists()


def test_return_with_a_comment(reviewer_client, member):
    entry = StudyEntryFactory(person=member, submitted=True)
    response = reviewer_client.post(return_url(entry), {"comment": "请写具体"}, **HTMX, **EN)
    assert "Returned." in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == StudyEntry.Status.RETURNED
    assert entry.review_comment == "请写具体"
    assert Notice.objects.get(recipient=member).kind == "study-entry-returned"


def test_without_javascript_the_review_goes_back_to_the_queue(reviewer_client, member):
    entry = StudyEntryFactory(person=member, submitted=True)
    response = reviewer_client.post(approve_url(entry), {"next": f"{QUEUE}?stage=1"}, **EN)
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?stage=1"
    page = reviewer_client.get(response["Location"], **EN)
    assert "entry is approved" in page.content.decode()


def test_an_offsite_next_is_ignored(reviewer_client, member):
    entry = StudyEntryFactory(person=member, submitted=True)
    response = reviewer_client.post(approve_url(entry), {"next": "https://evil.example/"})
    assert response["Location"] == QUEUE


@pytest.mark.parametrize(
    "target", ["queue", "study:review", "javascript:alert(1)", "//evil.example/"]
)
def test_a_next_that_is_not_a_path_goes_back_to_the_queue(reviewer_client, member, target):
    entry = StudyEntryFactory(person=member, submitted=True)
    response = reviewer_client.post(return_url(entry), {"next": target, "comment": "再看看"})
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    entry.refresh_from_db()
    assert entry.status == StudyEntry.Status.RETURNED


def test_an_entry_already_reviewed_is_not_reviewed_again(reviewer_client, member):
    entry = StudyEntryFactory(person=member, approved=True)
    response = reviewer_client.post(return_url(entry), {"comment": "再看看"}, **HTMX, **EN)
    assert "only submitted entries are reviewed" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == StudyEntry.Status.APPROVED


def test_a_reviewer_of_another_branch_gets_404(outsider, member):
    from django.test import Client

    client = Client()
    client.force_login(outsider.branch.secretary)
    entry = StudyEntryFactory(person=member, submitted=True)
    assert client.get(reverse("study:entry", args=[entry.pk])).status_code == 404
    assert client.post(approve_url(entry)).status_code == 404
    assert client.post(return_url(entry), {"comment": "x"}).status_code == 404
    entry.refresh_from_db()
    assert entry.status == StudyEntry.Status.SUBMITTED


def test_members_and_students_cannot_review(member_client, student_client, member, branch):
    colleague = UserFactory(party_member=True, branch=branch)
    entry = StudyEntryFactory(person=colleague, submitted=True)
    assert member_client.post(approve_url(entry)).status_code == 404
    own = StudyEntryFactory(person=member, submitted=True)
    assert member_client.post(approve_url(own)).status_code == 403
    assert student_client.post(approve_url(entry)).status_code == 404
    assert member_client.get(QUEUE).status_code == 403
    assert member_client.post(BULK, {"entries": [entry.pk]}).status_code == 403
    assert StudyEntry.objects.filter(status=StudyEntry.Status.APPROVED).count() == 0


def test_approve_selected(reviewer_client, member, outsider, branch):
    ours = StudyEntryFactory.create_batch(2, person=member, submitted=True)
    theirs = StudyEntryFactory(person=outsider, submitted=True)
    draft = StudyEntryFactory(person=member)
    ids = [entry.pk for entry in ours] + [theirs.pk, draft.pk]
    response = reviewer_client.post(BULK, {"entries": ids}, **EN)
    assert response.status_code == 302
    page = reviewer_client.get(response["Location"], **EN).content.decode()
    assert "2 entries approved." in page
    assert "2 entries were skipped" in page
    statuses = {entry.pk: entry.status for entry in StudyEntry.objects.all()}
    assert [statuses[entry.pk] for entry in ours] == ["approved", "approved"]
    assert statuses[theirs.pk] == "submitted"
    assert statuses[draft.pk] == "draft"
    assert Notice.objects.filter(recipient=member).count() == 2


@pytest.mark.parametrize("entries", [[], ["abc"], ["-1"]])
def test_approve_selected_refuses_nonsense(reviewer_client, member, entries):
    StudyEntryFactory(person=member, submitted=True)
    response = reviewer_client.post(BULK, {"entries": entries}, **EN)
    assert response.status_code == 302
    page = reviewer_client.get(response["Location"], **EN).content.decode()
    assert "Choose the entries to approve." in page
    assert not StudyEntry.objects.filter(status="approved").exists()
