"""The dorms' pages: who sees whose contact details, the draft endpoint with its photo limits,
the exports, and query counts that stay flat as rooms, residents and inspections grow."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dorms.models import Answer, Inspection, InspectionStatus
from dorms.services.inspections import assign_round_rooms
from tests.factories import UserFactory
from tests.feedback.factories import image_bytes

from .factories import ContactFactory, ResidencyFactory, RoomFactory, RoundFactory
from .test_key_dorms import GOOD, inspect


def test_a_member_sees_phones_only_in_his_rooms(client, member, student, room, floor):
    student.phone = "13800000000"
    student.class_name = "软件2301"
    student.save(update_fields=["phone", "class_name"])
    client.force_login(member)
    page = client.get(room.get_absolute_url()).content.decode()
    assert "13800000000" in page and "软件2301" in page
    client.force_login(student)  # the resident sees his room, not the phones
    page = client.get(room.get_absolute_url()).content.decode()
    assert "陈同学" in page and "13800000000" not in page
    other = RoomFactory(floor=floor)
    ResidencyFactory(person=UserFactory(phone="13900000000"), room=other)
    client.force_login(member)
    assert client.get(other.get_absolute_url()).status_code == 404


def test_a_floor_contact_sees_every_room_of_the_floor(client, other_member, floor, room):
    ContactFactory(member=other_member, floor=floor)
    client.force_login(other_member)
    assert client.get(room.get_absolute_url()).status_code == 200


def _item_url(inspection):
    return reverse("dorms:inspect-item", kwargs={"pk": inspection.pk})


def _start(client, inspection) -> None:
    """Start the inspection as its inspector does: the button on the page it opens with."""
    url = reverse("dorms:inspect", kwargs={"pk": inspection.pk})
    assert client.post(url, {"op": "start"})["Location"] == url


def test_opening_an_inspection_changes_nothing_until_it_is_started(client, member, inspection):
    client.force_login(member)
    url = reverse("dorms:inspect", kwargs={"pk": inspection.pk})
    page = client.get(url).content.decode()
    assert 'data-testid="start-inspection"' in page and "开始检查" in page
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.TO_DO and not inspection.answers.exists()
    _start(client, inspection)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT and inspection.answers.exists()
    page = client.get(url).content.decode()
    assert page.count('data-testid="item"') == inspection.answers.count()
    _start(client, inspection)  # twice, as a second tap: the same draft
    assert inspection.answers.count() == page.count('data-testid="item"')


def test_the_draft_keeps_each_item_with_its_photo_without_exif(client, member, inspection):
    client.force_login(member)
    _start(client, inspection)
    answer = Answer.objects.filter(inspection=inspection).first()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # the camera's make
    photo = SimpleUploadedFile("IMG_0001.jpg", image_bytes(exif=exif.tobytes()), "image/jpeg")
    response = client.post(
        _item_url(inspection),
        {"answer": answer.pk, "value": "4", "note": "桌面有杂物", "photo": photo},
    )
    assert response.status_code == 200 and response.json()["photo"] is True
    answer.refresh_from_db()
    assert answer.value == 4 and answer.note == "桌面有杂物"
    assert "IMG_0001" not in answer.photo.name
    with answer.photo.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif()
    assert client.get(reverse("dorms:photo", kwargs={"pk": answer.pk})).status_code == 200


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (SimpleUploadedFile("a.jpg", b"not an image", "image/jpeg"), "不是 JPEG"),
        (SimpleUploadedFile("big.jpg", b"0" * (5 * 1024 * 1024 + 1), "image/jpeg"), "超过了"),
    ],
)
def test_the_draft_refuses_bad_photos_and_keeps_nothing(client, member, inspection, upload, words):
    client.force_login(member)
    _start(client, inspection)
    answer = Answer.objects.filter(inspection=inspection).first()
    response = client.post(
        _item_url(inspection), {"answer": answer.pk, "value": "3", "photo": upload}
    )
    assert response.status_code == 400 and words in response.json()["error"]
    answer.refresh_from_db()
    assert answer.value is None and not answer.photo


def test_the_pixel_limit_is_checked_before_decoding(client, member, inspection, settings):
    settings.PHOTO_MAX_PIXELS = 100
    client.force_login(member)
    _start(client, inspection)
    answer = Answer.objects.filter(inspection=inspection).first()
    photo = SimpleUploadedFile("p.jpg", image_bytes(), "image/jpeg")  # 40 by 30
    response = client.post(
        _item_url(inspection), {"answer": answer.pk, "value": "3", "photo": photo}
    )
    assert response.status_code == 400 and "像素过多" in response.json()["error"]


def test_the_whole_form_without_script_submits_the_inspection(client, member, inspection):
    client.force_login(member)
    _start(client, inspection)
    data = {
        f"value-{a.pk}": "1" if a.scale == "pass_fail" else "5" for a in inspection.answers.all()
    }
    response = client.post(
        reverse("dorms:inspect", kwargs={"pk": inspection.pk}), data | {"op": "submit"}
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.is_done and inspection.score == 100


def test_a_mark_out_of_scale_is_refused_on_the_page(client, member, inspection):
    client.force_login(member)
    _start(client, inspection)
    first = inspection.answers.first()
    response = client.post(
        reverse("dorms:inspect", kwargs={"pk": inspection.pk}),
        {f"value-{first.pk}": "9"},
        follow=True,
    )
    assert "评分应在 0 到 5 之间" in response.content.decode()
    first.refresh_from_db()
    assert first.value is None


def test_one_wrong_mark_in_the_whole_form_loses_none_of_the_others(client, member, inspection):
    """The wrong mark comes first: the items after it are kept all the same."""
    client.force_login(member)
    _start(client, inspection)
    first, second, *_ = inspection.answers.all()
    top = 1 if first.scale == "pass_fail" else 5
    response = client.post(
        reverse("dorms:inspect", kwargs={"pk": inspection.pk}),
        {f"value-{first.pk}": "9", f"value-{second.pk}": "1", f"note-{second.pk}": "干净"},
        follow=True,
    )
    assert f"评分应在 0 到 {top} 之间" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.value, second.value, second.note) == (None, 1, "干净")


def test_the_round_export_is_formula_safe(staff_client, member, round_, inspection, room):
    room.number = "=HYPERLINK(1)"
    room.save(update_fields=["number"])
    response = staff_client.get(reverse("dorms:round-export", kwargs={"pk": round_.pk}))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 3).value == "'=HYPERLINK(1)"


# --- query counts at two sizes ----------------------------------------------------------------


def _grow(size: int, *, member, student, floor, round_, checklist):
    """`size` more rooms on the floor, each with residents, looked after by the member, in the
    round (half of them done)."""
    for _ in range(size):
        extra = RoomFactory(floor=floor)
        ContactFactory(member=member, room=extra)
        for _person in range(2):
            ResidencyFactory(person=UserFactory(phone="13700000000"), room=extra)
    assign_round_rooms(round_)
    for index, inspection in enumerate(Inspection.objects.filter(round=round_, status="to_do")):
        if index % 2:
            inspect(member, inspection, GOOD)
    earlier = RoundFactory(checklist=checklist)
    earlier.floors.set([floor])
    assign_round_rooms(earlier)


@pytest.mark.parametrize("size", [2, 12])
def test_query_counts_stay_flat(
    size,
    client,
    member,
    student,
    staff,
    floor,
    round_,
    checklist,
    room,
    django_assert_max_num_queries,
):
    _grow(size, member=member, student=student, floor=floor, round_=round_, checklist=checklist)
    client.force_login(member)
    # The same number at both sizes (measured: 11, 11, 11, 6 and 9).
    with django_assert_max_num_queries(11):
        assert client.get(reverse("dorms:mine")).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(room.get_absolute_url()).status_code == 200
    client.force_login(staff)
    with django_assert_max_num_queries(11):
        assert client.get(reverse("dorms:round", kwargs={"pk": round_.pk})).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("dorms:scores")).status_code == 200
    done = Inspection.objects.filter(round=round_, status="done").first()
    with django_assert_max_num_queries(9):
        assert client.get(done.get_absolute_url()).status_code == 200
