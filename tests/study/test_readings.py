"""Readings: the list by stage, confirming one has read a reading (with a note, once), and its
PDF served to members and staff only."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from study.models import ReadingConfirmation
from study.services.activities import READING_NOTE_MIN_LENGTH

from .factories import ReadingConfirmationFactory, ReadingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


@pytest.fixture
def constitution():
    return ReadingFactory(
        title="中国共产党章程 总纲",
        source="《中国共产党章程》",
        stage=1,
        url="https://www.12371.cn/special/zggcddzc/",
    )


@pytest.fixture
def speech():
    return ReadingFactory(
        title="在庆祝中国共产党成立100周年大会上的讲话",
        source="讲话",
        stage=2,
        document=SimpleUploadedFile("speech.pdf", PDF),
    )


def test_the_list_is_grouped_by_stage_and_shows_what_i_have_read(
    member_client, member, constitution, speech
):
    ReadingConfirmationFactory(reading=constitution, person=member)
    page = text(member_client.get(reverse("study:readings"))).split('data-testid="reading-list"')[1]
    assert page.index("Stage 1") < page.index("中国共产党章程 总纲") < page.index("Stage 2")
    assert page.index("Stage 2") < page.index("在庆祝中国共产党成立100周年大会上的讲话")
    assert page.count(">Read<") == 1 and page.count(">To read<") == 1

    only_two = text(member_client.get(reverse("study:readings"), {"stage": "2"}))
    assert "总纲" not in only_two and "100周年" in only_two
    assert member_client.get(reverse("study:readings"), {"stage": "9"}).status_code == 200


def test_the_reading_page_links_the_text_and_the_pdf(member_client, constitution, speech):
    page = text(member_client.get(reverse("study:reading", args=[constitution.pk])))
    assert "https://www.12371.cn/special/zggcddzc/" in page and "《中国共产党章程》" in page
    assert "Open the PDF" not in page
    page = text(member_client.get(reverse("study:reading", args=[speech.pk])))
    assert reverse("study:reading-pdf", args=[speech.pk]) in page


def test_confirming_a_reading_with_a_note_once(member_client, member, constitution):
    address = reverse("study:reading", args=[constitution.pk])
    note = "总纲阐明了党的性质、宗旨和奋斗目标。"
    response = member_client.post(address, {"note": note}, follow=True)
    page = text(response)
    assert "Thank you: the reading is confirmed." in page
    assert "You confirmed this reading on" in page and note in page
    assert ReadingConfirmation.objects.get(person=member).note == note

    page = text(member_client.post(address, {"note": "再次确认 这次写得更长一些。"}, follow=True))
    assert "You have already confirmed this reading." in page
    assert ReadingConfirmation.objects.get(person=member).note == note


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Write a short note about what you read."),
        ("   读了。   ", f"Write at least {READING_NOTE_MIN_LENGTH} characters"),
    ],
)
def test_a_missing_or_short_note_is_refused(member_client, constitution, note, message):
    response = member_client.post(reverse("study:reading", args=[constitution.pk]), {"note": note})
    assert response.status_code == 200
    assert message in text(response)
    assert not ReadingConfirmation.objects.exists()


def test_a_student_reads_nothing(student_client, constitution, speech):
    assert student_client.get(reverse("study:readings")).status_code == 403
    assert student_client.get(reverse("study:reading", args=[constitution.pk])).status_code == 404
    response = student_client.post(
        reverse("study:reading", args=[constitution.pk]), {"note": "我不是党员但是想确认。"}
    )
    assert response.status_code == 404
    assert student_client.get(reverse("study:reading-pdf", args=[speech.pk])).status_code == 404
    assert not ReadingConfirmation.objects.exists()


@pytest.mark.parametrize("role", ["member", "reviewer", "staff"])
def test_members_and_staff_open_the_pdf(role, request, speech):
    client = request.getfixturevalue(f"{role}_client")
    response = client.get(reverse("study:reading-pdf", args=[speech.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_visitors_are_sent_to_sign_in_for_the_pdf(visitor_client, speech):
    response = visitor_client.get(reverse("study:reading-pdf", args=[speech.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_reading_without_a_pdf_or_a_lost_file_is_not_found(member_client, constitution, speech):
    assert (
        member_client.get(reverse("study:reading-pdf", args=[constitution.pk])).status_code == 404
    )
    speech.document.storage.delete(speech.document.name)
    assert member_client.get(reverse("study:reading-pdf", args=[speech.pk])).status_code == 404
